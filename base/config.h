// Configuration values (FEATURES.md R2): an immutable tree of values built from
// TOML files and strings merged in order, read through typed ConfigEntry<T>
// declarations (base/config_entry.h).
//
//   absl::StatusOr<kompact::Config> config = kompact::ConfigBuilder()
//       .AddFile("/etc/app/defaults.toml")
//       .AddString("[kompact.runtime]\nthroughput = 100", "--config")
//       .Set("kompact.runtime.threads", 4)
//       .Build();
//   absl::StatusOr<int64_t> throughput = config->Get(kThroughput);
//
// Sources merge in the order they were added: a later source overrides an
// earlier one key by key; tables merge recursively, any other value (including
// an array) replaces. Every value remembers its source name and line, and every
// error names the key, the source and the line:
//   key 'kompact.runtime.throughput' in 'a.toml' line 3: expected an integer, found string
// All configuration errors are InvalidArgument, except unreadable files (the
// errno's code, e.g. NotFound).
#ifndef KOMPACT_BASE_CONFIG_H_
#define KOMPACT_BASE_CONFIG_H_

#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/config_entry.h"
// The value tree and codecs, needed by the templates Get() and Set() (users
// never name their types).
#include "base/internal/config_codec.h"
#include "base/internal/config_node.h"

namespace kompact {

class ConfigEntryRef;

// Resolved configuration values. Immutable; copies share the tree (cheap), and
// any number of threads may read one concurrently.
class Config {
 public:
  // No values: every Get() returns the entry's default.
  Config();

  // The value of `entry`, or its default when the key is absent. Either is
  // checked against entry.check. InvalidArgument (naming key, value, source and
  // line) for a wrong type, a value out of range or a failed check, a malformed
  // key, or a prefix of the key that holds a non-table value.
  template <ConfigValueType T>
  [[nodiscard]] absl::StatusOr<T> Get(const ConfigEntry<T>& entry) const;

  // Whether any value (including a table) is set at `key`; false for malformed keys.
  [[nodiscard]] bool Contains(std::string_view key) const;

  // Get()s every entry and reports all errors at once (one error as is; several
  // as one InvalidArgument listing each on its own line). With a non-empty
  // `unknown_key_prefix` (e.g. "kompact") every key under it that no entry
  // declares is an error too, with a suggestion for likely typos.
  [[nodiscard]] absl::Status Validate(std::span<const ConfigEntryRef> entries,
                                      std::string_view unknown_key_prefix = {}) const;
  [[nodiscard]] absl::Status Validate(std::initializer_list<ConfigEntryRef> entries,
                                      std::string_view unknown_key_prefix = {}) const;

  // This configuration plus the default of every entry whose key is absent (so
  // that ToToml() shows the values in effect). Values are not checked here (see
  // Validate); errors only for a malformed key, a key below a non-table value or
  // a default that TOML cannot hold (an unsigned above the int64 range).
  [[nodiscard]] absl::StatusOr<Config> WithDefaults(std::span<const ConfigEntryRef> entries) const;
  [[nodiscard]] absl::StatusOr<Config> WithDefaults(std::initializer_list<ConfigEntryRef> entries) const;

  // The values as a TOML document (plain values first, then a [table] section
  // per table, in source order) that Build() reads back to the same values.
  [[nodiscard]] std::string ToToml() const;

 private:
  friend class ConfigBuilder;
  explicit Config(std::shared_ptr<const base_internal::ConfigNode> root);

  [[nodiscard]] absl::StatusOr<const base_internal::ConfigNode*> Find(std::string_view key) const;

  std::shared_ptr<const base_internal::ConfigNode> root_;  // a table; never null
};

// Collects sources in order and merges them into a Config. Sources are read at
// Build() time, so a builder can be kept and rebuilt (e.g. after a file changed).
// Not thread-safe.
class ConfigBuilder {
 public:
  // A TOML file; errors name `path` as given.
  ConfigBuilder& AddFile(std::string path);
  // TOML text; errors name `source_name`.
  ConfigBuilder& AddString(std::string toml, std::string source_name = "<string>");
  // One value at a dotted key, overriding what earlier sources set there.
  // Errors (bad key, unsigned value above the TOML integer range) surface at Build().
  template <ConfigValueType T>
  ConfigBuilder& Set(std::string_view key, const T& value, std::string_view source_name = "<set>");
  // The same for text: `value` is stored as a TOML string.
  ConfigBuilder& Set(std::string_view key, std::string_view value, std::string_view source_name = "<set>");
  // A value for `entry`, typed by it: Set(kThroughput, 100).
  template <ConfigValueType T>
  ConfigBuilder& Set(const ConfigEntry<T>& entry, const std::type_identity_t<T>& value,
                     std::string_view source_name = "<set>");

  // Reads and merges every source in order. The first failure is returned:
  // unreadable file (NotFound etc.), malformed TOML or a bad Set() (InvalidArgument).
  [[nodiscard]] absl::StatusOr<Config> Build() const;

 private:
  struct Source {
    enum class Kind { kFile, kString, kValue };
    Kind kind;
    std::string name;                                 // path or source name
    std::string text;                                 // kString: TOML; kValue: key
    absl::StatusOr<base_internal::ConfigNode> value;  // kValue
  };

  ConfigBuilder& AddValue(std::string_view key, absl::StatusOr<base_internal::ConfigNode> value,
                          std::string_view source_name);

  std::vector<Source> sources_;
};

// A type-erased reference to a ConfigEntry<T> of any T, for lists of entries
// (Validate, WithDefaults, DescribeEntries). Implicit from any entry; the entry
// must outlive the reference (entries are normally static).
class ConfigEntryRef {
 public:
  // Refers to `entry` (implicit, so a list of entries converts as it is).
  template <ConfigValueType T>
  ConfigEntryRef(const ConfigEntry<T>& entry)  // NOLINT(google-explicit-constructor)
      : entry_(&entry), ops_(&kOps<T>) {}

  // The entry's dotted key.
  std::string_view key() const { return ops_->key(entry_); }
  // The entry's documentation text.
  std::string_view doc() const { return ops_->doc(entry_); }
  // "integer", "array of strings", ...
  std::string type_name() const { return ops_->type_name(); }
  // What the check accepts ("1 to 10"), empty if anything of the type goes.
  std::string allowed() const { return ops_->allowed(entry_); }
  // The default as TOML ("50", "\"250ms\"") or an error for an unrepresentable default.
  [[nodiscard]] absl::StatusOr<std::string> DefaultAsToml() const;

 private:
  friend class Config;

  struct Ops {
    std::string_view (*key)(const void*);
    std::string_view (*doc)(const void*);
    std::string (*type_name)();
    std::string (*allowed)(const void*);
    absl::Status (*check)(const Config&, const void*);
    absl::StatusOr<base_internal::ConfigNode> (*default_node)(const void*);
  };

  template <ConfigValueType T>
  static const ConfigEntry<T>& Entry(const void* entry) {
    return *static_cast<const ConfigEntry<T>*>(entry);
  }

  template <ConfigValueType T>
  static constexpr Ops kOps = {
      [](const void* e) { return Entry<T>(e).key; },
      [](const void* e) { return Entry<T>(e).doc; },
      [] { return base_internal::ConfigTypeName<T>(); },
      [](const void* e) { return Entry<T>(e).check.Describe(); },
      [](const Config& config, const void* e) { return config.Get(Entry<T>(e)).status(); },
      [](const void* e) {
        const ConfigEntry<T>& entry = Entry<T>(e);
        return base_internal::EncodeConfigValue(T(entry.default_value), entry.key, {});
      },
  };

  absl::StatusOr<base_internal::ConfigNode> DefaultNode() const { return ops_->default_node(entry_); }

  const void* entry_;
  const Ops* ops_;
};

// Documentation of `entries` as a commented TOML document of their defaults,
// one block per entry in the given order:
//   # Events a component handles per scheduling before it yields.
//   # integer, default 50, allowed: 1 to 1000000
//   kompact.runtime.throughput = 50
std::string DescribeEntries(std::span<const ConfigEntryRef> entries);
std::string DescribeEntries(std::initializer_list<ConfigEntryRef> entries);

// ---- implementation ----------------------------------------------------------------

template <ConfigValueType T>
absl::StatusOr<T> Config::Get(const ConfigEntry<T>& entry) const {
  absl::StatusOr<const base_internal::ConfigNode*> found = Find(entry.key);
  if (!found.ok()) return found.status();
  if (*found != nullptr) return base_internal::DecodeConfigEntry(**found, entry);
  // Absent: the default goes through the same decoding and checks.
  absl::StatusOr<base_internal::ConfigNode> fallback =
      base_internal::EncodeConfigValue(T(entry.default_value), entry.key, {});
  if (!fallback.ok()) return fallback.status();
  return base_internal::DecodeConfigEntry(*fallback, entry);
}

template <ConfigValueType T>
ConfigBuilder& ConfigBuilder::Set(std::string_view key, const T& value, std::string_view source_name) {
  return AddValue(
      key,
      base_internal::EncodeConfigValue(value, key, base_internal::ConfigOrigin{std::string(source_name)}),
      source_name);
}

template <ConfigValueType T>
ConfigBuilder& ConfigBuilder::Set(const ConfigEntry<T>& entry, const std::type_identity_t<T>& value,
                                  std::string_view source_name) {
  return Set<T>(entry.key, value, source_name);
}

}  // namespace kompact

#endif  // KOMPACT_BASE_CONFIG_H_
