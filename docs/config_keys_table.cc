// Prints the configuration keys of the runtime (KompactConfigEntries()) and of the
// network layer (kompact::net::NetworkConfigEntries()) as the
// markdown table of docs/configuration.md; //docs:docs_test checks that the
// table there is this output.
#include <iostream>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "base/config.h"
#include "net/network_config.h"
#include "runtime/kompact_config.h"

namespace {

// Escapes what would end a table cell or read as HTML.
std::string Cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  return out;
}

// A table cell in code font.
std::string CodeCell(std::string_view text) {
  std::string out = "`";
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out + "`";
}

}  // namespace

int main() {
  std::cout << "| Key | Type | Default | Allowed | Meaning |\n|---|---|---|---|---|\n";
  for (auto entries : {kompact::KompactConfigEntries(), kompact::net::NetworkConfigEntries()}) {
    for (const kompact::ConfigEntryRef& entry : entries) {
      absl::StatusOr<std::string> default_value = entry.DefaultAsToml();
      const std::string allowed = entry.allowed();
      std::cout << "| " << CodeCell(entry.key()) << " | " << entry.type_name() << " | "
                << CodeCell(default_value.ok() ? *default_value : "?") << " | "
                << (allowed.empty() ? "any" : Cell(allowed)) << " | " << Cell(entry.doc()) << " |\n";
    }
  }
  return 0;
}
