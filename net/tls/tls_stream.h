// TlsStream: TLS over any Stream (transport.h), as a Stream decorator. OpenSSL runs
// on two memory BIOs: ciphertext read from the inner stream is fed in, ciphertext
// OpenSSL produces is written out to it; the TLS state machine is driven by the
// inner stream's readiness events on the network thread, never by blocking calls.
//
// Roles: a dialled stream is the TLS client (its handler's OnConnected(OK) comes
// only once the handshake finished and the server's certificate was verified); an
// accepted stream is the server (its handler's first OnReadable comes after the
// handshake). Both sides verify the other's certificate against the CA bundle and
// the allow-list of the TlsContext, and agree on ALPN "kompact/1".
//
// Refusals: a failed handshake reaches the handler as OnConnected(status) (client,
// before the handshake finished) or as the status Read returns (server, or the
// client once the server rejects it after its own handshake finished, TLS 1.3's
// order). Each is a RefusalError (net/refusal.h) naming the peer's address:
// kNotTls (the client's first bytes are not a TLS record), kPlaintextServer (the
// server answered in something other than TLS), kUntrustedCertificate,
// kCertificateExpired, kNoCertificate, kIdentityNotAllowed, kAlpnMismatch,
// kRefusedByPeer (the peer sent an alert or closed during the handshake) and
// kTlsError for anything else.
//
// Buffers: at most kMaxPendingCiphertext bytes of ciphertext wait for the inner
// stream (beyond, Write takes nothing more and OnWritable follows), one receive
// chunk of kReadChunk is fed at a time, and Write gathers small parts into one TLS
// record and all records of one call into one inner Write (one syscall). Idle
// streams give their buffers back with ReleaseIdleBuffers.
//
// Thread-safety: network thread only, like every Stream. Lifetime: owns the inner
// stream; the handler may destroy this stream inside any of its calls.
#ifndef KOMPACT_NET_TLS_TLS_STREAM_H_
#define KOMPACT_NET_TLS_TLS_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "net/refusal.h"
#include "net/tls/tls_context.h"
#include "net/transport.h"

// OpenSSL's connection type (its own typedef, repeated).
typedef struct ssl_st SSL;  // NOLINT: OpenSSL's own typedefs, repeated
// OpenSSL's I/O abstraction (its own typedef, repeated).
typedef struct bio_st BIO;  // NOLINT
// OpenSSL's certificate verification context (its own typedef, repeated).
typedef struct x509_store_ctx_st X509_STORE_CTX;  // NOLINT

namespace kompact::net {

// See the file comment.
class TlsStream final : public Stream, private StreamHandler {
 public:
  // Ciphertext buffered for the inner stream beyond which Write takes nothing.
  static constexpr size_t kMaxPendingCiphertext = 256 * 1024;
  // Bytes read from the inner stream per read (one TLS record and its header).
  static constexpr size_t kReadChunk = 16 * 1024 + 512;

  // The client side: dials `remote` through `inner` (which gets this stream as the
  // inner stream's handler); `handler` gets OnConnected once the handshake is done.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<TlsStream>> Dial(
      Transport& inner, std::shared_ptr<const TlsContext> context, const Endpoint& remote,
      StreamHandler* handler);
  // Makes the inner stream of a client, reporting to `inner_handler`.
  using DialInner = absl::FunctionRef<absl::StatusOr<std::unique_ptr<Stream>>(StreamHandler* inner_handler)>;
  // The client side over the stream `dial` makes (called once, with the handler
  // the inner stream must report to; tests dial memory streams): `handler` gets
  // OnConnected once the inner one connected and the handshake finished.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<TlsStream>> Client(
      std::shared_ptr<const TlsContext> context, StreamHandler* handler, DialInner dial);
  // The server side of an accepted `inner` stream; install the handler with
  // SetHandler (before the network thread runs again). `not_tls_reply` (may be
  // empty; must outlive the stream) is written, unencrypted, to a client whose
  // first bytes are not TLS, so that a plaintext peer learns why it is refused.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<TlsStream>> Accept(
      std::shared_ptr<const TlsContext> context, std::unique_ptr<Stream> inner,
      std::string_view not_tls_reply = {});
  ~TlsStream() override;

  // ---- Stream --------------------------------------------------------------------
  void SetHandler(StreamHandler* handler) override { handler_ = handler; }
  absl::StatusOr<size_t> Read(std::span<uint8_t> into) override;
  absl::StatusOr<size_t> Write(std::span<const iovec> parts) override;
  void ShutdownWrite() override;
  void ResumeReading() override;
  const Endpoint& remote() const override { return remote_; }
  const PeerIdentity* peer_identity() const override;
  std::string security() const override;
  void ReleaseIdleBuffers() override;

  // Whether the handshake finished (and the peer was verified).
  bool established() const { return state_ == State::kEstablished; }
  // Ciphertext waiting for the inner stream.
  size_t pending_ciphertext() const { return cipher_out_.size() - cipher_sent_; }

 private:
  enum class Role { kClient, kServer };
  enum class State { kConnecting, kHandshaking, kEstablished, kFailed };
  struct VerifyProblem {
    RefusalReason reason;
    std::string detail;
  };

  TlsStream(std::shared_ptr<const TlsContext> context, Role role);
  absl::Status Init();
  static int VerifyCallback(int preverify_ok, X509_STORE_CTX* store);

  // ---- StreamHandler of the inner stream ---------------------------------------
  void OnConnected(absl::Status status) override;
  void OnReadable() override;
  void OnWritable() override;
  void OnFault(std::string_view what) override;

  // Runs the handshake as far as the buffered bytes allow; notifies the handler
  // when it finishes or fails.
  void DriveHandshake();
  // After the handshake: the checks OpenSSL does not make (ALPN chosen).
  absl::Status CheckEstablished();
  // Reads once from the inner stream into OpenSSL: true if bytes came, false if
  // none are available now; the inner stream's error (or end of stream).
  absl::StatusOr<bool> FeedFromInner();
  // Moves what OpenSSL wrote into cipher_out_ and writes it to the inner stream.
  absl::Status FlushCiphertext();
  void DrainBio();
  // SSL_write of `bytes` (all of it: memory BIOs never block).
  absl::Status Encrypt(const uint8_t* data, size_t size);
  // The refusal for an OpenSSL failure (SSL_get_error `error`) now.
  absl::Status Classify(int error);
  // The refusal for the inner stream ending (or breaking: `inner`) mid-handshake.
  absl::Status ClosedDuringHandshake(const absl::Status& inner) const;
  // Enters kFailed with `status` (a stream fails once: later calls keep the first).
  void Fail(absl::Status status);
  // Fail, then the failure.
  absl::Status FailWith(absl::Status status);
  // Tells the handler about a failure (OnConnected for a client still connecting,
  // else OnReadable so that its next Read returns the failure).
  void NotifyFailure();
  std::string Who() const;

  std::shared_ptr<const TlsContext> context_;
  const Role role_;
  State state_;
  std::unique_ptr<Stream> inner_;
  StreamHandler* handler_ = nullptr;
  Endpoint remote_;
  SSL* ssl_ = nullptr;
  BIO* rbio_ = nullptr;  // owned by ssl_: ciphertext from the peer
  BIO* wbio_ = nullptr;  // owned by ssl_: ciphertext for the peer
  absl::Status failure_;
  std::optional<VerifyProblem> verify_problem_;
  std::optional<PeerIdentity> identity_;
  uint64_t bytes_received_ = 0;      // from the inner stream (the first bytes are checked)
  bool connected_notified_ = false;  // client: OnConnected was called
  bool write_blocked_ = false;       // Write returned less than asked: OnWritable owed
  bool shutdown_pending_ = false;    // ShutdownWrite once the ciphertext is out
  std::vector<uint8_t> in_chunk_;    // one read from the inner stream
  std::vector<uint8_t> cipher_out_;  // ciphertext not yet taken by the inner stream
  size_t cipher_sent_ = 0;           // prefix of cipher_out_ already taken
  std::vector<uint8_t> staging_;     // small Write parts gathered into one record
  std::string_view not_tls_reply_;   // see Accept
  std::shared_ptr<bool> alive_;      // false once destroyed (checked after handler calls)
};

}  // namespace kompact::net

#endif  // KOMPACT_NET_TLS_TLS_STREAM_H_
