// Conversions between C++ values and configuration nodes for the types a
// ConfigEntry<T> may have: bool, integers, double, std::string, absl::Duration
// and std::vector of those. Durations are TOML strings read by
// absl::ParseDuration ("250ms", "1.5s", "1h30m").
//
// Included by base/config_entry.h for its templates. Thread-safety: stateless.
#ifndef KOMPACT_BASE_INTERNAL_CONFIG_CODEC_H_
#define KOMPACT_BASE_INTERNAL_CONFIG_CODEC_H_

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/absl_compat.h"
#include "base/internal/config_node.h"
#include "base/internal/config_toml.h"

namespace kompact::base_internal {

template <typename T>
inline constexpr bool kIsConfigInteger =
    std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char> &&
    !std::is_same_v<T, wchar_t> && !std::is_same_v<T, char8_t> && !std::is_same_v<T, char16_t> &&
    !std::is_same_v<T, char32_t>;

template <typename T>
inline constexpr bool kIsConfigScalar =
    std::is_same_v<T, bool> || kIsConfigInteger<T> || std::is_same_v<T, double> ||
    std::is_same_v<T, std::string> || std::is_same_v<T, absl::Duration>;

template <typename T>
struct ConfigVectorTraits {
  static constexpr bool kIsVector = false;
  using Element = T;
};
template <typename E>
struct ConfigVectorTraits<std::vector<E>> {
  static constexpr bool kIsVector = true;
  using Element = E;
};

template <typename T>
inline constexpr bool kIsConfigValueType = kIsConfigScalar<T> ||
                                           (ConfigVectorTraits<T>::kIsVector &&
                                            kIsConfigScalar<typename ConfigVectorTraits<T>::Element>);

// "boolean", "integer", "float", "string", "duration".
template <typename E>
constexpr std::string_view ConfigScalarTypeName() {
  if constexpr (std::is_same_v<E, bool>) {
    return "boolean";
  } else if constexpr (kIsConfigInteger<E>) {
    return "integer";
  } else if constexpr (std::is_same_v<E, double>) {
    return "float";
  } else if constexpr (std::is_same_v<E, std::string>) {
    return "string";
  } else {
    return "duration";
  }
}

// "integer", "array of integers", ...: the type as documentation shows it.
template <typename T>
std::string ConfigTypeName() {
  using Traits = ConfigVectorTraits<T>;
  const std::string_view element = ConfigScalarTypeName<typename Traits::Element>();
  if constexpr (Traits::kIsVector) {
    return absl::StrCat("array of ", AsAbsl(element), "s");
  } else {
    return std::string(element);
  }
}

// What a type error says was expected: "an integer", "a boolean", ...
template <typename E>
constexpr std::string_view ConfigExpected() {
  if constexpr (std::is_same_v<E, bool>) {
    return "a boolean";
  } else if constexpr (kIsConfigInteger<E>) {
    return "an integer";
  } else if constexpr (std::is_same_v<E, double>) {
    return "a number";
  } else if constexpr (std::is_same_v<E, std::string>) {
    return "a string";
  } else {
    return "a duration string such as \"250ms\" or \"1.5s\"";
  }
}

// A value as messages and docs show it: 50, 0.5, true, "text", 250ms, [1, 2].
template <typename T>
std::string FormatConfigValue(const T& value) {
  if constexpr (ConfigVectorTraits<T>::kIsVector) {
    std::string out = "[";
    for (size_t i = 0; i < value.size(); ++i) {
      absl::StrAppend(&out, i > 0 ? ", " : "", FormatConfigValue(value[i]));
    }
    return out + "]";
  } else if constexpr (std::is_same_v<T, bool>) {
    return value ? "true" : "false";
  } else if constexpr (kIsConfigInteger<T>) {
    return absl::StrCat(value);
  } else if constexpr (std::is_same_v<T, double>) {
    return FormatConfigFloat(value);
  } else if constexpr (std::is_same_v<T, std::string>) {
    return QuoteConfigString(value);
  } else {
    return absl::FormatDuration(value);
  }
}

// The smallest and largest value of integer type E that a TOML integer (int64)
// can hold.
template <typename E>
constexpr int64_t ConfigIntegerMin() {
  return std::in_range<int64_t>(std::numeric_limits<E>::min())
             ? static_cast<int64_t>(std::numeric_limits<E>::min())
             : std::numeric_limits<int64_t>::min();
}
template <typename E>
constexpr int64_t ConfigIntegerMax() {
  return std::in_range<int64_t>(std::numeric_limits<E>::max())
             ? static_cast<int64_t>(std::numeric_limits<E>::max())
             : std::numeric_limits<int64_t>::max();
}

// Reads a scalar of type E from `node`; errors name `key` and the node's origin.
template <typename E>
absl::StatusOr<E> DecodeConfigScalar(const ConfigNode& node, std::string_view key) {
  const auto mismatch = [&] {
    return ConfigValueError(
        key, node.origin,
        absl::StrCat("expected ", AsAbsl(ConfigExpected<E>()), ", found ", AsAbsl(ValueKindName(node))));
  };
  if constexpr (std::is_same_v<E, bool>) {
    if (const bool* b = std::get_if<bool>(&node.value)) return *b;
    return mismatch();
  } else if constexpr (kIsConfigInteger<E>) {
    const int64_t* i = std::get_if<int64_t>(&node.value);
    if (i == nullptr) return mismatch();
    if (!std::in_range<E>(*i)) {
      return ConfigValueError(key, node.origin,
                              absl::StrCat("value ", *i, " is out of range, allowed: ", ConfigIntegerMin<E>(),
                                           " to ", ConfigIntegerMax<E>()));
    }
    return static_cast<E>(*i);
  } else if constexpr (std::is_same_v<E, double>) {
    if (const double* d = std::get_if<double>(&node.value)) return *d;
    if (const int64_t* i = std::get_if<int64_t>(&node.value)) return static_cast<double>(*i);
    return mismatch();
  } else if constexpr (std::is_same_v<E, std::string>) {
    if (const std::string* s = std::get_if<std::string>(&node.value)) return *s;
    return mismatch();
  } else {
    static_assert(std::is_same_v<E, absl::Duration>);
    const std::string* s = std::get_if<std::string>(&node.value);
    if (s == nullptr) return mismatch();
    absl::Duration d;
    if (!absl::ParseDuration(*s, &d)) {
      return ConfigValueError(
          key, node.origin,
          absl::StrCat("expected ", AsAbsl(ConfigExpected<E>()), ", found string ", QuoteConfigString(*s)));
    }
    return d;
  }
}

// `value` as a node labelled `origin`. Fails only for an unsigned value above
// the largest TOML integer; the error names `key`.
template <typename T>
absl::StatusOr<ConfigNode> EncodeConfigValue(const T& value, std::string_view key,
                                             const ConfigOrigin& origin) {
  if constexpr (ConfigVectorTraits<T>::kIsVector) {
    ConfigArray array;
    array.reserve(value.size());
    for (const auto& element : value) {
      absl::StatusOr<ConfigNode> node = EncodeConfigValue(element, key, origin);
      if (!node.ok()) return node.status();
      array.push_back(*std::move(node));
    }
    return ConfigNode{std::move(array), origin};
  } else if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, double> ||
                       std::is_same_v<T, std::string>) {
    return ConfigNode{value, origin};
  } else if constexpr (kIsConfigInteger<T>) {
    if (!std::in_range<int64_t>(value)) {
      return ConfigValueError(key, origin,
                              absl::StrCat("value ", value, " does not fit a TOML integer (at most ",
                                           std::numeric_limits<int64_t>::max(), ")"));
    }
    return ConfigNode{static_cast<int64_t>(value), origin};
  } else {
    static_assert(std::is_same_v<T, absl::Duration>);
    return ConfigNode{absl::FormatDuration(value), origin};
  }
}

}  // namespace kompact::base_internal

#endif  // KOMPACT_BASE_INTERNAL_CONFIG_CODEC_H_
