#include "base/internal/config_toml.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <exception>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/absl_compat.h"
#include "toml++/toml.h"

namespace kompact::base_internal {
namespace {

// ---- toml++ -> ConfigNode -------------------------------------------------------------

template <typename V>
std::string Print(const V& value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

ConfigNode FromToml(const toml::node& node, const std::string& source) {
  ConfigNode out;
  out.origin = ConfigOrigin{source, static_cast<int64_t>(node.source().begin.line)};
  switch (node.type()) {
    case toml::node_type::table: {
      // toml++ iterates keys sorted; keep the document's order instead.
      std::vector<std::pair<std::string_view, const toml::node*>> children;
      for (const auto& [key, child] : *node.as_table()) children.emplace_back(key.str(), &child);
      std::stable_sort(children.begin(), children.end(), [](const auto& a, const auto& b) {
        const toml::source_position& pa = a.second->source().begin;
        const toml::source_position& pb = b.second->source().begin;
        return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
      });
      ConfigTable table;
      for (const auto& [key, child] : children) {
        table.push_back(ConfigTableEntry{std::string(key), FromToml(*child, source)});
      }
      out.value = std::move(table);
      break;
    }
    case toml::node_type::array: {
      ConfigArray array;
      for (const toml::node& element : *node.as_array()) array.push_back(FromToml(element, source));
      out.value = std::move(array);
      break;
    }
    case toml::node_type::string:
      out.value = node.as_string()->get();
      break;
    case toml::node_type::integer:
      out.value = node.as_integer()->get();
      break;
    case toml::node_type::floating_point:
      out.value = node.as_floating_point()->get();
      break;
    case toml::node_type::boolean:
      out.value = node.as_boolean()->get();
      break;
    case toml::node_type::date:
      out.value = ConfigDateTime{ConfigDateTime::Kind::kDate, Print(node.as_date()->get())};
      break;
    case toml::node_type::time:
      out.value = ConfigDateTime{ConfigDateTime::Kind::kTime, Print(node.as_time()->get())};
      break;
    case toml::node_type::date_time:
      out.value = ConfigDateTime{ConfigDateTime::Kind::kDateTime, Print(node.as_date_time()->get())};
      break;
    case toml::node_type::none:
      // Never produced by the parser (only by empty node_views).
      out.value = ConfigTable{};
      break;
  }
  return out;
}

absl::Status MalformedToml(std::string_view source_name, const toml::parse_error& error) {
  return absl::InvalidArgumentError(
      absl::StrFormat("malformed TOML in '%s' line %d column %d: %s", AsAbsl(source_name),
                      error.source().begin.line, error.source().begin.column, AsAbsl(error.description())));
}

// ---- ConfigNode -> TOML text -------------------------------------------------------------

bool IsBareKey(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void AppendString(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          absl::StrAppendFormat(&out, "\\u%04X", static_cast<unsigned char>(c));
        } else {
          out += c;  // UTF-8 bytes pass through
        }
    }
  }
  out += '"';
}

void AppendKey(std::string& out, std::string_view key) {
  if (IsBareKey(key)) {
    out += key;
  } else {
    AppendString(out, key);
  }
}

void AppendDouble(std::string& out, double d) {
  if (std::isnan(d)) {
    out += "nan";
    return;
  }
  if (std::isinf(d)) {
    out += d < 0 ? "-inf" : "inf";
    return;
  }
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);  // shortest round trip
  const std::string_view text(buf, end - buf);
  out += text;
  // TOML needs a fraction or an exponent to read a float back as a float.
  if (text.find_first_of(".eE") == std::string_view::npos) out += ".0";
}

void AppendValue(std::string& out, const ConfigNode& node);

void AppendInlineTable(std::string& out, const ConfigTable& table) {
  if (table.empty()) {
    out += "{}";
    return;
  }
  out += "{ ";
  for (size_t i = 0; i < table.size(); ++i) {
    if (i > 0) out += ", ";
    AppendKey(out, table[i].key);
    out += " = ";
    AppendValue(out, table[i].node);
  }
  out += " }";
}

void AppendValue(std::string& out, const ConfigNode& node) {
  struct Visitor {
    std::string& out;
    void operator()(bool b) const { out += b ? "true" : "false"; }
    void operator()(int64_t i) const { absl::StrAppend(&out, i); }
    void operator()(double d) const { AppendDouble(out, d); }
    void operator()(const std::string& s) const { AppendString(out, s); }
    void operator()(const ConfigDateTime& d) const { out += d.toml; }
    void operator()(const ConfigArray& array) const {
      if (array.empty()) {
        out += "[]";
        return;
      }
      out += "[ ";
      for (size_t i = 0; i < array.size(); ++i) {
        if (i > 0) out += ", ";
        AppendValue(out, array[i]);
      }
      out += " ]";
    }
    void operator()(const ConfigTable& table) const { AppendInlineTable(out, table); }
  };
  std::visit(Visitor{out}, node.value);
}

// Appends `table`'s plain values, then a [header] section per sub-table.
void AppendTable(std::string& out, const ConfigTable& table, const std::string& path) {
  for (const ConfigTableEntry& entry : table) {
    if (entry.node.is_table()) continue;
    AppendKey(out, entry.key);
    out += " = ";
    AppendValue(out, entry.node);
    out += '\n';
  }
  for (const ConfigTableEntry& entry : table) {
    if (!entry.node.is_table()) continue;
    std::string child_path = path;
    if (!child_path.empty()) child_path += '.';
    AppendKey(child_path, entry.key);
    const auto& child = std::get<ConfigTable>(entry.node.value);
    bool has_values = child.empty();  // an empty table still needs its header
    for (const ConfigTableEntry& e : child) has_values = has_values || !e.node.is_table();
    if (has_values) {
      if (!out.empty()) out += '\n';
      absl::StrAppend(&out, "[", child_path, "]\n");
    }
    AppendTable(out, child, child_path);
  }
}

}  // namespace

absl::StatusOr<ConfigNode> ParseConfigToml(std::string_view toml, std::string_view source_name) {
  const std::string source(source_name);
#if TOML_EXCEPTIONS
  // The system library is built with exceptions: toml::parse throws parse_error.
  try {
    const toml::table table = toml::parse(toml, std::string_view(source));
    return FromToml(table, source);
  } catch (const toml::parse_error& error) {
    return MalformedToml(source_name, error);
  } catch (const std::exception& error) {
    return absl::InternalError(absl::StrCat("reading TOML from '", source, "' failed: ", error.what()));
  }
#else
  toml::parse_result result = toml::parse(toml, std::string_view(source));
  if (!result) return MalformedToml(source_name, result.error());
  return FromToml(result.table(), source);
#endif
}

std::string ConfigToToml(const ConfigNode& root) {
  std::string out;
  if (const auto* table = std::get_if<ConfigTable>(&root.value)) {
    AppendTable(out, *table, "");
  }
  return out;
}

std::string ConfigValueToToml(const ConfigNode& value) {
  std::string out;
  AppendValue(out, value);
  return out;
}

std::string FormatConfigFloat(double value) {
  std::string out;
  AppendDouble(out, value);
  return out;
}

std::string QuoteConfigString(std::string_view value) {
  std::string out;
  AppendString(out, value);
  return out;
}

}  // namespace kompact::base_internal
