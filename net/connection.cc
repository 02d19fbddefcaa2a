#include "net/connection.h"

#include <algorithm>
#include <cstring>
#include <random>
#include <utility>

#include "absl/base/optimization.h"
#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"
#include "base/status.h"
#include "base/uuid.h"
#include "net/refusal.h"
#include "serialisation/buf.h"
#include "serialisation/net_data.h"

namespace kompact::net {
namespace {

// Below this many free bytes the receive chunk is replaced before the next read.
constexpr size_t kMinReadSpace = 4096;
// A frame larger than a chunk starts with this much buffer (or what arrived of it,
// if more) and grows by kBigGrowth as its bytes arrive.
constexpr size_t kBigInitial = 4096;
constexpr size_t kBigGrowth = 2;

// From the network thread's Uuid generator: random, and fixed by the seed in a
// simulation (base/internal/uuid_seed.h).
SessionId NewSessionId() {
  SessionId id = 0;
  while (id == 0) {
    const Uuid u = Uuid::Random();
    id = u.high() ^ u.low();
  }
  return id;
}

// Brackets the OnMessage calls of one read (ConnectionOwner::OnReceiveBatchBegin/End).
class ReceiveBatch {
 public:
  ReceiveBatch(ConnectionOwner& owner, Connection& connection) : owner_(owner), connection_(connection) {
    owner_.OnReceiveBatchBegin(connection_);
  }
  ~ReceiveBatch() { owner_.OnReceiveBatchEnd(connection_); }
  ReceiveBatch(const ReceiveBatch&) = delete;
  ReceiveBatch& operator=(const ReceiveBatch&) = delete;

 private:
  ConnectionOwner& owner_;
  Connection& connection_;
};

}  // namespace

// Growable scratch writer whose memory is kept across messages (no allocation per
// message once warm).
class Connection::Scratch final : public BufMut {
 public:
  Scratch() : bytes_(256) { Reset(); }
  void Reset() { SetWindow(bytes_.data(), bytes_.data() + bytes_.size(), 0); }
  std::span<const uint8_t> bytes() const { return {bytes_.data(), written()}; }

 private:
  bool Refill(size_t min_bytes, bool /*contiguous*/) override {
    const size_t used = written();
    bytes_.resize(std::max(bytes_.size() * 2, used + min_bytes));
    SetWindow(bytes_.data() + used, bytes_.data() + bytes_.size(), used);
    return true;
  }
  std::vector<uint8_t> bytes_;
};

Connection::Connection(const ConnectionContext& context, ConnectionOwner& owner, Role role)
    : context_(context),
      owner_(owner),
      role_(role),
      state_(role == Role::kDialler ? State::kConnecting : State::kHandshake),
      scratch_(std::make_unique<Scratch>()) {}

Connection::~Connection() = default;

std::unique_ptr<Connection> Connection::Dialled(const ConnectionContext& context, ConnectionOwner& owner,
                                                SystemPath remote_system) {
  std::unique_ptr<Connection> c(new Connection(context, owner, Role::kDialler));
  c->remote_system_ = remote_system;
  return c;
}

std::unique_ptr<Connection> Connection::Accepted(const ConnectionContext& context, ConnectionOwner& owner,
                                                 std::unique_ptr<Stream> stream) {
  std::unique_ptr<Connection> c(new Connection(context, owner, Role::kAcceptor));
  c->stream_ = std::move(stream);
  c->stream_->SetHandler(c.get());
  return c;
}

void Connection::Attach(std::unique_ptr<Stream> stream) { stream_ = std::move(stream); }

std::string Connection::remote_address() const { return stream_ ? stream_->remote().ToString() : "?"; }

std::optional<Endpoint> Connection::remote_endpoint() const {
  if (!stream_) return std::nullopt;
  return stream_->remote();
}

bool Connection::Admitted() {
  absl::Status s = owner_.Admit(*this);
  if (s.ok()) return true;
  // A refusal (net/refusal.h) is logged where it is counted (the owner's OnClosed).
  if (RefusalOf(s).has_value()) {
    KLOG(context_.logger, DEBUG) << "refusing the connection with " << remote_address() << " ("
                                 << remote_system_ << "): " << s;
  } else {
    KLOG(context_.logger, WARNING) << "refusing the connection with " << remote_address() << " ("
                                   << remote_system_ << "): " << s;
  }
  Close(s, RefusalOf(s) == RefusalReason::kPinMismatch ? wire::NOT_AUTHORISED
           : absl::IsPermissionDenied(s)               ? wire::BLOCKED
           : absl::IsResourceExhausted(s)              ? wire::CONNECTION_LIMIT
                                                       : wire::ERROR_CODE_UNSPECIFIED);
  return false;
}

void Connection::OnFault(std::string_view what) {
  Close(absl::InternalError(absl::StrCat("an exception while handling the connection with ", remote_address(),
                                         ": ", AsAbsl(what))));
}

// ---- handshake ----------------------------------------------------------------------------

void Connection::OnConnected(absl::Status status) {
  if (state_ != State::kConnecting) return;
  if (!status.ok()) {
    Finish(status, /*graceful=*/false);
    return;
  }
  state_ = State::kHandshake;
  SendHello();
}

void Connection::SendHello() {
  wire::Hello hello;
  hello.set_protocol_version(kProtocolVersion);
  *hello.mutable_system() = ToProto(context_.local_system);
  const auto inc = context_.local_incarnation.ToBytes();
  hello.set_incarnation(inc.data(), inc.size());
  AppendControl(FrameType::kHello, hello);
  Flush();
}

void Connection::AppendControl(FrameType type, const google::protobuf::MessageLite& body) {
  AppendControlFrame(type, body, out_);
  ++counters_.frames_out;
  sent_since_tick_ = true;
}

namespace {
absl::StatusOr<Uuid> IncarnationFrom(const std::string& bytes) {
  if (bytes.size() != 16) {
    return absl::DataLossError(absl::StrCat("incarnation id of ", bytes.size(), " bytes, expected 16"));
  }
  std::array<uint8_t, 16> b;
  std::memcpy(b.data(), bytes.data(), 16);
  return Uuid::FromBytes(b);
}
}  // namespace

void Connection::HandleControl(const FrameHeader& header, std::span<const uint8_t> body) {
  switch (header.type) {
    case FrameType::kHello: {
      if (role_ != Role::kAcceptor || state_ != State::kHandshake) {
        ProtocolError(absl::DataLossError("unexpected Hello"), wire::MALFORMED_FRAME);
        return;
      }
      absl::StatusOr<wire::Hello> hello = ParseControlBody<wire::Hello>(body);
      absl::StatusOr<SystemPath> system = hello.ok() ? FromProto(hello->system()) : hello.status();
      absl::StatusOr<Uuid> inc = system.ok() ? IncarnationFrom(hello->incarnation()) : system.status();
      if (!inc.ok()) {
        ProtocolError(Annotate(inc.status(), "malformed Hello"), wire::MALFORMED_FRAME);
        return;
      }
      if (hello->protocol_version() != kProtocolVersion) {
        ProtocolError(absl::FailedPreconditionError(absl::StrCat("peer speaks wire protocol version ",
                                                                 hello->protocol_version(),
                                                                 ", this system speaks ", kProtocolVersion)),
                      wire::VERSION_MISMATCH);
        return;
      }
      remote_system_ = *system;
      remote_incarnation_ = *inc;
      if (!Admitted()) return;
      session_ = NewSessionId();
      wire::HelloAck ack;
      ack.set_protocol_version(kProtocolVersion);
      *ack.mutable_system() = ToProto(context_.local_system);
      const auto bytes = context_.local_incarnation.ToBytes();
      ack.set_incarnation(bytes.data(), bytes.size());
      ack.set_session_id(session_);
      AppendControl(FrameType::kHelloAck, ack);
      BecomeEstablished();
      Flush();
      if (state_ == State::kEstablished) owner_.OnEstablished(*this);
      return;
    }
    case FrameType::kHelloAck: {
      if (role_ != Role::kDialler || state_ != State::kHandshake) {
        ProtocolError(absl::DataLossError("unexpected HelloAck"), wire::MALFORMED_FRAME);
        return;
      }
      absl::StatusOr<wire::HelloAck> ack = ParseControlBody<wire::HelloAck>(body);
      absl::StatusOr<SystemPath> system = ack.ok() ? FromProto(ack->system()) : ack.status();
      absl::StatusOr<Uuid> inc = system.ok() ? IncarnationFrom(ack->incarnation()) : system.status();
      if (!inc.ok()) {
        ProtocolError(Annotate(inc.status(), "malformed HelloAck"), wire::MALFORMED_FRAME);
        return;
      }
      if (ack->protocol_version() != kProtocolVersion) {
        ProtocolError(absl::FailedPreconditionError(absl::StrCat("peer speaks wire protocol version ",
                                                                 ack->protocol_version(),
                                                                 ", this system speaks ", kProtocolVersion)),
                      wire::VERSION_MISMATCH);
        return;
      }
      if (Endpoint::Of(*system) != Endpoint::Of(remote_system_)) {
        KLOG(context_.logger, WARNING)
            << "dialled " << remote_system_ << " at " << remote_address() << ", but it introduces itself as "
            << *system << "; messages stay addressed to the dialled system";
      }
      remote_incarnation_ = *inc;
      if (!Admitted()) return;
      session_ = ack->session_id();
      BecomeEstablished();
      owner_.OnEstablished(*this);
      return;
    }
    case FrameType::kHeartbeat: {
      if (state_ != State::kEstablished && state_ != State::kClosing) {
        ProtocolError(absl::DataLossError("Heartbeat before the handshake"), wire::MALFORMED_FRAME);
        return;
      }
      absl::StatusOr<wire::Heartbeat> beat = ParseControlBody<wire::Heartbeat>(body);
      if (!beat.ok()) {
        ProtocolError(Annotate(beat.status(), "malformed Heartbeat"), wire::MALFORMED_FRAME);
        return;
      }
      if (beat->acked_seq() > tx_seq_) {
        ProtocolError(
            absl::DataLossError(absl::StrCat("Heartbeat acknowledges Data frame ", beat->acked_seq(),
                                             " but only ", tx_seq_, " were sent")),
            wire::MALFORMED_FRAME);
        return;
      }
      tx_acked_ = std::max(tx_acked_, beat->acked_seq());
      return;
    }
    case FrameType::kBye: {
      // A peer of ours never says Bye before the handshake (CloseGracefully there closes
      // without one); answering it would put a never-established connection in
      // kClosing, where Data is accepted (found by the connection fuzzer).
      if (state_ != State::kEstablished && state_ != State::kClosing) {
        ProtocolError(absl::DataLossError("Bye before the handshake"), wire::MALFORMED_FRAME);
        return;
      }
      bye_received_ = true;
      if (!bye_sent_) {
        wire::Bye bye;
        bye.set_reason("reply to Bye");
        AppendControl(FrameType::kBye, bye);
        bye_sent_ = true;
        state_ = State::kClosing;
        Flush();
      }
      if (state_ != State::kClosed && buffered_bytes() == 0) {
        stream_->ShutdownWrite();
        Finish(absl::OkStatus(), /*graceful=*/true);
      }
      return;
    }
    case FrameType::kError: {
      absl::StatusOr<wire::Error> error = ParseControlBody<wire::Error>(body);
      const std::string reason =
          error.ok() ? absl::StrCat(wire::ErrorCode_Name(error->code()), ": ", error->reason())
                     : "(unreadable Error frame)";
      if (role_ == Role::kDialler && state_ == State::kHandshake) {
        // The peer refused our Hello (blocked, a limit, ...): a refusal, logged by the owner.
        Finish(RefusalError(RefusalReason::kRefusedByPeer,
                            absl::StrCat(remote_address(), " refused the handshake: ", reason)),
               false);
        return;
      }
      KLOG(context_.logger, WARNING) << "peer " << remote_address() << " (" << remote_system_
                                     << ") closed the connection with an error: " << reason;
      if (error.ok() && (error->code() == wire::TLS_REQUIRED || error->code() == wire::NOT_AUTHORISED)) {
        // The peer refused us for who we are (no TLS, or not the pinned identity).
        Finish(RefusalError(RefusalReason::kRefusedByPeer,
                            absl::StrCat("the peer ", remote_address(), " refused this system: ", reason)),
               false);
        return;
      }
      Finish(absl::UnavailableError(absl::StrCat("the peer reported an error: ", reason)), false);
      return;
    }
    case FrameType::kData:
      return;  // not a control frame
  }
}

// ---- receiving ------------------------------------------------------------------------------

bool Connection::Rebuffer() {
  absl::StatusOr<ChunkLease> fresh = context_.receive_pool->Acquire();
  if (!fresh.ok()) {
    stalled_ = true;
    return false;
  }
  stalled_ = false;
  if (rx_filled_ > 0) std::memcpy(fresh->segment(0).data(), rx_.segment(0).data(), rx_filled_);
  rx_ = *std::move(fresh);
  return true;
}

void Connection::OnReadable() {
  if (!stream_ || state_ == State::kClosed || state_ == State::kConnecting) return;
  if (ABSL_PREDICT_FALSE(budget_ != nullptr || parse_paused_)) {
    if (throttled_) return;  // ResumeReading reads again
    if (budget_ != nullptr) budget_->Refill(context_.clock());
    if (parse_paused_) {
      // Frames read before the pause wait in rx_: decode them first.
      parse_paused_ = false;
      {
        ReceiveBatch batch(owner_, *this);
        ParseBuffered();
      }
      if (state_ == State::kClosed) return;
      if (parse_paused_) {
        Throttle();
        return;
      }
    }
  }
  for (;;) {
    std::span<uint8_t> into;
    if (reading_big_) {
      if (big_filled_ == big_.size()) GrowBig();
      into = std::span<uint8_t>(big_).subspan(big_filled_);
    } else {
      if (rx_.empty() || rx_.size() - rx_filled_ < kMinReadSpace) {
        const bool was_stalled = stalled_;
        if (!Rebuffer()) {
          if (!was_stalled) {
            KLOG(context_.logger, WARNING) << "receive buffers exhausted; reading from " << remote_address()
                                           << " paused until chunks are free";
          }
          return;
        }
      }
      into = rx_.segment(0).subspan(rx_filled_);
    }
    if (ABSL_PREDICT_FALSE(budget_ != nullptr)) {
      const size_t allowed = budget_->exhausted() ? 0 : budget_->ReadAllowance(into.size());
      if (allowed == 0) {
        Throttle();
        return;
      }
      into = into.first(allowed);
    }
    absl::StatusOr<size_t> n = stream_->Read(into);
    if (!n.ok()) {
      const bool eof = absl::IsUnavailable(n.status()) && n.status().message() == "end of stream";
      if (eof && bye_received_) {
        Finish(absl::OkStatus(), true);
      } else {
        Finish(eof ? absl::UnavailableError(
                         absl::StrCat("connection to ", remote_address(), " ended without Bye"))
                   : n.status(),
               false);
      }
      return;
    }
    if (*n == 0) {
      throttle_episode_ = false;  // drained at full speed: a throttling episode is over
      return;
    }
    if (ABSL_PREDICT_FALSE(budget_ != nullptr)) budget_->TookBytes(*n);
    counters_.bytes_in += *n;
    received_since_tick_ = true;
    if (reading_big_) {
      big_filled_ += *n;
      if (big_filled_ == big_header_.length) {
        CompleteBig();
        if (state_ == State::kClosed) return;
      }
      continue;
    }
    rx_filled_ += *n;
    {
      ReceiveBatch batch(owner_, *this);  // End also when an exception unwinds (stream faults)
      ParseBuffered();
    }
    if (state_ == State::kClosed) return;
    if (ABSL_PREDICT_FALSE(parse_paused_)) {
      Throttle();
      return;
    }
  }
}

void Connection::Throttle() {
  throttled_ = true;
  const bool new_episode = !std::exchange(throttle_episode_, true);
  owner_.OnThrottled(*this, budget_->WaitForRefill(), new_episode);
}

void Connection::ResumeReading() {
  if (!throttled_ || state_ == State::kClosed) return;
  throttled_ = false;
  // From the transport's loop (which reports an exception to OnFault), not from here.
  if (stream_) stream_->ResumeReading();
}

void Connection::LiftInboundRateLimit() {
  budget_.reset();
  if (std::exchange(throttled_, false) && stream_ && state_ != State::kClosed) stream_->ResumeReading();
}

void Connection::BecomeEstablished() {
  state_ = State::kEstablished;
  if (context_.inbound_rate_limit.enabled()) {
    budget_ = std::make_unique<InboundBudget>(context_.inbound_rate_limit, context_.clock());
  }
}

void Connection::GrowBig() {
  const size_t before = big_.capacity();
  const size_t next = std::min<size_t>(big_header_.length, std::max(kBigInitial, big_.size() * kBigGrowth));
  big_.reserve(next);
  big_.resize(next);
  ReserveDelta(static_cast<int64_t>(big_.capacity()) - static_cast<int64_t>(before));
}

void Connection::CompleteBig() {
  reading_big_ = false;
  std::vector<uint8_t> body = std::move(big_);
  big_ = {};
  big_filled_ = 0;
  ReserveDelta(-static_cast<int64_t>(body.capacity()));
  body.resize(big_header_.length);
  if (ABSL_PREDICT_FALSE(budget_ != nullptr)) budget_->ChargeMessage();
  HandleFrameBytes(big_header_, std::move(body));
}

void Connection::ReleaseBig() {
  if (big_.capacity() == 0) return;
  ReserveDelta(-static_cast<int64_t>(big_.capacity()));
  big_ = {};
  big_filled_ = 0;
  reading_big_ = false;
}

void Connection::ReserveDelta(int64_t delta) {
  if (context_.large_frame_bytes_reserved == nullptr || delta == 0) return;
  const uint64_t now = context_.large_frame_bytes_reserved->fetch_add(static_cast<uint64_t>(delta),
                                                                      std::memory_order_relaxed) +
                       static_cast<uint64_t>(delta);
  std::atomic<uint64_t>* peak = context_.large_frame_bytes_reserved_peak;
  if (peak != nullptr && now > peak->load(std::memory_order_relaxed)) {
    peak->store(now, std::memory_order_relaxed);  // one writer: the network thread
  }
}

void Connection::ParseBuffered() {
  while (rx_filled_ >= kFrameHeaderSize && state_ != State::kClosed) {
    // Before the handshake only small frames (Hello, HelloAck, Error) are accepted.
    const bool handshake = state_ == State::kHandshake;
    const uint32_t limit = handshake ? std::min(context_.max_handshake_frame_size, context_.max_frame_size)
                                     : context_.max_frame_size;
    absl::StatusOr<FrameHeader> header = DecodeFrameHeader(rx_.segment(0).first(kFrameHeaderSize), limit);
    if (!header.ok()) {
      if (counters_.bytes_in == rx_filled_ && rx_.segment(0)[0] == 0x16 && rx_.segment(0)[1] == 0x03) {
        // The first bytes of the stream are a TLS handshake record: a TLS client. It
        // reads the (plaintext) Error frame as "not a TLS server". A refusal, logged
        // where it is counted (the owner's OnClosed).
        Close(RefusalError(RefusalReason::kTlsToPlaintext,
                           absl::StrCat("the peer ", remote_address(),
                                        " speaks TLS but kompact.net.tls.enabled is false on this system")),
              wire::MALFORMED_FRAME);
        return;
      }
      if (handshake && absl::IsResourceExhausted(header.status())) {
        Close(
            RefusalError(RefusalReason::kHandshakeFrameTooLarge,
                         absl::StrCat(remote_address(), " announced a frame above the handshake limit (",
                                      header.status().message(), "; kompact.net.max-handshake-frame-size)")),
            wire::FRAME_TOO_LARGE);
        return;
      }
      ProtocolError(header.status(), absl::IsFailedPrecondition(header.status())  ? wire::VERSION_MISMATCH
                                     : absl::IsResourceExhausted(header.status()) ? wire::FRAME_TOO_LARGE
                                                                                  : wire::MALFORMED_FRAME);
      return;
    }
    const size_t total = kFrameHeaderSize + header->length;
    if (total > context_.receive_pool->chunk_size() - kMinReadSpace) {
      // Larger than a chunk: read the body into a buffer of its own, which grows
      // as the bytes arrive (never reserved at the announced size up front).
      const size_t have = std::min<size_t>(header->length, rx_filled_ - kFrameHeaderSize);
      big_header_ = *header;
      const size_t first = std::min<size_t>(header->length, std::max(kBigInitial, have));
      big_.reserve(first);
      big_.resize(first);
      ReserveDelta(static_cast<int64_t>(big_.capacity()));
      std::memcpy(big_.data(), rx_.segment(0).data() + kFrameHeaderSize, have);
      big_filled_ = have;
      rx_.DropPrefix(kFrameHeaderSize + have);
      rx_filled_ -= kFrameHeaderSize + have;
      if (big_filled_ == header->length) {
        CompleteBig();
        continue;
      }
      reading_big_ = true;
      return;
    }
    if (rx_filled_ < total) {
      if (rx_.size() < total) (void)Rebuffer();  // the rest would not fit: move to a fresh chunk
      return;
    }
    if (ABSL_PREDICT_FALSE(budget_ != nullptr) && !budget_->TakeMessage()) {
      parse_paused_ = true;  // the frame waits in rx_ for a token
      return;
    }
    if (ABSL_PREDICT_TRUE(header->type == FrameType::kData)) {
      ++counters_.frames_in;
      HandleDataInPlace(header->length);  // consumes the frame (or closes the connection)
      continue;
    }
    rx_.DropPrefix(kFrameHeaderSize);
    ChunkLease body = rx_.SplitPrefix(header->length);
    rx_filled_ -= total;
    HandleFrame(*header, std::move(body));
  }
}

// The receive hot path: the Data header is decoded where it lies in the chunk, the
// paths resolve to the decoder table's entries (no copy until the NetMessage), and
// the payload is cut off the chunk with one reference (the bytes before it are
// dropped without any).
void Connection::HandleDataInPlace(uint32_t length) {
  if (ABSL_PREDICT_FALSE(state_ != State::kEstablished && state_ != State::kClosing)) {
    ProtocolError(absl::DataLossError("Data frame before the handshake finished"), wire::MALFORMED_FRAME);
    return;
  }
  const std::span<const uint8_t> body(rx_.segment(0).data() + kFrameHeaderSize, length);
  DataHeaderView head;
  if (absl::Status s = DecodeDataHeaderView(body, head); ABSL_PREDICT_FALSE(!s.ok())) {
    ProtocolError(Annotate(s, "malformed Data frame"), wire::MALFORMED_FRAME);
    return;
  }
  const ActorPath* receiver = nullptr;
  const ActorPath* sender = nullptr;
  if (absl::Status s = CheckAndResolve(head, receiver, sender); ABSL_PREDICT_FALSE(!s.ok())) {
    ProtocolError(s, wire::MALFORMED_FRAME);
    return;
  }
  rx_.DropPrefix(kFrameHeaderSize + head.payload_offset);
  ChunkLease payload = rx_.SplitPrefix(length - head.payload_offset);
  rx_filled_ -= kFrameHeaderSize + length;
  NetMessage message(*sender, *receiver,
                     NetData::FromChunkLease(static_cast<SerId>(head.ser_id), std::move(payload)));
  message.set_session(session_);
  ++counters_.messages_in;
  owner_.OnMessage(*this, std::move(message));
}

absl::Status Connection::CheckAndResolve(const DataHeaderView& head, const ActorPath*& receiver,
                                         const ActorPath*& sender) {
  if (ABSL_PREDICT_FALSE(head.seq != rx_seq_ + 1)) {
    return absl::DataLossError(
        absl::StrCat("Data frame with sequence number ", head.seq, ", expected ", rx_seq_ + 1));
  }
  rx_seq_ = head.seq;
  absl::Status s = rx_paths_.Resolve(head.receiver, rx_scratch_[0], receiver);
  if (ABSL_PREDICT_TRUE(s.ok())) {
    if (ABSL_PREDICT_FALSE(head.receiver.has_path && head.sender.has_path && head.receiver.id != 0 &&
                           head.receiver.id == head.sender.id)) {
      // Both define the same id: the receiver keeps the path it defined.
      rx_scratch_[0] = *receiver;
      receiver = &rx_scratch_[0];
    }
    s = rx_paths_.Resolve(head.sender, rx_scratch_[1], sender);
  }
  if (ABSL_PREDICT_FALSE(!s.ok())) return Annotate(s, "Data frame paths");
  return absl::OkStatus();
}

void Connection::HandleFrame(const FrameHeader& header, ChunkLease body) {
  ++counters_.frames_in;
  if (header.type == FrameType::kData) {
    HandleData(body.segment_count() > 0 ? body.segment(0) : std::span<const uint8_t>(), &body, nullptr);
  } else {
    HandleControl(header, body.segment_count() > 0 ? body.segment(0) : std::span<const uint8_t>());
  }
}

void Connection::HandleFrameBytes(const FrameHeader& header, std::vector<uint8_t> body) {
  ++counters_.frames_in;
  if (header.type == FrameType::kData) {
    HandleData(std::span<const uint8_t>(body), nullptr, &body);
  } else {
    HandleControl(header, body);
  }
}

void Connection::HandleData(std::span<const uint8_t> body, ChunkLease* lease, std::vector<uint8_t>* bytes) {
  if (state_ != State::kEstablished && state_ != State::kClosing) {
    ProtocolError(absl::DataLossError("Data frame before the handshake finished"), wire::MALFORMED_FRAME);
    return;
  }
  DataHeaderView head;
  if (absl::Status s = DecodeDataHeaderView(body, head); !s.ok()) {
    ProtocolError(Annotate(s, "malformed Data frame"), wire::MALFORMED_FRAME);
    return;
  }
  const ActorPath* receiver = nullptr;
  const ActorPath* sender = nullptr;
  if (absl::Status s = CheckAndResolve(head, receiver, sender); !s.ok()) {
    ProtocolError(s, wire::MALFORMED_FRAME);
    return;
  }
  NetData data;
  const SerId ser_id = static_cast<SerId>(head.ser_id);
  if (lease != nullptr) {
    lease->DropPrefix(head.payload_offset);
    data = NetData::FromChunkLease(ser_id, std::move(*lease));
  } else {
    bytes->erase(bytes->begin(), bytes->begin() + static_cast<ptrdiff_t>(head.payload_offset));
    data = NetData::FromBytes(ser_id, std::move(*bytes));
  }
  NetMessage message(*sender, *receiver, std::move(data));
  message.set_session(session_);
  ++counters_.messages_in;
  owner_.OnMessage(*this, std::move(message));
}

// ---- sending --------------------------------------------------------------------------------

absl::Status Connection::Encode(const NetMessage& message) {
  if (state_ != State::kEstablished) {
    return absl::FailedPreconditionError("the connection is not established");
  }
  const NetData& data = message.data();
  std::span<const uint8_t> payload;
  if (data.is_boxed() || data.segment_count() != 1) {
    scratch_->Reset();
    KOMPACT_RETURN_IF_ERROR(data.SerialiseTo(*scratch_));
    payload = scratch_->bytes();
  } else {
    payload = data.segment(0);
  }
  const PathEncoderTable::Ref receiver = tx_paths_.Find(message.receiver());
  const PathEncoderTable::Ref sender = tx_paths_.Find(message.sender());
  DataFrameHead head;
  head.receiver = PathRef{receiver.id, receiver.known ? nullptr : &message.receiver()};
  head.sender = PathRef{sender.id, sender.known ? nullptr : &message.sender()};
  head.ser_id = static_cast<uint64_t>(message.ser_id());
  head.seq = tx_seq_ + 1;
  KOMPACT_RETURN_IF_ERROR(AppendDataFrame(head, payload, context_.max_frame_size, out_));
  // Only now that the frame is certainly sent do its path definitions count.
  tx_paths_.Commit(receiver);
  tx_paths_.Commit(sender);
  tx_seq_ = head.seq;
  ++counters_.frames_out;
  ++counters_.messages_out;
  sent_since_tick_ = true;
  return absl::OkStatus();
}

void Connection::Flush() {
  if (!stream_ || state_ == State::kClosed || state_ == State::kConnecting) return;
  while (out_sent_ < out_.size()) {
    const iovec part{out_.data() + out_sent_, out_.size() - out_sent_};
    absl::StatusOr<size_t> n = stream_->Write(std::span<const iovec>(&part, 1));
    if (!n.ok()) {
      Finish(n.status(), false);
      return;
    }
    if (*n == 0) return;  // OnWritable continues
    out_sent_ += *n;
    counters_.bytes_out += *n;
  }
  out_.clear();
  out_sent_ = 0;
  if (bye_sent_) {
    stream_->ShutdownWrite();
    if (bye_received_) Finish(absl::OkStatus(), true);
  }
}

void Connection::OnWritable() {
  if (state_ == State::kClosed || state_ == State::kConnecting) return;
  const bool was_full = !WantsMore();
  Flush();
  if (state_ == State::kEstablished && (was_full || buffered_bytes() == 0)) owner_.OnWritable(*this);
}

// ---- liveness and closing -------------------------------------------------------------------

bool Connection::TakeReceivedSinceTick() { return std::exchange(received_since_tick_, false); }

void Connection::HeartbeatIfIdle() {
  if (state_ != State::kEstablished) return;
  const bool idle = !std::exchange(sent_since_tick_, false);
  if (idle || rx_seq_ != rx_acked_) {
    wire::Heartbeat beat;
    beat.set_acked_seq(rx_seq_);
    rx_acked_ = rx_seq_;
    AppendControl(FrameType::kHeartbeat, beat);
    sent_since_tick_ = false;
    Flush();
  }
}

void Connection::CloseGracefully(std::string_view reason) {
  if (state_ == State::kClosed || bye_sent_) return;
  if (state_ != State::kEstablished) {
    Close(absl::CancelledError(absl::StrCat("closed before the handshake finished: ", AsAbsl(reason))));
    return;
  }
  wire::Bye bye;
  bye.set_reason(std::string(reason));
  AppendControl(FrameType::kBye, bye);
  bye_sent_ = true;
  state_ = State::kClosing;
  Flush();
}

void Connection::Close(const absl::Status& why, wire::ErrorCode code) {
  if (state_ == State::kClosed) return;
  // The first reason is the one reported, also if the Error frame's write fails.
  if (!close_reason_.has_value()) close_reason_ = why;
  if (code != wire::ERROR_CODE_UNSPECIFIED && stream_ && state_ != State::kConnecting) {
    wire::Error error;
    error.set_code(code);
    error.set_reason(std::string(why.message()));
    error.set_protocol_version(kProtocolVersion);
    out_.erase(out_.begin(), out_.begin() + static_cast<ptrdiff_t>(out_sent_));
    out_sent_ = 0;
    AppendControl(FrameType::kError, error);
    Flush();  // best effort: one attempt (a failure finishes with close_reason_)
  }
  Finish(*close_reason_, false);
}

void Connection::ProtocolError(const absl::Status& why, wire::ErrorCode code) {
  protocol_error_ = true;
  KLOG(context_.logger, WARNING) << "closing the connection with " << remote_address() << " ("
                                 << remote_system_ << "): " << why;
  Close(why, code);
}

void Connection::Finish(const absl::Status& why, bool graceful) {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  rx_ = ChunkLease();
  ReleaseBig();
  budget_.reset();
  throttled_ = false;
  if (close_reason_.has_value()) {
    const absl::Status reason = *close_reason_;  // Close's reason wins over a later failure
    owner_.OnClosed(*this, reason, false);
    return;
  }
  owner_.OnClosed(*this, why, graceful);
}

}  // namespace kompact::net
