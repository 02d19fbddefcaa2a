// The tree of configuration values behind kompact::Config: a TOML document in
// plain std types, where every value remembers where it came from (file or string
// name and line) so that errors can point at it. Also the tree operations the
// builder needs (key paths, lookup, merge) and the error format shared by every
// configuration error ("key 'a.b' in 'x.toml' line 3: ...").
//
// Included by base/config.h because Config's templates decode nodes; users never
// name these types. Thread-safety: plain values, no shared state.
#ifndef KOMPACT_BASE_INTERNAL_CONFIG_NODE_H_
#define KOMPACT_BASE_INTERNAL_CONFIG_NODE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace kompact::base_internal {

// Where a value came from.
struct ConfigOrigin {
  // A file path, a string's name ("<string>"), a Set() source ("<set>"); empty
  // for a ConfigEntry's default value.
  std::string source;
  // 1-based line in `source`; 0 when the value did not come from TOML text.
  int64_t line = 0;
};

// "in 'a.toml' line 3", "in '<set>'" or "(default value)".
std::string DescribeOrigin(const ConfigOrigin& origin);

struct ConfigNode;
struct ConfigTableEntry;
using ConfigArray = std::vector<ConfigNode>;
// Keys in insertion order; tables are small, lookups are linear.
using ConfigTable = std::vector<ConfigTableEntry>;

// A TOML date, time or date-time, kept as its TOML text: nothing in kompact reads
// them, but they survive a round trip through Config::ToToml().
struct ConfigDateTime {
  enum class Kind { kDate, kTime, kDateTime };
  Kind kind = Kind::kDateTime;
  std::string toml;
};

struct ConfigNode {
  // Alternatives in this order; ValueKindName() relies on it.
  std::variant<bool, int64_t, double, std::string, ConfigDateTime, ConfigArray, ConfigTable> value;
  ConfigOrigin origin;

  bool is_table() const { return std::holds_alternative<ConfigTable>(value); }
  // nullptr unless this is a table holding `key`.
  const ConfigNode* Child(std::string_view key) const;
  ConfigNode* MutableChild(std::string_view key);
};

struct ConfigTableEntry {
  std::string key;
  ConfigNode node;
};

// The TOML name of the node's kind: "boolean", "integer", "float", "string",
// "date", "time", "date-time", "array" or "table".
std::string_view ValueKindName(const ConfigNode& node);

// Splits "kompact.runtime.throughput" into its segments. Each segment must be a
// non-empty TOML bare key (A-Z a-z 0-9 _ -); InvalidArgument otherwise.
[[nodiscard]] absl::StatusOr<std::vector<std::string_view>> SplitConfigKey(std::string_view key);

// The node at `key` under `root`, or nullptr when absent. InvalidArgument for a
// malformed key or when a prefix of `key` holds a value that is not a table.
[[nodiscard]] absl::StatusOr<const ConfigNode*> FindConfigNode(const ConfigNode& root, std::string_view key);

// Merges `overlay` into `base`: two tables merge key by key (recursively), any
// other combination replaces `base` by `overlay` (later wins).
void MergeConfigNode(ConfigNode& base, ConfigNode overlay);

// Merges `value` at `segments` under `root` (a table), creating tables on the way
// and replacing non-table values that are in the way. `origin` labels the
// tables it creates.
void SetConfigNode(ConfigNode& root, const std::vector<std::string_view>& segments, ConfigNode value,
                   const ConfigOrigin& origin);

// InvalidArgument "key '<key>' <origin>: <problem>", the format of every error
// about a configuration value.
[[nodiscard]] absl::Status ConfigValueError(std::string_view key, const ConfigOrigin& origin,
                                            std::string_view problem);

}  // namespace kompact::base_internal

#endif  // KOMPACT_BASE_INTERNAL_CONFIG_NODE_H_
