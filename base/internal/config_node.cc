#include "base/internal/config_node.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/absl_compat.h"

namespace kompact::base_internal {
namespace {

bool IsBareKeyChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

}  // namespace

std::string DescribeOrigin(const ConfigOrigin& origin) {
  if (origin.source.empty()) return "(default value)";
  if (origin.line <= 0) return absl::StrCat("in '", origin.source, "'");
  return absl::StrCat("in '", origin.source, "' line ", origin.line);
}

const ConfigNode* ConfigNode::Child(std::string_view key) const {
  const auto* table = std::get_if<ConfigTable>(&value);
  if (table == nullptr) return nullptr;
  for (const ConfigTableEntry& entry : *table) {
    if (entry.key == key) return &entry.node;
  }
  return nullptr;
}

ConfigNode* ConfigNode::MutableChild(std::string_view key) {
  return const_cast<ConfigNode*>(std::as_const(*this).Child(key));
}

std::string_view ValueKindName(const ConfigNode& node) {
  struct Visitor {
    std::string_view operator()(bool) const { return "boolean"; }
    std::string_view operator()(int64_t) const { return "integer"; }
    std::string_view operator()(double) const { return "float"; }
    std::string_view operator()(const std::string&) const { return "string"; }
    std::string_view operator()(const ConfigDateTime& d) const {
      switch (d.kind) {
        case ConfigDateTime::Kind::kDate:
          return "date";
        case ConfigDateTime::Kind::kTime:
          return "time";
        case ConfigDateTime::Kind::kDateTime:
          return "date-time";
      }
      return "date-time";
    }
    std::string_view operator()(const ConfigArray&) const { return "array"; }
    std::string_view operator()(const ConfigTable&) const { return "table"; }
  };
  return std::visit(Visitor{}, node.value);
}

absl::StatusOr<std::vector<std::string_view>> SplitConfigKey(std::string_view key) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (true) {
    const size_t dot = key.find('.', start);
    const std::string_view segment =
        key.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    bool valid = !segment.empty();
    for (char c : segment) valid = valid && IsBareKeyChar(c);
    if (!valid) {
      return absl::InvalidArgumentError(absl::StrCat(
          "invalid config key '", AsAbsl(key), "': expected dot-separated segments of A-Z a-z 0-9 _ -"));
    }
    segments.push_back(segment);
    if (dot == std::string_view::npos) return segments;
    start = dot + 1;
  }
}

absl::StatusOr<const ConfigNode*> FindConfigNode(const ConfigNode& root, std::string_view key) {
  absl::StatusOr<std::vector<std::string_view>> segments = SplitConfigKey(key);
  if (!segments.ok()) return segments.status();
  const ConfigNode* node = &root;
  for (size_t i = 0; i < segments->size(); ++i) {
    if (!node->is_table()) {
      // A prefix of the key names a value: the key cannot exist.
      const std::string prefix =
          absl::StrJoin(segments->begin(), segments->begin() + i, ".",
                        [](std::string* out, std::string_view s) { absl::StrAppend(out, AsAbsl(s)); });
      return ConfigValueError(
          prefix, node->origin,
          absl::StrCat("expected a table holding '", AsAbsl(key), "', found ", AsAbsl(ValueKindName(*node))));
    }
    node = node->Child((*segments)[i]);
    if (node == nullptr) return nullptr;
  }
  return node;
}

void MergeConfigNode(ConfigNode& base, ConfigNode overlay) {
  if (!base.is_table() || !overlay.is_table()) {
    base = std::move(overlay);
    return;
  }
  for (ConfigTableEntry& entry : std::get<ConfigTable>(overlay.value)) {
    if (ConfigNode* existing = base.MutableChild(entry.key)) {
      MergeConfigNode(*existing, std::move(entry.node));
    } else {
      std::get<ConfigTable>(base.value).push_back(std::move(entry));
    }
  }
}

void SetConfigNode(ConfigNode& root, const std::vector<std::string_view>& segments, ConfigNode value,
                   const ConfigOrigin& origin) {
  ConfigNode* node = &root;
  for (std::string_view segment : segments) {
    if (!node->is_table()) *node = ConfigNode{ConfigTable{}, origin};
    ConfigNode* child = node->MutableChild(segment);
    if (child == nullptr) {
      auto& table = std::get<ConfigTable>(node->value);
      table.push_back(ConfigTableEntry{std::string(segment), ConfigNode{ConfigTable{}, origin}});
      child = &table.back().node;
    }
    node = child;
  }
  MergeConfigNode(*node, std::move(value));
}

absl::Status ConfigValueError(std::string_view key, const ConfigOrigin& origin, std::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("key '", AsAbsl(key), "' ", DescribeOrigin(origin), ": ", AsAbsl(problem)));
}

}  // namespace kompact::base_internal
