// TlsConfig: see tls_config.h.
#include "net/tls_config.h"

#include <fstream>
#include <optional>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/absl_compat.h"
#include "base/status.h"

namespace kompact::net {
namespace tls_keys {
namespace {

inline constexpr std::string_view kVersions[] = {"1.2", "1.3"};

constexpr ConfigEntry<bool> kEnabled{
    .key = "kompact.net.tls.enabled",
    .default_value = false,
    .doc = "Speak TLS (mutual authentication) on every TCP connection; plaintext peers are refused.",
};
constexpr ConfigEntry<std::string> kCertificateChain{
    .key = "kompact.net.tls.certificate-chain",
    .default_value = "",
    .doc = "PEM file: this system's certificate, then its intermediates.",
};
constexpr ConfigEntry<std::string> kPrivateKey{
    .key = "kompact.net.tls.private-key",
    .default_value = "",
    .doc = "PEM file: the private key of the certificate (unencrypted).",
};
constexpr ConfigEntry<std::string> kCaBundle{
    .key = "kompact.net.tls.ca-bundle",
    .default_value = "",
    .doc = "PEM file: the CA certificates that peers' certificates must chain to.",
};
const ConfigEntry<std::vector<std::string>> kAllowedIdentities{
    .key = "kompact.net.tls.allowed-identities",
    .default_value = {},
    .doc =
        "Peer certificates must match one of these (CN=name, DNS:host, DNS:*.domain, URI:uri, IP:ip, "
        "SHA256:hex); empty: any the CA verifies.",
};
const ConfigEntry<std::vector<std::string>> kPinnedIdentities{
    .key = "kompact.net.tls.pinned-identities",
    .default_value = {},
    .doc = "\"tcp://ip:port = PATTERN\": the peer announcing that system must match the pattern.",
};
constexpr ConfigEntry<std::string> kMinVersion{
    .key = "kompact.net.tls.min-version",
    .default_value = "1.3",
    .doc = "Lowest TLS version accepted.",
    .check = ConfigCheck<std::string>::OneOf(kVersions),
};
constexpr ConfigEntry<std::string> kCipherSuites{
    .key = "kompact.net.tls.cipher-suites",
    .default_value = kDefaultTlsCipherSuites,
    .doc = "TLS 1.3 cipher suites, OpenSSL names separated by colons.",
};
constexpr ConfigEntry<bool> kRequireClientCertificate{
    .key = "kompact.net.tls.require-client-certificate",
    .default_value = true,
    .doc = "Refuse inbound connections whose client presents no certificate.",
};
constexpr ConfigEntry<bool> kPlaintextUdp{
    .key = "kompact.net.tls.plaintext-udp",
    .default_value = false,
    .doc = "With TLS on, still bind the unprotected UDP socket.",
};

const ConfigEntryRef kEntries[] = {
    kEnabled,      kCertificateChain,  kPrivateKey,
    kCaBundle,     kAllowedIdentities, kPinnedIdentities,
    kMinVersion,   kCipherSuites,      kRequireClientCertificate,
    kPlaintextUdp,
};

}  // namespace
}  // namespace tls_keys

std::span<const ConfigEntryRef> TlsConfigEntries() { return tls_keys::kEntries; }

namespace {

// Empty when `path` names a readable PEM file, else what is wrong with it.
std::string PemFileProblem(std::string_view key, const std::string& path) {
  if (path.empty()) return absl::StrCat(AsAbsl(key), " is not set (kompact.net.tls.enabled is true)");
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    return absl::StrCat(AsAbsl(key), " = \"", path, "\": cannot open the file (missing or unreadable)");
  }
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  if (in.bad()) return absl::StrCat(AsAbsl(key), " = \"", path, "\": cannot read the file");
  if (head.find("-----BEGIN ") == std::string::npos) {
    return absl::StrCat(AsAbsl(key), " = \"", path, "\": not a PEM file (no -----BEGIN line)");
  }
  return "";
}

}  // namespace

absl::StatusOr<std::vector<IdentityPattern>> TlsConfig::AllowedPatterns() const {
  std::vector<IdentityPattern> out;
  std::vector<std::string> problems;
  for (const std::string& text : allowed_identities) {
    absl::StatusOr<IdentityPattern> p = IdentityPattern::Parse(text);
    if (p.ok()) {
      out.push_back(*std::move(p));
    } else {
      problems.push_back(absl::StrCat("kompact.net.tls.allowed-identities: ", p.status().message()));
    }
  }
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  return out;
}

absl::StatusOr<std::vector<TlsPin>> TlsConfig::Pins() const {
  std::vector<TlsPin> out;
  std::vector<std::string> problems;
  for (const std::string& entry : pinned_identities) {
    const size_t eq = entry.find('=');
    if (eq == std::string::npos) {
      problems.push_back(absl::StrCat("kompact.net.tls.pinned-identities: \"", entry,
                                      "\" is not \"SYSTEM_PATH = PATTERN\" (e.g. \"tcp://10.0.0.2:7000 = "
                                      "CN=node-b\")"));
      continue;
    }
    const std::string system_text(absl::StripAsciiWhitespace(entry.substr(0, eq)));
    const std::string pattern_text(absl::StripAsciiWhitespace(entry.substr(eq + 1)));
    absl::StatusOr<SystemPath> system = SystemPath::Parse(system_text);
    if (!system.ok()) {
      problems.push_back(
          absl::StrCat("kompact.net.tls.pinned-identities: \"", entry, "\": \"", system_text,
                       "\" is not a system path (tcp://ip:port): ", system.status().message()));
      continue;
    }
    absl::StatusOr<IdentityPattern> pattern = IdentityPattern::Parse(pattern_text);
    if (!pattern.ok()) {
      problems.push_back(
          absl::StrCat("kompact.net.tls.pinned-identities: \"", entry, "\": ", pattern.status().message()));
      continue;
    }
    out.push_back(TlsPin{*std::move(system), *std::move(pattern)});
  }
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  return out;
}

absl::Status TlsConfig::Validate() const {
  std::vector<std::string> problems;
  if (absl::Status s = AllowedPatterns().status(); !s.ok()) problems.emplace_back(s.message());
  if (absl::Status s = Pins().status(); !s.ok()) problems.emplace_back(s.message());
  if (min_version != "1.2" && min_version != "1.3") {
    problems.push_back(absl::StrCat("kompact.net.tls.min-version = \"", min_version,
                                    "\" is not allowed, allowed: 1.2, 1.3"));
  }
  if (cipher_suites.empty()) problems.push_back("kompact.net.tls.cipher-suites is empty");
  if (enabled) {
    for (const auto& [key, path] : {std::pair<std::string_view, const std::string&>{
                                        "kompact.net.tls.certificate-chain", certificate_chain},
                                    {"kompact.net.tls.private-key", private_key},
                                    {"kompact.net.tls.ca-bundle", ca_bundle}}) {
      if (std::string p = PemFileProblem(key, path); !p.empty()) problems.push_back(std::move(p));
    }
  }
  if (problems.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("invalid TLS configuration: ", absl::StrJoin(problems, "; ")));
}

absl::StatusOr<TlsConfig> TlsConfig::FromConfig(const Config& config) {
  using namespace tls_keys;  // NOLINT(build/namespaces)
  TlsConfig c;
  KOMPACT_ASSIGN_OR_RETURN(c.enabled, config.Get(kEnabled));
  KOMPACT_ASSIGN_OR_RETURN(c.certificate_chain, config.Get(kCertificateChain));
  KOMPACT_ASSIGN_OR_RETURN(c.private_key, config.Get(kPrivateKey));
  KOMPACT_ASSIGN_OR_RETURN(c.ca_bundle, config.Get(kCaBundle));
  KOMPACT_ASSIGN_OR_RETURN(c.allowed_identities, config.Get(kAllowedIdentities));
  KOMPACT_ASSIGN_OR_RETURN(c.pinned_identities, config.Get(kPinnedIdentities));
  KOMPACT_ASSIGN_OR_RETURN(c.min_version, config.Get(kMinVersion));
  KOMPACT_ASSIGN_OR_RETURN(c.cipher_suites, config.Get(kCipherSuites));
  KOMPACT_ASSIGN_OR_RETURN(c.require_client_certificate, config.Get(kRequireClientCertificate));
  KOMPACT_ASSIGN_OR_RETURN(c.plaintext_udp, config.Get(kPlaintextUdp));
  KOMPACT_RETURN_IF_ERROR(c.Validate());
  return c;
}

}  // namespace kompact::net
