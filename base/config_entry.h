// Typed declarations of configuration keys (FEATURES.md R2), Kompact's
// `ConfigEntry`: a key, its default, its documentation and an optional check.
// Kompact's own keys and users' keys are declared the same way and read with
// Config::Get (base/config.h):
//
//   inline constexpr kompact::ConfigEntry<int64_t> kThroughput{
//       .key = "kompact.runtime.throughput",
//       .default_value = 50,
//       .doc = "Events a component handles per scheduling before it yields.",
//       .check = kompact::ConfigCheck<int64_t>::Range(1, 1'000'000),
//   };
//
// Value types T: bool; integer types (read from TOML integers, range-checked
// against T); double (TOML floats or integers); std::string; absl::Duration,
// written in TOML as a string in absl::ParseDuration's syntax ("250ms", "1.5s",
// "1h30m", "inf"); and std::vector of any of those (TOML arrays).
//
// Entries of scalar types and std::string (whose default is a std::string_view)
// are literal types and can be `constexpr`; vector entries are `const` objects.
// Thread-safety: immutable values, safe to share.
#ifndef KOMPACT_BASE_CONFIG_ENTRY_H_
#define KOMPACT_BASE_CONFIG_ENTRY_H_

#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/absl_compat.h"
// Conversions between values and the value tree, needed by the templates below.
#include "base/internal/config_codec.h"
#include "base/internal/config_node.h"

namespace kompact {

// The types a ConfigEntry can have (see the file comment).
template <typename T>
concept ConfigValueType = base_internal::kIsConfigValueType<T>;

// What values an entry accepts beyond its type. For std::vector<E> entries the
// range and OneOf apply to every element; a predicate sees the whole value.
// Literal type, so entries holding one can be constexpr.
template <ConfigValueType T>
class ConfigCheck {
 public:
  // What the range and OneOf test: `E` for `std::vector<E>` entries, else T.
  using Element = typename base_internal::ConfigVectorTraits<T>::Element;
  // Integers, floats and durations have ranges.
  static constexpr bool kOrdered = base_internal::kIsConfigInteger<Element> ||
                                   std::is_same_v<Element, double> || std::is_same_v<Element, absl::Duration>;
  // A test of the whole value (a plain function pointer, so the check stays a literal type).
  using Predicate = bool (*)(const T&);

  // Accepts every value of the type.
  constexpr ConfigCheck() = default;

  // min <= value <= max (NaN is never in range).
  static constexpr ConfigCheck Range(Element min, Element max) requires kOrdered {
    ConfigCheck check;
    check.min_ = min;
    check.max_ = max;
    return check;
  }
  // min <= value.
  static constexpr ConfigCheck AtLeast(Element min) requires kOrdered {
    ConfigCheck check;
    check.min_ = min;
    return check;
  }
  // value <= max.
  static constexpr ConfigCheck AtMost(Element max) requires kOrdered {
    ConfigCheck check;
    check.max_ = max;
    return check;
  }
  // The value is one of `allowed`, which must outlive the check (use a static array).
  static constexpr ConfigCheck OneOf(
      std::span<const std::string_view> allowed) requires std::is_same_v<Element, std::string> {
    ConfigCheck check;
    check.one_of_ = allowed;
    return check;
  }
  // `predicate(value)` holds; `requirement` says what it demands ("a power of two").
  static constexpr ConfigCheck Satisfies(Predicate predicate, std::string_view requirement) {
    return ConfigCheck().AndSatisfies(predicate, requirement);
  }
  // This check and `predicate` (replacing an earlier predicate).
  constexpr ConfigCheck AndSatisfies(Predicate predicate, std::string_view requirement) const {
    ConfigCheck check = *this;
    check.predicate_ = predicate;
    check.requirement_ = requirement;
    return check;
  }

  // Empty when `element` passes the range/OneOf part, else what is wrong:
  // "value 0 is out of range, allowed: 1 to 10".
  std::string ElementProblem(const Element& element) const {
    if constexpr (kOrdered) {
      // Written so that NaN fails both comparisons.
      const bool in_range = (!min_ || element >= *min_) && (!max_ || element <= *max_);
      if (!in_range) {
        return absl::StrCat("value ", base_internal::FormatConfigValue(element),
                            " is out of range, allowed: ", DescribeRange());
      }
    } else if constexpr (std::is_same_v<Element, std::string>) {
      if (!one_of_.empty()) {
        for (std::string_view allowed : one_of_) {
          if (allowed == element) return "";
        }
        return absl::StrCat("value ", base_internal::FormatConfigValue(element),
                            " is not allowed, allowed: ", DescribeOneOf());
      }
    }
    return "";
  }

  // Empty when `value` satisfies the predicate, else what is wrong.
  std::string ValueProblem(const T& value) const {
    if (predicate_ == nullptr || predicate_(value)) return "";
    return absl::StrCat("value ", base_internal::FormatConfigValue(value),
                        " is not allowed, required: ", AsAbsl(requirement_));
  }

  // What the check accepts, for documentation: "1 to 10", "at least 1",
  // "one of \"a\", \"b\"", "a power of two", joined by "; "; for integer types
  // narrower than int64_t the type's own range is included. Empty if anything goes.
  std::string Describe() const {
    std::string out;
    if constexpr (kOrdered) {
      out = DescribeRange();
    } else if constexpr (std::is_same_v<Element, std::string>) {
      out = DescribeOneOf();
    }
    if (!out.empty() && base_internal::ConfigVectorTraits<T>::kIsVector) {
      out = absl::StrCat("each element ", out);
    }
    if (predicate_ != nullptr) {
      absl::StrAppend(&out, out.empty() ? "" : "; ", AsAbsl(requirement_));
    }
    return out;
  }

 private:
  using Bound = std::conditional_t<kOrdered, Element, std::monostate>;

  std::string DescribeRange() const {
    if constexpr (kOrdered) {
      std::optional<Element> lo = min_;
      std::optional<Element> hi = max_;
      if constexpr (base_internal::kIsConfigInteger<Element>) {
        constexpr int64_t kTypeMin = base_internal::ConfigIntegerMin<Element>();
        constexpr int64_t kTypeMax = base_internal::ConfigIntegerMax<Element>();
        if (!lo && kTypeMin != std::numeric_limits<int64_t>::min()) lo = Element(kTypeMin);
        if (!hi && kTypeMax != std::numeric_limits<int64_t>::max()) hi = Element(kTypeMax);
      }
      using base_internal::FormatConfigValue;
      if (lo && hi) return absl::StrCat(FormatConfigValue(*lo), " to ", FormatConfigValue(*hi));
      if (lo) return absl::StrCat("at least ", FormatConfigValue(*lo));
      if (hi) return absl::StrCat("at most ", FormatConfigValue(*hi));
    }
    return "";
  }

  std::string DescribeOneOf() const {
    if (one_of_.empty()) return "";
    std::string out = "one of ";
    for (size_t i = 0; i < one_of_.size(); ++i) {
      absl::StrAppend(&out, i > 0 ? ", " : "", base_internal::QuoteConfigString(one_of_[i]));
    }
    return out;
  }

  std::optional<Bound> min_;
  std::optional<Bound> max_;
  std::span<const std::string_view> one_of_;
  Predicate predicate_ = nullptr;
  std::string_view requirement_;
};

// A typed configuration key. Aggregate: declare with designated initialisers
// (see the file comment). `key` is a dotted path of TOML bare keys
// (A-Z a-z 0-9 _ -); `default_value` is what Config::Get returns when the key is
// absent (it is checked too); `doc` is shown by DescribeEntries(). The strings
// `key` and `doc` point at must outlive the entry (string literals do).
template <ConfigValueType T>
struct ConfigEntry {
  // std::string entries keep their default as a view so that they can be constexpr.
  using Default = std::conditional_t<std::is_same_v<T, std::string>, std::string_view, T>;

  std::string_view key;       // Dotted TOML key, like "kompact.runtime.throughput".
  Default default_value;      // Returned (after the check) when the key is absent.
  std::string_view doc;       // One or more sentences for DescribeEntries().
  ConfigCheck<T> check = {};  // What values are accepted beyond the type (default: all).
};

namespace base_internal {

// Reads `entry`'s value from `node` (the configured value, or its encoded
// default) and applies the entry's check. Errors name the key, and the origin of
// the offending value (an array element's own line for arrays).
template <ConfigValueType T>
absl::StatusOr<T> DecodeConfigEntry(const ConfigNode& node, const ConfigEntry<T>& entry) {
  using Element = typename ConfigCheck<T>::Element;
  const auto element = [&](const ConfigNode& n, std::string_view key) -> absl::StatusOr<Element> {
    absl::StatusOr<Element> value = DecodeConfigScalar<Element>(n, key);
    if (!value.ok()) return value.status();
    if (std::string problem = entry.check.ElementProblem(*value); !problem.empty()) {
      return ConfigValueError(key, n.origin, problem);
    }
    return value;
  };
  T value;
  if constexpr (ConfigVectorTraits<T>::kIsVector) {
    const auto* array = std::get_if<ConfigArray>(&node.value);
    if (array == nullptr) {
      return ConfigValueError(
          entry.key, node.origin,
          absl::StrCat("expected an ", ConfigTypeName<T>(), ", found ", AsAbsl(ValueKindName(node))));
    }
    value.reserve(array->size());
    for (size_t i = 0; i < array->size(); ++i) {
      auto e = element((*array)[i], absl::StrCat(AsAbsl(entry.key), "[", i, "]"));
      if (!e.ok()) return e.status();
      value.push_back(*std::move(e));
    }
  } else {
    auto e = element(node, entry.key);
    if (!e.ok()) return e.status();
    value = *std::move(e);
  }
  if (std::string problem = entry.check.ValueProblem(value); !problem.empty()) {
    return ConfigValueError(entry.key, node.origin, problem);
  }
  return value;
}

}  // namespace base_internal
}  // namespace kompact

#endif  // KOMPACT_BASE_CONFIG_ENTRY_H_
