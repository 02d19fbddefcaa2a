// TlsConfig: the kompact.net.tls.* settings (TLS 1.3 with mutual authentication on
// the TCP transport, net/tls). Read by NetworkConfig::FromConfig (the `tls` field);
// validated before anything is bound. Off by default, and then nothing changes.
//
//   [kompact.net.tls]
//   enabled = true
//   certificate-chain = "/etc/kompact/node-a.pem"   # leaf first, then intermediates
//   private-key = "/etc/kompact/node-a.key"
//   ca-bundle = "/etc/kompact/ca.pem"                # the CAs that sign peers
//   allowed-identities = ["DNS:*.nodes.example", "CN=admin"]   # empty: any
//   pinned-identities = ["tcp://10.0.0.2:7000 = CN=node-b"]
//
// Whether the key matches the certificate is checked where OpenSSL reads them
// (net/tls/tls_context.h), when the dispatcher is created.
//
// Thread-safety: a value type.
#ifndef KOMPACT_NET_TLS_CONFIG_H_
#define KOMPACT_NET_TLS_CONFIG_H_

#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/config.h"
#include "net/identity_pattern.h"
#include "runtime/system_path.h"

namespace kompact::net {

// The TLS 1.3 cipher suites used unless kompact.net.tls.cipher-suites says otherwise
// (AEADs only; OpenSSL's names, colon-separated).
inline constexpr std::string_view kDefaultTlsCipherSuites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

// A pinned identity: a peer that announces `system` in its Hello must present a
// certificate matching `pattern`.
struct TlsPin {
  // The system a peer announces in its Hello.
  SystemPath system;
  // What that peer's certificate must match.
  IdentityPattern pattern;
};

// The TLS settings (see the file comment).
struct TlsConfig {
  // Whether the TCP transport speaks TLS; peers that do not are refused.
  bool enabled = false;
  // PEM file: this system's certificate chain (leaf first).
  std::string certificate_chain;
  // PEM file: the chain's private key (unencrypted).
  std::string private_key;
  // PEM file: the CA certificates peers' chains must lead to.
  std::string ca_bundle;
  // Patterns (net/identity_pattern.h) a peer certificate must match one of; empty:
  // any certificate the CA bundle verifies.
  std::vector<std::string> allowed_identities;
  // "SYSTEM_PATH = PATTERN": the peer that announces that system must match the
  // pattern (checked against the Hello, after the TLS handshake).
  std::vector<std::string> pinned_identities;
  // The lowest protocol version accepted: "1.3" or "1.2".
  std::string min_version = "1.3";
  // The TLS 1.3 cipher suites (OpenSSL names, colon-separated).
  std::string cipher_suites = std::string(kDefaultTlsCipherSuites);
  // Whether a server refuses clients without a certificate.
  bool require_client_certificate = true;
  // With TLS on, whether the (unprotected) UDP socket is still bound.
  bool plaintext_udp = false;

  // OK, or kInvalidArgument naming each bad key with its value: patterns that do
  // not parse, a bad version, and, when enabled, a PEM path that is empty, missing,
  // unreadable or not PEM.
  [[nodiscard]] absl::Status Validate() const;
  // The kompact.net.tls.* keys of `config` (absent: the defaults above), validated.
  [[nodiscard]] static absl::StatusOr<TlsConfig> FromConfig(const Config& config);
  // allowed_identities parsed (errors name the key and the entry).
  [[nodiscard]] absl::StatusOr<std::vector<IdentityPattern>> AllowedPatterns() const;
  // pinned_identities parsed (errors name the key and the entry).
  [[nodiscard]] absl::StatusOr<std::vector<TlsPin>> Pins() const;
};

// Every kompact.net.tls.* key, for documentation and validation.
std::span<const ConfigEntryRef> TlsConfigEntries();

}  // namespace kompact::net

#endif  // KOMPACT_NET_TLS_CONFIG_H_
