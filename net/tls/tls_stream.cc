// TlsStream: see tls_stream.h.
#include "net/tls/tls_stream.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"
#include "net/identity_pattern.h"
#include "net/tls/openssl_errors.h"
#include "net/tls/tls_identity.h"

namespace kompact::net {
namespace {

constexpr unsigned char kAlpnWire[] = {9, 'k', 'o', 'm', 'p', 'a', 'c', 't', '/', '1'};
constexpr size_t kRecordPlaintext = 16 * 1024;  // TLS's largest record payload

bool IsEndOfStream(const absl::Status& s) { return absl::IsUnavailable(s) && s.message() == "end of stream"; }

std::string CertName(X509* cert) {
  if (cert == nullptr) return "?";
  const PeerIdentity id = IdentityOf(cert);
  return id.subject.empty() ? std::string("(no subject)") : id.subject;
}

}  // namespace

// ---- construction ----------------------------------------------------------------------------

TlsStream::TlsStream(std::shared_ptr<const TlsContext> context, Role role)
    : context_(std::move(context)),
      role_(role),
      state_(role == Role::kClient ? State::kConnecting : State::kHandshaking),
      alive_(std::make_shared<bool>(true)) {}

TlsStream::~TlsStream() {
  *alive_ = false;
  SSL_free(ssl_);  // frees the BIOs
  inner_.reset();
}

absl::Status TlsStream::Init() {
  ERR_clear_error();
  ssl_ = SSL_new(context_->ssl_ctx());
  if (ssl_ == nullptr) return absl::InternalError(absl::StrCat("SSL_new: ", TakeOpenSslErrors()));
  rbio_ = BIO_new(BIO_s_mem());
  wbio_ = BIO_new(BIO_s_mem());
  if (rbio_ == nullptr || wbio_ == nullptr) {
    BIO_free(rbio_);
    BIO_free(wbio_);
    rbio_ = wbio_ = nullptr;
    return absl::InternalError(absl::StrCat("BIO_new: ", TakeOpenSslErrors()));
  }
  // An empty memory BIO reports "retry" (WANT_READ), not end of file.
  BIO_set_mem_eof_return(rbio_, -1);
  BIO_set_mem_eof_return(wbio_, -1);
  SSL_set_bio(ssl_, rbio_, wbio_);
  SSL_set_app_data(ssl_, this);
  if (role_ == Role::kClient) {
    SSL_set_connect_state(ssl_);
    SSL_set_verify(ssl_, SSL_VERIFY_PEER, &TlsStream::VerifyCallback);
    if (SSL_set_alpn_protos(ssl_, kAlpnWire, sizeof(kAlpnWire)) != 0) {
      return absl::InternalError(absl::StrCat("SSL_set_alpn_protos: ", TakeOpenSslErrors()));
    }
  } else {
    SSL_set_accept_state(ssl_);
    int mode = SSL_VERIFY_PEER;
    if (context_->config().require_client_certificate) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    SSL_set_verify(ssl_, mode, &TlsStream::VerifyCallback);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<TlsStream>> TlsStream::Client(std::shared_ptr<const TlsContext> context,
                                                             StreamHandler* handler, DialInner dial) {
  std::unique_ptr<TlsStream> s(new TlsStream(std::move(context), Role::kClient));
  if (absl::Status st = s->Init(); !st.ok()) return st;
  s->handler_ = handler;
  absl::StatusOr<std::unique_ptr<Stream>> inner = dial(s.get());
  if (!inner.ok()) return inner.status();
  s->inner_ = *std::move(inner);
  s->remote_ = s->inner_->remote();
  return s;
}

absl::StatusOr<std::unique_ptr<TlsStream>> TlsStream::Dial(Transport& inner,
                                                           std::shared_ptr<const TlsContext> context,
                                                           const Endpoint& remote, StreamHandler* handler) {
  return Client(std::move(context), handler,
                [&](StreamHandler* inner_handler) { return inner.Dial(remote, inner_handler); });
}

absl::StatusOr<std::unique_ptr<TlsStream>> TlsStream::Accept(std::shared_ptr<const TlsContext> context,
                                                             std::unique_ptr<Stream> inner,
                                                             std::string_view not_tls_reply) {
  std::unique_ptr<TlsStream> s(new TlsStream(std::move(context), Role::kServer));
  s->not_tls_reply_ = not_tls_reply;
  if (absl::Status st = s->Init(); !st.ok()) return st;
  s->inner_ = std::move(inner);
  s->remote_ = s->inner_->remote();
  s->inner_->SetHandler(s.get());
  return s;
}

// ---- verification ----------------------------------------------------------------------------

int TlsStream::VerifyCallback(int preverify_ok, X509_STORE_CTX* store) {
  SSL* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* self = static_cast<TlsStream*>(SSL_get_app_data(ssl));
  if (self == nullptr) return 0;
  const int depth = X509_STORE_CTX_get_error_depth(store);
  X509* cert = X509_STORE_CTX_get_current_cert(store);
  if (preverify_ok != 1) {
    const int err = X509_STORE_CTX_get_error(store);
    if (!self->verify_problem_.has_value()) {
      const bool time = err == X509_V_ERR_CERT_HAS_EXPIRED || err == X509_V_ERR_CERT_NOT_YET_VALID;
      self->verify_problem_ =
          VerifyProblem{time ? RefusalReason::kCertificateExpired : RefusalReason::kUntrustedCertificate,
                        absl::StrCat(time ? "its certificate is outside its validity period"
                                          : "its certificate does not chain to kompact.net.tls.ca-bundle",
                                     " (", X509_verify_cert_error_string(err), " at depth ", depth, ": ",
                                     CertName(cert), ")")};
    }
    return 0;
  }
  if (depth == 0) {
    PeerIdentity id = IdentityOf(cert);
    if (!MatchesAny(self->context_->allowed(), id)) {
      self->verify_problem_ =
          VerifyProblem{RefusalReason::kIdentityNotAllowed,
                        absl::StrCat("its certificate (", id.ToString(),
                                     ") matches no entry of kompact.net.tls.allowed-identities")};
      X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
      return 0;
    }
    self->identity_ = std::move(id);
  }
  return 1;
}

std::string TlsStream::Who() const {
  return absl::StrCat("the TLS ", role_ == Role::kClient ? "server " : "client ", remote_.ToString());
}

absl::Status TlsStream::Classify(int error) {
  if (verify_problem_.has_value()) {
    return RefusalError(verify_problem_->reason,
                        absl::StrCat(Who(), " is refused: ", verify_problem_->detail));
  }
  const unsigned long e = ERR_peek_error();
  const int reason = ERR_GET_REASON(e);
  std::string text = TakeOpenSslErrors();
  if (error == SSL_ERROR_SYSCALL && text.empty()) text = "unexpected end of the TLS stream";
  if (reason == SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE) {
    return RefusalError(RefusalReason::kNoCertificate,
                        absl::StrCat(Who(), " is refused: it sent no certificate (",
                                     "kompact.net.tls.require-client-certificate is true)"));
  }
  if (reason == SSL_R_NO_APPLICATION_PROTOCOL || reason == SSL_R_TLSV1_ALERT_NO_APPLICATION_PROTOCOL) {
    return RefusalError(RefusalReason::kAlpnMismatch,
                        absl::StrCat(Who(), " does not speak ", AsAbsl(kKompactAlpn), " (ALPN): ", text));
  }
  if (reason >= SSL_AD_REASON_OFFSET && reason < SSL_AD_REASON_OFFSET + 256) {
    return RefusalError(RefusalReason::kRefusedByPeer,
                        absl::StrCat(Who(), " refused this system with the TLS alert \"",
                                     SSL_alert_desc_string_long(reason - SSL_AD_REASON_OFFSET), "\""));
  }
  if (reason == SSL_R_CERTIFICATE_VERIFY_FAILED) {
    return RefusalError(RefusalReason::kUntrustedCertificate,
                        absl::StrCat(Who(), " is refused: its certificate failed verification: ", text));
  }
  return RefusalError(RefusalReason::kTlsError,
                      absl::StrCat("TLS with ", remote_.ToString(), " failed: ", text));
}

// ---- failure -----------------------------------------------------------------------------

absl::Status TlsStream::FailWith(absl::Status status) {
  Fail(std::move(status));
  return failure_;
}

void TlsStream::Fail(absl::Status status) {
  if (state_ == State::kFailed) return;
  // An alert OpenSSL queued for the peer goes out, best effort.
  if (inner_ != nullptr) {
    DrainBio();
    if (pending_ciphertext() > 0) {
      const iovec part{cipher_out_.data() + cipher_sent_, pending_ciphertext()};
      (void)inner_->Write(std::span<const iovec>(&part, 1));
    }
  }
  state_ = State::kFailed;
  failure_ = std::move(status);
  ERR_clear_error();
}

void TlsStream::NotifyFailure() {
  if (handler_ == nullptr) return;
  if (role_ == Role::kClient && !connected_notified_) {
    connected_notified_ = true;
    handler_->OnConnected(failure_);
  } else {
    handler_->OnReadable();
  }
}

// ---- handshake ----------------------------------------------------------------------------

absl::StatusOr<bool> TlsStream::FeedFromInner() {
  if (in_chunk_.size() != kReadChunk) in_chunk_.resize(kReadChunk);
  absl::StatusOr<size_t> n = inner_->Read(in_chunk_);
  if (!n.ok()) return n.status();
  if (*n == 0) return false;
  if (bytes_received_ == 0 && state_ == State::kHandshaking) {
    // A TLS record starts with its type (22 handshake, 21 alert) and version 3.x.
    const uint8_t type = in_chunk_[0];
    const bool tls_start =
        (type == 0x16 || (role_ == Role::kClient && type == 0x15)) && (*n < 2 || in_chunk_[1] == 0x03);
    if (!tls_start) {
      bytes_received_ += *n;
      const std::string first = absl::StrCat("0x", absl::Hex(static_cast<unsigned>(type), absl::kZeroPad2));
      return role_ == Role::kServer
                 ? RefusalError(
                       RefusalReason::kNotTls,
                       absl::StrCat("the client ", remote_.ToString(),
                                    " does not speak TLS (its first byte is ", first,
                                    ", not a TLS handshake record) but kompact.net.tls.enabled is true"))
                 : RefusalError(RefusalReason::kPlaintextServer,
                                absl::StrCat("the server ", remote_.ToString(),
                                             " answered the TLS handshake in plaintext (first byte ", first,
                                             "): it does not have kompact.net.tls.enabled"));
    }
  }
  bytes_received_ += *n;
  if (BIO_write(rbio_, in_chunk_.data(), static_cast<int>(*n)) != static_cast<int>(*n)) {
    return absl::InternalError(absl::StrCat("BIO_write: ", TakeOpenSslErrors()));
  }
  return true;
}

absl::Status TlsStream::CheckEstablished() {
  const unsigned char* alpn = nullptr;
  unsigned int alpn_len = 0;
  SSL_get0_alpn_selected(ssl_, &alpn, &alpn_len);
  if (std::string_view(reinterpret_cast<const char*>(alpn), alpn_len) != kKompactAlpn) {
    return RefusalError(RefusalReason::kAlpnMismatch,
                        absl::StrCat(Who(), " did not agree on ALPN ", AsAbsl(kKompactAlpn)));
  }
  if (!identity_.has_value()) {
    X509* cert = SSL_get0_peer_certificate(ssl_);
    if (cert == nullptr) {
      // A server that does not require client certificates: no identity to check
      // but the allow-list still applies.
      if (!context_->allowed().empty()) {
        return RefusalError(RefusalReason::kNoCertificate,
                            absl::StrCat(Who(),
                                         " is refused: it sent no certificate and "
                                         "kompact.net.tls.allowed-identities is set"));
      }
    } else {
      identity_ = IdentityOf(cert);
    }
  }
  return absl::OkStatus();
}

absl::Status TlsStream::ClosedDuringHandshake(const absl::Status& inner) const {
  return RefusalError(
      RefusalReason::kRefusedByPeer,
      absl::StrCat(Who(), " closed the connection during the TLS handshake",
                   bytes_received_ == 0 ? " without answering (not TLS, or it refused us)" : "",
                   IsEndOfStream(inner) ? "" : absl::StrCat(": ", inner.message())));
}

void TlsStream::DriveHandshake() {
  std::shared_ptr<bool> alive = alive_;
  for (int round = 0;; ++round) {
    ERR_clear_error();
    const int r = SSL_do_handshake(ssl_);
    if (absl::Status s = FlushCiphertext(); !s.ok()) {
      Fail(ClosedDuringHandshake(s));
      NotifyFailure();
      return;
    }
    if (r == 1) break;
    const int error = SSL_get_error(ssl_, r);
    if (error != SSL_ERROR_WANT_READ || round > 10'000) {
      Fail(Classify(error));
      NotifyFailure();
      return;
    }
    absl::StatusOr<bool> fed = FeedFromInner();
    if (!fed.ok()) {
      if (RefusalOf(fed.status()) == RefusalReason::kNotTls && !not_tls_reply_.empty()) {
        const iovec part{const_cast<char*>(not_tls_reply_.data()), not_tls_reply_.size()};
        (void)inner_->Write(std::span<const iovec>(&part, 1));  // best effort
      }
      Fail(RefusalOf(fed.status()).has_value() ? fed.status() : ClosedDuringHandshake(fed.status()));
      NotifyFailure();
      return;
    }
    if (!*fed) return;  // OnReadable continues
  }
  if (absl::Status s = CheckEstablished(); !s.ok()) {
    Fail(std::move(s));
    NotifyFailure();
    return;
  }
  state_ = State::kEstablished;
  if (handler_ == nullptr) return;
  if (role_ == Role::kClient) {
    connected_notified_ = true;
    handler_->OnConnected(absl::OkStatus());
    if (!*alive) return;
  }
  // Application data may have come with the last handshake flight.
  handler_->OnReadable();
  if (!*alive || state_ != State::kEstablished) return;
  if (write_blocked_) {
    write_blocked_ = false;
    handler_->OnWritable();
  }
}

// ---- inner stream events ------------------------------------------------------------------

void TlsStream::OnConnected(absl::Status status) {
  if (state_ != State::kConnecting) return;
  if (!status.ok()) {
    state_ = State::kFailed;
    failure_ = status;
    connected_notified_ = true;
    if (handler_ != nullptr) handler_->OnConnected(std::move(status));
    return;
  }
  state_ = State::kHandshaking;
  DriveHandshake();  // sends the ClientHello
}

void TlsStream::OnReadable() {
  switch (state_) {
    case State::kConnecting:
    case State::kFailed:
      return;
    case State::kHandshaking:
      DriveHandshake();
      return;
    case State::kEstablished:
      if (handler_ != nullptr) handler_->OnReadable();
      return;
  }
}

void TlsStream::OnWritable() {
  if (state_ == State::kConnecting || state_ == State::kFailed) return;
  std::shared_ptr<bool> alive = alive_;
  if (absl::Status s = FlushCiphertext(); !s.ok()) {
    Fail(std::move(s));
    NotifyFailure();
    return;
  }
  if (state_ != State::kEstablished || pending_ciphertext() > 0) return;
  if (shutdown_pending_) {
    shutdown_pending_ = false;
    inner_->ShutdownWrite();
  }
  if (handler_ != nullptr) {
    write_blocked_ = false;
    handler_->OnWritable();
  }
}

void TlsStream::OnFault(std::string_view what) {
  if (handler_ != nullptr) handler_->OnFault(what);
}

// ---- reading ---------------------------------------------------------------------------------

absl::StatusOr<size_t> TlsStream::Read(std::span<uint8_t> into) {
  if (state_ == State::kFailed) return failure_;
  if (state_ != State::kEstablished || into.empty()) return 0;
  const int want = static_cast<int>(std::min<size_t>(into.size(), INT_MAX));
  for (int round = 0; round < 100'000; ++round) {
    ERR_clear_error();
    const int n = SSL_read(ssl_, into.data(), want);
    if (n > 0) return static_cast<size_t>(n);
    const int error = SSL_get_error(ssl_, n);
    if (error == SSL_ERROR_ZERO_RETURN) return absl::UnavailableError("end of stream");  // close_notify
    if (error != SSL_ERROR_WANT_READ) return FailWith(Classify(error));
    // OpenSSL may have answered something (a key update): send it.
    if (BIO_ctrl_pending(wbio_) > 0) {
      if (absl::Status s = FlushCiphertext(); !s.ok()) return FailWith(std::move(s));
    }
    absl::StatusOr<bool> fed = FeedFromInner();
    if (!fed.ok()) {
      // The peer closed without close_notify: the same end of stream to the reader
      // (the protocol above detects truncation with its own Bye).
      if (IsEndOfStream(fed.status())) return fed.status();
      return FailWith(fed.status());
    }
    if (!*fed) return 0;
  }
  return 0;  // bounded: the caller reads again
}

void TlsStream::ResumeReading() {
  if (inner_ != nullptr) inner_->ResumeReading();
}

// ---- writing ---------------------------------------------------------------------------------

void TlsStream::DrainBio() {
  const size_t pending = BIO_ctrl_pending(wbio_);
  if (pending == 0) return;
  if (cipher_sent_ > 0 && cipher_sent_ == cipher_out_.size()) {
    cipher_out_.clear();
    cipher_sent_ = 0;
  }
  const size_t at = cipher_out_.size();
  cipher_out_.resize(at + pending);
  const int n = BIO_read(wbio_, cipher_out_.data() + at, static_cast<int>(pending));
  cipher_out_.resize(at + static_cast<size_t>(std::max(n, 0)));
}

absl::Status TlsStream::FlushCiphertext() {
  DrainBio();
  while (pending_ciphertext() > 0) {
    const iovec part{cipher_out_.data() + cipher_sent_, pending_ciphertext()};
    absl::StatusOr<size_t> n = inner_->Write(std::span<const iovec>(&part, 1));
    if (!n.ok()) return n.status();
    if (*n == 0) break;  // the inner stream's OnWritable continues
    cipher_sent_ += *n;
  }
  if (pending_ciphertext() == 0) {
    cipher_out_.clear();
    cipher_sent_ = 0;
  } else if (cipher_sent_ > kMaxPendingCiphertext) {
    cipher_out_.erase(cipher_out_.begin(), cipher_out_.begin() + static_cast<std::ptrdiff_t>(cipher_sent_));
    cipher_sent_ = 0;
  }
  return absl::OkStatus();
}

absl::Status TlsStream::Encrypt(const uint8_t* data, size_t size) {
  while (size > 0) {
    const int chunk = static_cast<int>(std::min<size_t>(size, 1 << 20));
    ERR_clear_error();
    const int n = SSL_write(ssl_, data, chunk);
    if (n <= 0) return Classify(SSL_get_error(ssl_, n));
    data += n;
    size -= static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> TlsStream::Write(std::span<const iovec> parts) {
  if (state_ == State::kFailed) return failure_;
  if (state_ != State::kEstablished) {
    write_blocked_ = true;
    return 0;
  }
  size_t taken = 0;
  size_t total = 0;
  for (const iovec& part : parts) total += part.iov_len;
  auto seal_staging = [&]() -> absl::Status {
    if (staging_.empty()) return absl::OkStatus();
    absl::Status s = Encrypt(staging_.data(), staging_.size());
    staging_.clear();
    return s;
  };
  bool full = false;
  for (const iovec& part : parts) {
    if (full) break;
    const auto* p = static_cast<const uint8_t*>(part.iov_base);
    size_t left = part.iov_len;
    while (left > 0) {
      const size_t room_cipher =
          kMaxPendingCiphertext -
          std::min(kMaxPendingCiphertext, pending_ciphertext() + BIO_ctrl_pending(wbio_));
      if (room_cipher == 0) {
        if (absl::Status s = seal_staging(); !s.ok()) return FailWith(std::move(s));
        if (absl::Status s = FlushCiphertext(); !s.ok()) return FailWith(std::move(s));
        if (pending_ciphertext() >= kMaxPendingCiphertext) {
          full = true;
          break;
        }
        continue;
      }
      if (staging_.empty() && left >= kRecordPlaintext) {
        // Large part: whole records straight from the caller's bytes.
        const size_t n =
            std::min(left, std::max(room_cipher, kRecordPlaintext)) / kRecordPlaintext * kRecordPlaintext;
        if (absl::Status s = Encrypt(p, n); !s.ok()) return FailWith(std::move(s));
        p += n;
        left -= n;
        taken += n;
        continue;
      }
      // Small parts (and tails): gathered into one record.
      const size_t n = std::min({left, kRecordPlaintext - staging_.size(), room_cipher});
      staging_.insert(staging_.end(), p, p + n);
      p += n;
      left -= n;
      taken += n;
      if (staging_.size() == kRecordPlaintext) {
        if (absl::Status s = seal_staging(); !s.ok()) return FailWith(std::move(s));
      }
    }
  }
  if (absl::Status s = seal_staging(); !s.ok()) return FailWith(std::move(s));
  if (absl::Status s = FlushCiphertext(); !s.ok()) return FailWith(std::move(s));
  if (taken < total) write_blocked_ = true;
  return taken;
}

void TlsStream::ShutdownWrite() {
  if (state_ == State::kEstablished) {
    ERR_clear_error();
    (void)SSL_shutdown(ssl_);  // queues close_notify
    ERR_clear_error();
    if (absl::Status s = FlushCiphertext(); !s.ok()) {
      Fail(std::move(s));
      return;
    }
    if (pending_ciphertext() > 0) {
      shutdown_pending_ = true;
      return;
    }
  }
  if (inner_ != nullptr) inner_->ShutdownWrite();
}

// ---- description -------------------------------------------------------------------------

const PeerIdentity* TlsStream::peer_identity() const {
  return state_ == State::kEstablished && identity_.has_value() ? &*identity_ : nullptr;
}

std::string TlsStream::security() const {
  if (state_ != State::kEstablished) return "TLS (handshake not finished)";
  return absl::StrCat(SSL_get_version(ssl_), " ", SSL_get_cipher_name(ssl_),
                      identity_.has_value() ? ", peer certificate verified" : ", no peer certificate");
}

void TlsStream::ReleaseIdleBuffers() {
  if (pending_ciphertext() == 0) {
    std::vector<uint8_t>().swap(cipher_out_);
    cipher_sent_ = 0;
  }
  if (staging_.empty()) std::vector<uint8_t>().swap(staging_);
  std::vector<uint8_t>().swap(in_chunk_);
  if (ssl_ != nullptr) (void)SSL_free_buffers(ssl_);
}

}  // namespace kompact::net
