// TOML text <-> configuration tree (base/internal/config_node.h). Parsing uses
// toml++; printing is our own so that floats come out in their shortest form and
// dates keep their text. The only file that sees toml++.
//
// Thread-safety: stateless.
#ifndef KOMPACT_BASE_INTERNAL_CONFIG_TOML_H_
#define KOMPACT_BASE_INTERNAL_CONFIG_TOML_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "base/internal/config_node.h"

namespace kompact::base_internal {

// Parses a TOML document into a table node whose values are labelled with
// `source_name` and their line. Malformed TOML -> InvalidArgument naming
// source, line, column and toml++'s description. Never throws.
[[nodiscard]] absl::StatusOr<ConfigNode> ParseConfigToml(std::string_view toml, std::string_view source_name);

// `root` (a table) as a TOML document: plain values first, then one [header]
// per sub-table; keys in the tree's order.
std::string ConfigToToml(const ConfigNode& root);

// One value as inline TOML ("50", "\"250ms\"", "[ 1, 2 ]", "{ a = 1 }").
std::string ConfigValueToToml(const ConfigNode& value);

// A float as TOML writes it: shortest round-trip digits, always with a fraction
// or exponent ("1.0", "0.1", "1e+300"), or inf, -inf, nan.
std::string FormatConfigFloat(double value);

// A TOML basic string with escapes: "a\"b".
std::string QuoteConfigString(std::string_view value);

}  // namespace kompact::base_internal

#endif  // KOMPACT_BASE_INTERNAL_CONFIG_TOML_H_
