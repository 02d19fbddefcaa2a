// IdentityPattern: see identity_pattern.h.
#include "net/identity_pattern.h"

#include <algorithm>
#include <cctype>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "base/absl_compat.h"

namespace kompact::net {
namespace {

absl::Status Bad(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("identity pattern \"", AsAbsl(text), "\" ", AsAbsl(why)));
}

bool IsDnsLabelChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
}

// A host name of labels separated by dots; each label non-empty.
bool IsHostName(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  size_t label = 0;
  for (char c : host) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
    } else if (IsDnsLabelChar(c)) {
      ++label;
    } else {
      return false;
    }
  }
  return label > 0;
}

// Whether `name` (lower-case) matches `pattern` (lower-case, maybe "*.rest").
bool DnsMatches(std::string_view pattern, std::string_view name) {
  if (!absl::StartsWith(AsAbsl(pattern), "*.")) return pattern == name;
  const std::string_view rest = pattern.substr(1);  // ".nodes.example"
  if (name.size() <= rest.size() || !absl::EndsWith(AsAbsl(name), AsAbsl(rest))) return false;
  const std::string_view first = name.substr(0, name.size() - rest.size());
  return first.find('.') == std::string_view::npos;  // exactly one label
}

}  // namespace

absl::StatusOr<IdentityPattern> IdentityPattern::Parse(std::string_view text) {
  struct Prefix {
    std::string_view prefix;
    Kind kind;
  };
  static constexpr Prefix kPrefixes[] = {
      {"CN=", Kind::kCommonName}, {"DNS:", Kind::kDns},       {"URI:", Kind::kUri},
      {"IP:", Kind::kIp},         {"SHA256:", Kind::kSha256},
  };
  for (const Prefix& p : kPrefixes) {
    if (!absl::StartsWith(AsAbsl(text), AsAbsl(p.prefix))) continue;
    std::string value(text.substr(p.prefix.size()));
    if (value.empty()) return Bad(text, absl::StrCat("has nothing after \"", AsAbsl(p.prefix), "\""));
    switch (p.kind) {
      case Kind::kDns: {
        value = absl::AsciiStrToLower(value);
        const bool wildcard = absl::StartsWith(value, "*.");
        const std::string_view host = wildcard ? std::string_view(value).substr(2) : std::string_view(value);
        if (host.find('*') != std::string_view::npos) {
          return Bad(text, "has a wildcard that is not a leading \"*.\" (allowed: DNS:*.nodes.example)");
        }
        if (!IsHostName(host)) return Bad(text, "is not a DNS name (letters, digits, '-', '_' and dots)");
        if (wildcard && host.find('.') == std::string_view::npos) {
          return Bad(text, "has a wildcard over a single label (use at least *.domain.tld)");
        }
        break;
      }
      case Kind::kSha256: {
        value = absl::AsciiStrToLower(absl::StrReplaceAll(value, {{":", ""}}));
        const bool hex = std::all_of(value.begin(), value.end(), [](char c) {
          return std::isxdigit(static_cast<unsigned char>(c)) != 0;
        });
        if (value.size() != 64 || !hex) return Bad(text, "is not a SHA-256 fingerprint (64 hex digits)");
        break;
      }
      case Kind::kCommonName:
      case Kind::kUri:
      case Kind::kIp:
        if (value.find('*') != std::string::npos) {
          return Bad(text, "has a wildcard (only DNS: patterns take a leading \"*.\")");
        }
        break;
    }
    return IdentityPattern(p.kind, std::string(text), std::move(value));
  }
  return Bad(
      text,
      "has no known prefix (allowed: CN=name, DNS:host, DNS:*.domain, URI:uri, IP:address, SHA256:hex)");
}

bool IdentityPattern::Matches(const PeerIdentity& identity) const {
  switch (kind_) {
    case Kind::kCommonName:
      return !identity.common_name.empty() && identity.common_name == value_;
    case Kind::kSha256:
      return absl::AsciiStrToLower(identity.sha256_fingerprint) == value_;
    case Kind::kDns:
      for (const std::string& san : identity.alt_names) {
        if (absl::StartsWith(san, "DNS:") && DnsMatches(value_, absl::AsciiStrToLower(san.substr(4)))) {
          return true;
        }
      }
      return false;
    case Kind::kUri:
    case Kind::kIp: {
      const std::string_view prefix = kind_ == Kind::kUri ? "URI:" : "IP:";
      for (const std::string& san : identity.alt_names) {
        if (absl::StartsWith(san, AsAbsl(prefix)) && std::string_view(san).substr(prefix.size()) == value_) {
          return true;
        }
      }
      return false;
    }
  }
  return false;
}

bool MatchesAny(std::span<const IdentityPattern> patterns, const PeerIdentity& identity) {
  if (patterns.empty()) return true;
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const IdentityPattern& p) { return p.Matches(identity); });
}

}  // namespace kompact::net
