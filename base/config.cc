#include "base/config.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/absl_compat.h"
#include "base/internal/config_toml.h"

namespace kompact {
namespace {

using base_internal::ConfigNode;
using base_internal::ConfigOrigin;
using base_internal::ConfigTable;

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot read config file '", path, "'"));
  }
  std::string text;
  char buffer[8192];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) text.append(buffer, n);
  const int error = std::ferror(file) ? errno : 0;
  std::fclose(file);
  if (error != 0) {
    return absl::ErrnoToStatus(error, absl::StrCat("cannot read config file '", path, "'"));
  }
  return text;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
    }
  }
  return row[b.size()];
}

// Collects keys under `node` (at `path`) that no entry in `known` declares.
class UnknownKeyFinder {
 public:
  explicit UnknownKeyFinder(std::set<std::string_view> known) : known_(std::move(known)) {}

  void Visit(const ConfigNode& node, const std::string& path, std::vector<absl::Status>& errors) {
    if (known_.count(path) > 0) return;  // its Get() reports a wrong type
    const auto* table = std::get_if<ConfigTable>(&node.value);
    if (table == nullptr || (table->empty() && !IsKnownPrefix(path))) {
      errors.push_back(Unknown(path, node.origin));
      return;
    }
    for (const base_internal::ConfigTableEntry& entry : *table) {
      Visit(entry.node, absl::StrCat(path, ".", entry.key), errors);
    }
  }

 private:
  bool IsKnownPrefix(const std::string& path) const {
    const std::string prefix = path + ".";
    auto it = known_.lower_bound(prefix);
    return it != known_.end() && it->substr(0, prefix.size()) == prefix;
  }

  absl::Status Unknown(const std::string& path, const ConfigOrigin& origin) const {
    std::string_view best;
    size_t best_distance = 4;  // suggest only close matches
    for (std::string_view key : known_) {
      const size_t distance = EditDistance(path, key);
      if (distance < best_distance) {
        best = key;
        best_distance = distance;
      }
    }
    std::string message = absl::StrCat("unknown key '", path, "' ", DescribeOrigin(origin));
    if (!best.empty()) absl::StrAppend(&message, " (did you mean '", AsAbsl(best), "'?)");
    return absl::InvalidArgumentError(message);
  }

  std::set<std::string_view> known_;
};

absl::Status JoinErrors(const std::vector<absl::Status>& errors) {
  if (errors.empty()) return absl::OkStatus();
  if (errors.size() == 1) return errors.front();
  std::string message = absl::StrCat(errors.size(), " configuration errors:");
  for (const absl::Status& error : errors) absl::StrAppend(&message, "\n  ", error.message());
  return absl::Status(errors.front().code(), message);
}

}  // namespace

// ---- Config ------------------------------------------------------------------------------

Config::Config() : root_(std::make_shared<const ConfigNode>(ConfigNode{ConfigTable{}, {}})) {}

Config::Config(std::shared_ptr<const ConfigNode> root) : root_(std::move(root)) {}

absl::StatusOr<const ConfigNode*> Config::Find(std::string_view key) const {
  return base_internal::FindConfigNode(*root_, key);
}

bool Config::Contains(std::string_view key) const {
  absl::StatusOr<const ConfigNode*> node = Find(key);
  return node.ok() && *node != nullptr;
}

absl::Status Config::Validate(std::span<const ConfigEntryRef> entries,
                              std::string_view unknown_key_prefix) const {
  std::vector<absl::Status> errors;
  for (const ConfigEntryRef& entry : entries) {
    if (absl::Status s = entry.ops_->check(*this, entry.entry_); !s.ok()) errors.push_back(s);
  }
  if (!unknown_key_prefix.empty()) {
    absl::StatusOr<const ConfigNode*> under = Find(unknown_key_prefix);
    if (!under.ok()) {
      errors.push_back(under.status());
    } else if (*under != nullptr) {
      std::set<std::string_view> known;
      for (const ConfigEntryRef& entry : entries) known.insert(entry.key());
      UnknownKeyFinder(std::move(known)).Visit(**under, std::string(unknown_key_prefix), errors);
    }
  }
  return JoinErrors(errors);
}

absl::Status Config::Validate(std::initializer_list<ConfigEntryRef> entries,
                              std::string_view unknown_key_prefix) const {
  return Validate(std::span<const ConfigEntryRef>(entries.begin(), entries.size()), unknown_key_prefix);
}

absl::StatusOr<Config> Config::WithDefaults(std::span<const ConfigEntryRef> entries) const {
  ConfigNode root = *root_;
  for (const ConfigEntryRef& entry : entries) {
    absl::StatusOr<const ConfigNode*> found = Find(entry.key());
    if (!found.ok()) return found.status();
    if (*found != nullptr) continue;
    absl::StatusOr<ConfigNode> fallback = entry.DefaultNode();
    if (!fallback.ok()) return fallback.status();
    absl::StatusOr<std::vector<std::string_view>> segments = base_internal::SplitConfigKey(entry.key());
    if (!segments.ok()) return segments.status();
    base_internal::SetConfigNode(root, *segments, *std::move(fallback), ConfigOrigin{});
  }
  return Config(std::make_shared<const ConfigNode>(std::move(root)));
}

absl::StatusOr<Config> Config::WithDefaults(std::initializer_list<ConfigEntryRef> entries) const {
  return WithDefaults(std::span<const ConfigEntryRef>(entries.begin(), entries.size()));
}

std::string Config::ToToml() const { return base_internal::ConfigToToml(*root_); }

// ---- ConfigBuilder ---------------------------------------------------------------------

ConfigBuilder& ConfigBuilder::AddFile(std::string path) {
  sources_.push_back(Source{Source::Kind::kFile, std::move(path), "", ConfigNode{}});
  return *this;
}

ConfigBuilder& ConfigBuilder::AddString(std::string toml, std::string source_name) {
  sources_.push_back(Source{Source::Kind::kString, std::move(source_name), std::move(toml), ConfigNode{}});
  return *this;
}

ConfigBuilder& ConfigBuilder::Set(std::string_view key, std::string_view value,
                                  std::string_view source_name) {
  return Set<std::string>(key, std::string(value), source_name);
}

ConfigBuilder& ConfigBuilder::AddValue(std::string_view key, absl::StatusOr<ConfigNode> value,
                                       std::string_view source_name) {
  sources_.push_back(
      Source{Source::Kind::kValue, std::string(source_name), std::string(key), std::move(value)});
  return *this;
}

absl::StatusOr<Config> ConfigBuilder::Build() const {
  ConfigNode root{ConfigTable{}, {}};
  for (const Source& source : sources_) {
    switch (source.kind) {
      case Source::Kind::kFile:
      case Source::Kind::kString: {
        std::string file_text;
        if (source.kind == Source::Kind::kFile) {
          absl::StatusOr<std::string> read = ReadFile(source.name);
          if (!read.ok()) return read.status();
          file_text = *std::move(read);
        }
        absl::StatusOr<ConfigNode> parsed = base_internal::ParseConfigToml(
            source.kind == Source::Kind::kFile ? file_text : source.text, source.name);
        if (!parsed.ok()) return parsed.status();
        base_internal::MergeConfigNode(root, *std::move(parsed));
        break;
      }
      case Source::Kind::kValue: {
        if (!source.value.ok()) return source.value.status();
        absl::StatusOr<std::vector<std::string_view>> segments = base_internal::SplitConfigKey(source.text);
        if (!segments.ok()) return segments.status();
        base_internal::SetConfigNode(root, *segments, *source.value, ConfigOrigin{source.name});
        break;
      }
    }
  }
  return Config(std::make_shared<const ConfigNode>(std::move(root)));
}

// ---- ConfigEntryRef and DescribeEntries ------------------------------------------------

absl::StatusOr<std::string> ConfigEntryRef::DefaultAsToml() const {
  absl::StatusOr<ConfigNode> node = DefaultNode();
  if (!node.ok()) return node.status();
  return base_internal::ConfigValueToToml(*node);
}

std::string DescribeEntries(std::span<const ConfigEntryRef> entries) {
  std::string out;
  for (const ConfigEntryRef& entry : entries) {
    if (!out.empty()) out += '\n';
    for (absl::string_view line : absl::StrSplit(AsAbsl(entry.doc()), '\n')) {
      absl::StrAppend(&out, "#", line.empty() ? "" : " ", line, "\n");
    }
    absl::StatusOr<std::string> fallback = entry.DefaultAsToml();
    const std::string allowed = entry.allowed();
    absl::StrAppend(&out, "# ", entry.type_name(), ", default ",
                    fallback.ok() ? *fallback : "not representable in TOML",
                    allowed.empty() ? "" : ", allowed: ", allowed, "\n");
    if (fallback.ok()) absl::StrAppend(&out, AsAbsl(entry.key()), " = ", *fallback, "\n");
  }
  return out;
}

std::string DescribeEntries(std::initializer_list<ConfigEntryRef> entries) {
  return DescribeEntries(std::span<const ConfigEntryRef>(entries.begin(), entries.size()));
}

}  // namespace kompact
