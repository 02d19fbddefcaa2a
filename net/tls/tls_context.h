// TlsContext: one system's TLS settings made into an OpenSSL SSL_CTX (TLS 1.3
// minimum unless kompact.net.tls.min-version = "1.2", the configured cipher
// suites, this system's certificate chain and key, the CA bundle peers must chain
// to, peer verification, ALPN "kompact/1", no session tickets), plus the parsed
// allow-list. Shared by every TlsStream of the system, client and server role.
//
// Thread-safety: immutable after Create; shared by streams on the network thread
// (OpenSSL's SSL_CTX is safe to share for creating SSL objects). Lifetime: held by
// shared_ptr by each stream and the transport.
#ifndef KOMPACT_NET_TLS_TLS_CONTEXT_H_
#define KOMPACT_NET_TLS_TLS_CONTEXT_H_

#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "base/log.h"
#include "net/identity_pattern.h"
#include "net/tls_config.h"

// OpenSSL's context type (its own typedef, so that this header needs no OpenSSL header).
typedef struct ssl_ctx_st SSL_CTX;  // NOLINT: OpenSSL's own typedef, repeated

namespace kompact::net {

// The ALPN protocol id both sides must agree on.
inline constexpr std::string_view kKompactAlpn = "kompact/1";

// See the file comment.
class TlsContext {
 public:
  // kInvalidArgument naming the key and the file for every problem OpenSSL finds:
  // a chain or key that does not load, a key that does not match the certificate,
  // a CA bundle without certificates, cipher suites OpenSSL does not know. Logs a
  // warning (not an error) if this system's own certificate is expired.
  // config.enabled is not looked at (the caller decided to use TLS). Without
  // certificate-chain and private-key the context has no certificate of its own:
  // a client for servers that do not require one (TlsConfig::Validate refuses
  // that when enabled, so a dispatcher never makes one).
  [[nodiscard]] static absl::StatusOr<std::shared_ptr<const TlsContext>> Create(const TlsConfig& config,
                                                                                Logger logger);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // The OpenSSL context (owned; streams make their SSL objects from it).
  SSL_CTX* ssl_ctx() const { return ctx_; }
  // The settings it was made from.
  const TlsConfig& config() const { return config_; }
  // The parsed kompact.net.tls.allowed-identities (empty: any verified peer).
  const std::vector<IdentityPattern>& allowed() const { return allowed_; }
  // Where TLS problems of the system are logged.
  const Logger& logger() const { return logger_; }

 private:
  TlsContext(TlsConfig config, Logger logger) : config_(std::move(config)), logger_(std::move(logger)) {}

  TlsConfig config_;
  Logger logger_;
  SSL_CTX* ctx_ = nullptr;
  std::vector<IdentityPattern> allowed_;
};

}  // namespace kompact::net

#endif  // KOMPACT_NET_TLS_TLS_CONTEXT_H_
