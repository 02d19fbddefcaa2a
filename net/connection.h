// Connection: one stream to another system and the wire protocol spoken on it
// (net/proto/wire.proto): the handshake (Hello / HelloAck), Data frames with
// per-connection path compression and sequence numbers, heartbeats, Bye and Error.
//
// Receiving reads into pooled chunks and decodes frames in place: a Data frame's
// payload becomes a NetData over the very chunk it was read into (no copy before
// the receiver's deserialiser runs; one chunk reference per message, nothing
// allocated for compressed paths, which resolve to the decoder table's entries). Frames larger than a chunk
// are read into a buffer of their own, allocated only after the header was checked against the maximum frame
// size, and grown geometrically as their bytes actually arrive (never reserved at the announced size up
// front: a header announcing the maximum with ten bytes behind it costs a few KiB). Before the handshake a
// frame above max_handshake_frame_size is refused at once (RefusalError kHandshakeFrameTooLarge, nothing
// allocated). Any malformed, oversized or unexpected frame closes this connection (with an Error frame and
// a logged reason naming the peer); nothing else is affected.
//
// Inbound rate limit (opt-in, ConnectionContext::inbound_rate_limit): an established connection takes
// a token of its InboundBudget per frame and per byte read; when the budget runs out it stops reading
// (ConnectionOwner::OnThrottled; the owner calls ResumeReading after the wait), so TCP pushes back and
// nothing is lost. Off, a connection has no budget and pays one untaken branch per read and per frame.
//
// Sending encodes frames into one output buffer that is written with a single
// gathering syscall per flush (all frames queued since the last one).
//
// Thread-safety: network thread only (not thread-safe). Lifetime: owned by the
// NetworkCore; the owner's callbacks may be called from any member, and a
// connection closed by Close()/a fault stays allocated until the owner destroys it
// outside its own call stack.
#ifndef KOMPACT_NET_CONNECTION_H_
#define KOMPACT_NET_CONNECTION_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "base/log.h"
#include "base/uuid.h"
#include "net/frame.h"
#include "net/inbound_budget.h"
#include "net/path_table.h"
#include "net/proto/wire.pb.h"
#include "net/transport.h"
#include "runtime/actor_path.h"
#include "runtime/net_message.h"
#include "serialisation/buffer_pool.h"
#include "serialisation/chunk.h"

namespace kompact::net {

class Connection;

// What a connection reports to its owner (NetworkCore). Network thread only.
class ConnectionOwner {
 public:
  virtual ~ConnectionOwner() = default;
  // The handshake named the remote system (remote_system() and
  // remote_incarnation() are known; session() not yet). OK admits the connection;
  // an error refuses it before it carries anything: an Error frame (BLOCKED for
  // kPermissionDenied, CONNECTION_LIMIT for kResourceExhausted) and the connection
  // closes with that status. Acceptor: before HelloAck; dialler: on HelloAck.
  virtual absl::Status Admit(const Connection& connection) = 0;
  // The handshake finished: remote_system(), remote_incarnation() and session() are
  // known. For an inbound connection the owner may still refuse it by closing it.
  virtual void OnEstablished(Connection& connection) = 0;
  // A Data frame arrived (sender, receiver, payload, session set).
  virtual void OnMessage(Connection& connection, NetMessage&& message) = 0;
  // Bracket the OnMessage calls of the frames decoded from one read (at most a
  // receive chunk's worth), so that the owner can set up per-batch state once
  // (e.g. a batch-wide registry read guard; but see bench/RESULTS.md round two: one
  // held across a batch delayed epoch reclamation into leaks). Every Begin is
  // followed by one End. Both default to nothing:
  virtual void OnReceiveBatchBegin(Connection& /*connection*/) {}
  virtual void OnReceiveBatchEnd(Connection& /*connection*/) {}
  // The output buffer drained below its high watermark: more may be sent.
  virtual void OnWritable(Connection& connection) = 0;
  // The connection's inbound budget ran out and it stopped reading: the owner calls
  // connection.ResumeReading() once `wait` has passed (if it is still open).
  // `new_episode`: the first pause since it last read at full speed. Default:
  // nothing (an owner that sets ConnectionContext::inbound_rate_limit overrides it).
  virtual void OnThrottled(Connection& /*connection*/, absl::Duration /*wait*/, bool /*new_episode*/) {}
  // The connection is closed for good (`graceful`: both sides said Bye, or the
  // peer said Bye and we flushed ours). Called once; the owner destroys it later.
  virtual void OnClosed(Connection& connection, const absl::Status& why, bool graceful) = 0;
};

// What every connection of one system shares (owned by NetworkCore).
struct ConnectionContext {
  SystemPath local_system;             // advertised, sent in Hello / HelloAck
  Uuid local_incarnation;              // this system's incarnation id
  uint32_t max_frame_size = 16 << 20;  // the largest frame sent or accepted (bytes; NetworkConfig)
  // The largest frame accepted before the handshake finished (bytes; NetworkConfig).
  uint32_t max_handshake_frame_size = 4096;
  // The inbound rate limit of each established connection (off by default).
  InboundRateLimit inbound_rate_limit;
  // The clock of the inbound budgets, only read when the rate limit is on (the
  // wall clock: the rate limit is not simulated, docs/simulation.md).
  std::function<absl::Time()> clock = [] { return absl::Now(); };  // sim-clock-ok: see above
  // Gauges of the bytes reserved for frames larger than a chunk (NetworkStats;
  // null: not recorded). Network thread writes, anyone reads.
  std::atomic<uint64_t>* large_frame_bytes_reserved = nullptr;
  // The high-water mark of large_frame_bytes_reserved (same rules).
  std::atomic<uint64_t>* large_frame_bytes_reserved_peak = nullptr;
  BufferPool* receive_pool = nullptr;  // network thread's pool for receive chunks
  Logger logger;                       // where connections log refusals and protocol errors
};

// One stream to another system, speaking the wire protocol (see the file comment).
class Connection final : public StreamHandler {
 public:
  // Which side opened the stream: this system dialled it, or accepted it.
  enum class Role : uint8_t { kDialler, kAcceptor };
  // Where the connection is in its life; it only moves forward.
  enum class State : uint8_t {
    kConnecting,   // dialler: the stream is connecting
    kHandshake,    // Hello sent (dialler) or awaited (acceptor)
    kEstablished,  // Data flows both ways
    kClosing,      // Bye sent: no more sending, reading until the peer's Bye / end
    kClosed,       // closed for good (OnClosed was called)
  };

  // A dialled connection: `stream` is connecting to `remote_system`; its handler is
  // this connection (see Transport::Dial, which needs the handler first: use Dial()).
  static std::unique_ptr<Connection> Dialled(const ConnectionContext& context, ConnectionOwner& owner,
                                             SystemPath remote_system);
  // An accepted connection (the remote system becomes known with its Hello).
  static std::unique_ptr<Connection> Accepted(const ConnectionContext& context, ConnectionOwner& owner,
                                              std::unique_ptr<Stream> stream);
  ~Connection() override;

  // For Dialled connections: attaches the stream returned by Transport::Dial.
  void Attach(std::unique_ptr<Stream> stream);

  // Whether this side dialled or accepted.
  Role role() const { return role_; }
  // The current state.
  State state() const { return state_; }
  // Whether the state is kEstablished (Data may be sent).
  bool established() const { return state_ == State::kEstablished; }
  // Whether the state is kClosed.
  bool closed() const { return state_ == State::kClosed; }
  // The peer's advertised system (for dialled connections: the one dialled until
  // its HelloAck names it).
  const SystemPath& remote_system() const { return remote_system_; }
  // The peer's incarnation id from its Hello / HelloAck (new every time a system starts).
  const Uuid& remote_incarnation() const { return remote_incarnation_; }
  // This connection's session id (chosen by the acceptor, sent in HelloAck; 0 until then).
  SessionId session() const { return session_; }
  // The socket's remote endpoint ("?" before the stream is attached).
  std::string remote_address() const;
  // The same, if the stream is attached.
  std::optional<Endpoint> remote_endpoint() const;
  // The peer's verified certificate identity (TLS streams, after their handshake);
  // nullptr for plaintext streams.
  const PeerIdentity* peer_identity() const { return stream_ ? stream_->peer_identity() : nullptr; }
  // How the stream protects the bytes ("plaintext", "TLSv1.3 ..."; "?" before the
  // stream is attached).
  std::string security() const { return stream_ ? stream_->security() : "?"; }

  // ---- sending (Established only) ----------------------------------------------------
  // Encodes `message` as a Data frame into the output buffer. Errors (the payload
  // cannot be serialised, the frame is too large) leave the buffer unchanged and
  // return the reason; the connection stays up.
  [[nodiscard]] absl::Status Encode(const NetMessage& message);
  // Writes what is buffered (as much as the stream takes now).
  void Flush();
  // True while the output buffer is below its high watermark.
  bool WantsMore() const { return out_.size() - out_sent_ < kHighWatermark; }
  // Bytes encoded but not yet written to the stream.
  size_t buffered_bytes() const { return out_.size() - out_sent_; }

  // ---- lifecycle ---------------------------------------------------------------------
  // Graceful: flushes what is buffered, sends Bye, then waits for the peer's Bye
  // or end of stream (then OnClosed(graceful)).
  void CloseGracefully(std::string_view reason);
  // At once, with `why` (sends an Error frame first when `code` is set).
  void Close(const absl::Status& why, wire::ErrorCode code = wire::ERROR_CODE_UNSPECIFIED);

  // ---- liveness (called by the owner's periodic tick) ----------------------------------
  // Returns true if a frame was received since the previous call.
  bool TakeReceivedSinceTick();
  // Sends a Heartbeat if nothing was sent since the previous tick, or if Data
  // frames arrived since the last one (it acknowledges them).
  void HeartbeatIfIdle();
  // Data frames sent on this connection that the peer has not acknowledged yet:
  // if the connection breaks, at most these messages were lost.
  uint64_t unacknowledged() const { return tx_seq_ - tx_acked_; }
  uint32_t ticks_alive = 0;     // owner's bookkeeping: ticks since creation
  uint32_t silent_ticks = 0;    // owner's bookkeeping: ticks without received frames
  uint32_t closing_ticks = 0;   // owner's bookkeeping: ticks since CloseGracefully
  uint64_t last_used = 0;       // owner's bookkeeping: its use clock when last active
  uint64_t serial = 0;          // owner's bookkeeping: creation order (for deterministic iteration)
  uint64_t frames_seen = 0;     // owner's bookkeeping: frames_in + frames_out then
  bool announced = false;       // owner's bookkeeping: ConnectionEstablished was emitted
  bool identity_known = false;  // owner's bookkeeping: its session is in the SessionIdentities
  bool pending = false;         // owner's bookkeeping: counted as an inbound pending connection
  // Whether reading paused because the receive pool ran dry.
  bool stalled() const { return stalled_; }
  // Tries to read again after the receive pool ran dry (the owner calls it when stalled()).
  void RetryRead() { OnReadable(); }
  // Whether reading is paused by the inbound rate limit (OnThrottled was called and
  // ResumeReading not yet). A throttled connection counts as heard for the heartbeat.
  bool throttled() const { return throttled_; }
  // Reads again after OnThrottled's wait (nothing if not throttled or closed).
  void ResumeReading();
  // Removes the inbound rate limit from now on (at shutdown, so that Bye is read at once).
  void LiftInboundRateLimit();
  // Whether the connection was closed for malformed or unexpected input
  // (ProtocolError; the owner counts it in NetworkStats::protocol_errors).
  bool protocol_error() const { return protocol_error_; }
  // Bytes currently reserved for a frame larger than a chunk (0 when none is read).
  size_t large_frame_bytes_reserved() const { return big_.size(); }

  // Counters (network thread; read by the owner).
  struct Counters {
    // Frames of every type, bytes read and written (frame headers included), and Data messages:
    uint64_t frames_in = 0, frames_out = 0, bytes_in = 0, bytes_out = 0, messages_in = 0, messages_out = 0;
  };
  // This connection's counters since it was created.
  const Counters& counters() const { return counters_; }

  // StreamHandler.
  void OnConnected(absl::Status status) override;
  void OnReadable() override;
  void OnWritable() override;
  // An exception escaped one of the calls above: closes this connection with
  // kInternal naming `what` (the owner counts it; the process goes on).
  void OnFault(std::string_view what) override;

  // Bytes buffered for sending at and above which WantsMore() is false.
  static constexpr size_t kHighWatermark = 1 << 20;

 private:
  Connection(const ConnectionContext& context, ConnectionOwner& owner, Role role);
  void SendHello();
  void AppendControl(FrameType type, const google::protobuf::MessageLite& body);
  // Decodes every complete frame of the receive buffer.
  void ParseBuffered();
  // Makes room in the receive buffer (a fresh chunk, carrying over a partial frame).
  bool Rebuffer();
  void HandleFrame(const FrameHeader& header, ChunkLease body);
  void HandleFrameBytes(const FrameHeader& header, std::vector<uint8_t> body);
  void HandleControl(const FrameHeader& header, std::span<const uint8_t> body);
  void HandleData(std::span<const uint8_t> body, ChunkLease* lease, std::vector<uint8_t>* bytes);
  // A complete Data frame of `length` body bytes at the start of rx_.
  void HandleDataInPlace(uint32_t length);
  // Checks the sequence number and resolves both paths (pointers into rx_paths_
  // or rx_scratch_, valid until the next frame).
  absl::Status CheckAndResolve(const DataHeaderView& head, const ActorPath*& receiver,
                               const ActorPath*& sender);
  void ProtocolError(const absl::Status& why, wire::ErrorCode code);
  // Asks the owner to admit the named remote system; false (and closed) if refused.
  bool Admitted();
  // The handshake finished: Established, and the inbound budget if limited.
  void BecomeEstablished();
  // Grows big_ for more of the current large frame (geometrically, up to its size).
  void GrowBig();
  // Frees big_ (the large frame was handed on, or the connection closed).
  void ReleaseBig();
  // The large frame is complete: hands it on.
  void CompleteBig();
  // Updates the large-frame gauges by `delta` bytes.
  void ReserveDelta(int64_t delta);
  // The budget ran out: stop reading and tell the owner.
  void Throttle();
  void Finish(const absl::Status& why, bool graceful);

  const ConnectionContext& context_;
  ConnectionOwner& owner_;
  const Role role_;
  State state_;
  std::unique_ptr<Stream> stream_;
  SystemPath remote_system_;
  Uuid remote_incarnation_;
  SessionId session_ = 0;
  bool bye_sent_ = false;
  bool bye_received_ = false;

  // Receiving.
  ChunkLease rx_;             // the unconsumed rest of the current receive chunk
  size_t rx_filled_ = 0;      // bytes of rx_ holding received data
  std::vector<uint8_t> big_;  // a frame larger than a chunk, being read
  size_t big_filled_ = 0;
  FrameHeader big_header_{};
  bool reading_big_ = false;
  bool stalled_ = false;
  bool received_since_tick_ = false;
  bool protocol_error_ = false;
  // The first reason given to Close: what the close reports even if the Error frame's
  // write fails on the way.
  std::optional<absl::Status> close_reason_;
  // Inbound rate limit (null when off).
  std::unique_ptr<InboundBudget> budget_;
  bool throttled_ = false;         // reading paused until ResumeReading
  bool parse_paused_ = false;      // frames wait in rx_ for message tokens
  bool throttle_episode_ = false;  // paused since the connection last read at full speed
  uint64_t rx_seq_ = 0;            // last Data sequence number received
  uint64_t rx_acked_ = 0;          // last one acknowledged to the peer
  PathDecoderTable rx_paths_;
  ActorPath rx_scratch_[2];  // uncompressed receiver / sender paths of the current frame

  // Sending.
  std::vector<uint8_t> out_;
  size_t out_sent_ = 0;
  bool sent_since_tick_ = false;
  uint64_t tx_seq_ = 0;
  uint64_t tx_acked_ = 0;  // last one the peer acknowledged
  PathEncoderTable tx_paths_;
  class Scratch;
  std::unique_ptr<Scratch> scratch_;  // a lazy payload's bytes before its header is written

  Counters counters_;
};

}  // namespace kompact::net

#endif  // KOMPACT_NET_CONNECTION_H_
