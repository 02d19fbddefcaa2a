// TlsContext: see tls_context.h.
#include "net/tls/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"
#include "base/status.h"
#include "net/tls/openssl_errors.h"

namespace kompact::net {
namespace {

// The OpenSSL errors queued on this thread (and the queue cleared), never empty.
std::string OpenSslErrors() {
  std::string out = TakeOpenSslErrors();
  return out.empty() ? "no OpenSSL error queued" : out;
}

absl::Status Problem(std::string_view key, const std::string& value, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(AsAbsl(key), " = \"", value, "\": ", AsAbsl(what), ": ", OpenSslErrors()));
}

// The ALPN selection of a server: kompact/1 or a fatal no_application_protocol.
int SelectAlpn(SSL* /*ssl*/, const unsigned char** out, unsigned char* out_len, const unsigned char* in,
               unsigned int in_len, void* /*arg*/) {
  static constexpr unsigned char kWire[] = {9, 'k', 'o', 'm', 'p', 'a', 'c', 't', '/', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, out_len, kWire, sizeof(kWire), in, in_len) == OPENSSL_NPN_NEGOTIATED) {
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
  }
  return SSL_TLSEXT_ERR_ALERT_FATAL;
}

}  // namespace

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

absl::StatusOr<std::shared_ptr<const TlsContext>> TlsContext::Create(const TlsConfig& config, Logger logger) {
  KOMPACT_RETURN_IF_ERROR(config.Validate());
  std::shared_ptr<TlsContext> c(new TlsContext(config, std::move(logger)));
  KOMPACT_ASSIGN_OR_RETURN(c->allowed_, config.AllowedPatterns());
  ERR_clear_error();
  c->ctx_ = SSL_CTX_new(TLS_method());
  if (c->ctx_ == nullptr) return absl::InternalError(absl::StrCat("SSL_CTX_new: ", OpenSslErrors()));
  SSL_CTX* ctx = c->ctx_;
  const int min = config.min_version == "1.2" ? TLS1_2_VERSION : TLS1_3_VERSION;
  if (SSL_CTX_set_min_proto_version(ctx, min) != 1) {
    return Problem("kompact.net.tls.min-version", config.min_version, "not supported by this OpenSSL");
  }
  if (SSL_CTX_set_ciphersuites(ctx, config.cipher_suites.c_str()) != 1) {
    return Problem("kompact.net.tls.cipher-suites", config.cipher_suites,
                   "no TLS 1.3 cipher suite OpenSSL knows");
  }
  // TLS 1.2 (only with min-version 1.2): forward-secret AEAD suites only.
  if (SSL_CTX_set_cipher_list(ctx, "ECDHE+AESGCM:ECDHE+CHACHA20") != 1) {
    return absl::InternalError(absl::StrCat("SSL_CTX_set_cipher_list: ", OpenSslErrors()));
  }
  const bool own_certificate = !config.certificate_chain.empty() || !config.private_key.empty();
  if (own_certificate && SSL_CTX_use_certificate_chain_file(ctx, config.certificate_chain.c_str()) != 1) {
    return Problem("kompact.net.tls.certificate-chain", config.certificate_chain,
                   "cannot load the certificate chain");
  }
  if (own_certificate &&
      SSL_CTX_use_PrivateKey_file(ctx, config.private_key.c_str(), SSL_FILETYPE_PEM) != 1) {
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
      return Problem("kompact.net.tls.private-key", config.private_key,
                     absl::StrCat("does not match the certificate of kompact.net.tls.certificate-chain = \"",
                                  config.certificate_chain, "\""));
    }
    return Problem("kompact.net.tls.private-key", config.private_key,
                   "cannot load the private key (PEM, unencrypted)");
  }
  if (own_certificate && SSL_CTX_check_private_key(ctx) != 1) {
    return Problem("kompact.net.tls.private-key", config.private_key,
                   absl::StrCat("does not match the certificate of kompact.net.tls.certificate-chain = \"",
                                config.certificate_chain, "\""));
  }
  if (SSL_CTX_load_verify_file(ctx, config.ca_bundle.c_str()) != 1) {
    return Problem("kompact.net.tls.ca-bundle", config.ca_bundle, "cannot load the CA certificates");
  }
  if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(config.ca_bundle.c_str()); names != nullptr) {
    SSL_CTX_set_client_CA_list(ctx, names);  // takes ownership
  } else {
    return Problem("kompact.net.tls.ca-bundle", config.ca_bundle, "holds no CA certificate");
  }
  ERR_clear_error();
  SSL_CTX_set_alpn_select_cb(ctx, &SelectAlpn, nullptr);
  SSL_CTX_set_num_tickets(ctx, 0);  // no resumption: every connection authenticates in full
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  if (X509* own = SSL_CTX_get0_certificate(ctx); own != nullptr) {
    if (X509_cmp_current_time(X509_get0_notAfter(own)) < 0) {
      KLOG(c->logger_, WARNING) << "kompact.net.tls.certificate-chain = \"" << config.certificate_chain
                                << "\": this system's certificate has expired; peers will refuse it";
    } else if (X509_cmp_current_time(X509_get0_notBefore(own)) > 0) {
      KLOG(c->logger_, WARNING) << "kompact.net.tls.certificate-chain = \"" << config.certificate_chain
                                << "\": this system's certificate is not valid yet; peers will refuse it";
    }
  }
  return std::shared_ptr<const TlsContext>(std::move(c));
}

}  // namespace kompact::net
