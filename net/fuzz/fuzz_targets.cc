#include "net/fuzz/fuzz_targets.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"
#include "base/log.h"
#include "base/uuid.h"
#include "google/protobuf/stubs/logging.h"
#include "net/connection.h"
#include "net/frame.h"
#include "net/fuzz/fake_stream.h"
#include "net/ip_net.h"
#include "net/proto/wire.pb.h"
#include "net/refusal.h"
#include "runtime/actor_path.h"
#include "runtime/net_message.h"
#include "runtime/system_path.h"
#include "serialisation/buffer_pool.h"

namespace kompact::net_fuzz {
namespace {

using net::Connection;
using net::FrameHeader;
using net::FrameType;

std::string_view AsText(std::span<const uint8_t> data) {
  return std::string_view(reinterpret_cast<const char*>(data.data()), data.size());
}

// Quotes text for a problem report (escaped, so that binary input stays readable).
std::string Quoted(std::string_view text) {
  return absl::StrCat("\"", absl::CEscape(absl::string_view(text.data(), text.size())), "\"");
}

// "" if `status` has one of `codes`, else a problem naming `what`.
std::string ExpectCode(const absl::Status& status, std::initializer_list<absl::StatusCode> codes,
                       std::string_view what) {
  if (std::find(codes.begin(), codes.end(), status.code()) != codes.end()) return "";
  return absl::StrCat(AsAbsl(what), " failed with an undocumented code: ", status.ToString());
}

// ---- frame ----------------------------------------------------------------------------------

bool SameRef(const net::DecodedPathRef& a, const net::DecodedPathRef& b) {
  return a.id == b.id && a.path.has_value() == b.path.has_value() && (!a.path || *a.path == *b.path);
}

std::string CompareDecoded(const net::DecodedDataHeader& a, const net::DecodedDataHeader& b) {
  if (!SameRef(a.receiver, b.receiver)) return "receiver differs";
  if (!SameRef(a.sender, b.sender)) return "sender differs";
  if (a.ser_id != b.ser_id) return absl::StrCat("ser_id ", a.ser_id, " vs ", b.ser_id);
  if (a.seq != b.seq) return absl::StrCat("seq ", a.seq, " vs ", b.seq);
  return "";
}

net::PathRef RefOf(const net::DecodedPathRef& ref) {
  return net::PathRef{ref.id, ref.path ? &*ref.path : nullptr};
}

// Encodes `head` and `payload` as a Data frame (no size limit).
absl::StatusOr<std::vector<uint8_t>> EncodeData(const net::DecodedDataHeader& head,
                                                std::span<const uint8_t> payload) {
  net::DataFrameHead frame;
  frame.receiver = RefOf(head.receiver);
  frame.sender = RefOf(head.sender);
  frame.ser_id = head.ser_id;
  frame.seq = head.seq;
  std::vector<uint8_t> out;
  KOMPACT_RETURN_IF_ERROR(net::AppendDataFrame(frame, payload, std::numeric_limits<uint32_t>::max(), out));
  return out;
}

// The Data header checks on `body` (see RunFrame).
std::string CheckDataHeader(std::span<const uint8_t> body) {
  net::DataHeaderView view;
  const absl::Status view_status = net::DecodeDataHeaderView(body, view);
  absl::StatusOr<net::DecodedDataHeader> full = net::DecodeDataHeader(body);
  if (!view_status.ok()) {
    if (std::string p = ExpectCode(view_status, {absl::StatusCode::kDataLoss}, "DecodeDataHeaderView");
        !p.empty()) {
      return p;
    }
    if (full.ok())
      return "DecodeDataHeaderView refuses what DecodeDataHeader accepts: " + view_status.ToString();
    return "";
  }
  if (view.payload_offset > body.size()) {
    return absl::StrCat("payload offset ", view.payload_offset, " beyond the ", body.size(), "-byte body");
  }
  if (!full.ok()) {
    // Only a path the view leaves as bytes may make full decoding fail.
    const bool bad_path = (view.receiver.has_path && !net::DecodeActorPathBytes(view.receiver.path).ok()) ||
                          (view.sender.has_path && !net::DecodeActorPathBytes(view.sender.path).ok());
    if (!bad_path) {
      return "DecodeDataHeader refuses a header whose view and paths decode: " + full.status().ToString();
    }
    return ExpectCode(full.status(), {absl::StatusCode::kDataLoss}, "DecodeDataHeader");
  }
  if (view.receiver.id != full->receiver.id || view.sender.id != full->sender.id ||
      view.receiver.has_path != full->receiver.path.has_value() ||
      view.sender.has_path != full->sender.path.has_value() || view.ser_id != full->ser_id ||
      view.seq != full->seq || view.payload_offset != full->payload_offset) {
    return "DecodeDataHeaderView and DecodeDataHeader disagree on ids, paths, ser_id, seq or payload offset";
  }
  // Re-encoding: the frame decodes to the same header and payload, and encoding that
  // again gives the same bytes.
  const std::span<const uint8_t> payload = body.subspan(full->payload_offset);
  absl::StatusOr<std::vector<uint8_t>> frame = EncodeData(*full, payload);
  if (!frame.ok()) return "a decoded Data header does not re-encode: " + frame.status().ToString();
  absl::StatusOr<FrameHeader> header = net::DecodeFrameHeader(*frame, std::numeric_limits<uint32_t>::max());
  if (!header.ok() || header->type != FrameType::kData ||
      header->length != frame->size() - net::kFrameHeaderSize) {
    return "a re-encoded Data frame has a bad frame header";
  }
  const std::span<const uint8_t> body2 = std::span<const uint8_t>(*frame).subspan(net::kFrameHeaderSize);
  absl::StatusOr<net::DecodedDataHeader> again = net::DecodeDataHeader(body2);
  if (!again.ok()) return "a re-encoded Data header does not decode: " + again.status().ToString();
  if (std::string d = CompareDecoded(*full, *again); !d.empty()) return "re-encoded Data header: " + d;
  const std::span<const uint8_t> payload2 = body2.subspan(again->payload_offset);
  if (!std::equal(payload.begin(), payload.end(), payload2.begin(), payload2.end())) {
    return "a re-encoded Data frame carries another payload";
  }
  absl::StatusOr<std::vector<uint8_t>> frame2 = EncodeData(*again, payload2);
  if (!frame2.ok() || *frame2 != *frame)
    return "Data frame encoding is not canonical (encoding a decoded frame changes its bytes)";
  return "";
}

std::string CheckSystemAddress(const net::wire::SystemAddress& address) {
  absl::StatusOr<SystemPath> path = net::FromProto(address);
  if (!path.ok()) return ExpectCode(path.status(), {absl::StatusCode::kDataLoss}, "FromProto");
  absl::StatusOr<SystemPath> back = net::FromProto(net::ToProto(*path));
  if (!back.ok() || !(*back == *path)) return "FromProto(ToProto(p)) != p for " + path->ToString();
  absl::StatusOr<SystemPath> parsed = SystemPath::Parse(path->ToString());
  if (!parsed.ok() || !(*parsed == *path)) return "a SystemAddress prints as unparseable " + path->ToString();
  return "";
}

// A control body that parses re-serialises to bytes that parse to the same message,
// and frames as a header + those bytes.
template <typename M>
std::string CheckControl(FrameType type, std::span<const uint8_t> body) {
  absl::StatusOr<M> m = net::ParseControlBody<M>(body);
  if (!m.ok()) return ExpectCode(m.status(), {absl::StatusCode::kDataLoss}, "ParseControlBody");
  const std::string bytes = m->SerializeAsString();
  const std::span<const uint8_t> span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  absl::StatusOr<M> again = net::ParseControlBody<M>(span);
  if (!again.ok() || again->SerializeAsString() != bytes) {
    return absl::StrCat(AsAbsl(net::FrameTypeName(type)), " body does not survive re-serialisation");
  }
  std::vector<uint8_t> frame;
  net::AppendControlFrame(type, *m, frame);
  absl::StatusOr<FrameHeader> header = net::DecodeFrameHeader(frame, std::numeric_limits<uint32_t>::max());
  if (!header.ok() || header->type != type || header->length != bytes.size() ||
      !std::equal(span.begin(), span.end(), frame.begin() + net::kFrameHeaderSize, frame.end())) {
    return absl::StrCat(AsAbsl(net::FrameTypeName(type)), " frame is not header + body");
  }
  if constexpr (std::is_same_v<M, net::wire::Hello> || std::is_same_v<M, net::wire::HelloAck>) {
    if (m->has_system()) return CheckSystemAddress(m->system());
  }
  return "";
}

}  // namespace

std::string RunFrame(std::span<const uint8_t> data) {
  if (data.empty()) return "";
  const google::protobuf::LogSilencer quiet;  // malformed bodies are the point here
  const uint8_t selector = data[0];
  const uint32_t max_frame_size = (selector & 0x80) != 0
                                      ? std::numeric_limits<uint32_t>::max() >> (selector & 31)
                                      : uint32_t{1} << (selector & 31);
  const std::span<const uint8_t> rest = data.subspan(1);
  std::span<const uint8_t> body = rest;
  absl::StatusOr<FrameHeader> header = net::DecodeFrameHeader(rest, max_frame_size);
  if (header.ok()) {
    if (rest.size() < net::kFrameHeaderSize) return "a frame header decoded from fewer than 12 bytes";
    if (header->length > max_frame_size) return "a frame header above the maximum frame size decoded";
    std::array<uint8_t, net::kFrameHeaderSize> again{};
    net::EncodeFrameHeader(header->type, header->flags, header->length, again.data());
    if (!std::equal(again.begin(), again.end(), rest.begin())) return "a frame header re-encodes differently";
    body = rest.subspan(net::kFrameHeaderSize,
                        std::min<size_t>(header->length, rest.size() - net::kFrameHeaderSize));
  } else {
    if (std::string p = ExpectCode(header.status(),
                                   {absl::StatusCode::kDataLoss, absl::StatusCode::kFailedPrecondition,
                                    absl::StatusCode::kResourceExhausted},
                                   "DecodeFrameHeader");
        !p.empty()) {
      return p;
    }
    if (absl::IsResourceExhausted(header.status()) &&
        !net::DecodeFrameHeader(rest, std::numeric_limits<uint32_t>::max()).ok()) {
      return "a frame header refused as too large does not decode without a limit";
    }
  }
  if (std::string p = CheckDataHeader(body); !p.empty()) return p;
  if (std::string p = CheckControl<net::wire::Hello>(FrameType::kHello, body); !p.empty()) return p;
  if (std::string p = CheckControl<net::wire::HelloAck>(FrameType::kHelloAck, body); !p.empty()) return p;
  if (std::string p = CheckControl<net::wire::Heartbeat>(FrameType::kHeartbeat, body); !p.empty()) return p;
  if (std::string p = CheckControl<net::wire::Bye>(FrameType::kBye, body); !p.empty()) return p;
  return CheckControl<net::wire::Error>(FrameType::kError, body);
}

// ---- connection -------------------------------------------------------------------------------

namespace {

// The ConnectionOwner of one run: answers Admit as the input says and records
// every broken invariant (the first one is the run's problem).
class StubOwner final : public net::ConnectionOwner {
 public:
  explicit StubOwner(std::optional<absl::Status> refusal) : refusal_(std::move(refusal)) {}

  // Checks that `c`'s state did not move backwards since the last look.
  void Observe(const Connection& c) {
    const int state = static_cast<int>(c.state());
    if (state < last_state_) Violation(absl::StrCat("state moved back from ", last_state_, " to ", state));
    last_state_ = std::max(last_state_, state);
  }
  void Violation(std::string what) {
    if (problem_.empty()) problem_ = std::move(what);
  }

  absl::Status Admit(const Connection& c) override {
    if (destroyed_) Violation("Admit from a destroyed connection");
    Observe(c);
    if (++admits_ > 1) Violation("Admit asked twice");
    if (closed_) Violation("Admit after OnClosed");
    if (c.state() != Connection::State::kHandshake) Violation("Admit outside the handshake");
    if (refusal_) return *refusal_;
    admitted_ = true;
    return absl::OkStatus();
  }
  void OnEstablished(Connection& c) override {
    if (destroyed_) Violation("OnEstablished from a destroyed connection");
    Observe(c);
    if (!admitted_) Violation("OnEstablished without an admitted Admit");
    if (established_) Violation("OnEstablished twice");
    if (closed_) Violation("OnEstablished after OnClosed");
    if (c.state() != Connection::State::kEstablished) Violation("OnEstablished in another state");
    if (c.role() == Connection::Role::kAcceptor && c.session() == 0)
      Violation("established without a session");
    established_ = true;
  }
  void OnMessage(Connection& c, NetMessage&& message) override {
    if (destroyed_) Violation("OnMessage from a destroyed connection");
    Observe(c);
    if (!established_) Violation("OnMessage before OnEstablished");
    if (closed_) Violation("OnMessage after OnClosed");
    if (c.state() != Connection::State::kEstablished && c.state() != Connection::State::kClosing) {
      Violation("OnMessage in a state without Data");
    }
    if (message.session() != c.session()) Violation("a message without the connection's session");
    ++messages_;
  }
  void OnReceiveBatchBegin(Connection& c) override {
    Observe(c);
    if (in_batch_) Violation("nested OnReceiveBatchBegin");
    in_batch_ = true;
  }
  void OnReceiveBatchEnd(Connection& c) override {
    Observe(c);
    if (!in_batch_) Violation("OnReceiveBatchEnd without Begin");
    in_batch_ = false;
  }
  void OnWritable(Connection& c) override {
    Observe(c);
    if (closed_) Violation("OnWritable after OnClosed");
  }
  void OnClosed(Connection& c, const absl::Status& why, bool graceful) override {
    if (destroyed_) Violation("OnClosed from a destroyed connection");
    Observe(c);
    if (closed_) Violation("OnClosed twice");
    if (c.state() != Connection::State::kClosed) Violation("OnClosed while not closed");
    if (graceful && !why.ok()) Violation("a graceful close with an error: " + why.ToString());
    closed_ = true;
    graceful_ = graceful;
    closed_why_ = why;
  }

  void set_destroyed() { destroyed_ = true; }
  bool in_batch() const { return in_batch_; }
  const std::optional<absl::Status>& refusal() const { return refusal_; }
  int admits() const { return admits_; }
  bool admitted() const { return admitted_; }
  bool established() const { return established_; }
  bool closed() const { return closed_; }
  bool graceful() const { return graceful_; }
  const absl::Status& closed_why() const { return closed_why_; }
  uint64_t messages() const { return messages_; }
  const std::string& problem() const { return problem_; }

 private:
  const std::optional<absl::Status> refusal_;
  int last_state_ = 0;
  int admits_ = 0;
  bool admitted_ = false;
  bool established_ = false;
  bool closed_ = false;
  bool graceful_ = false;
  bool in_batch_ = false;
  bool destroyed_ = false;
  absl::Status closed_why_;
  uint64_t messages_ = 0;
  std::string problem_;
};

// Checks what the connection wrote: whole frames with valid headers and bodies, the
// handshake's frame first. `partial_ok`: the last frame may be cut short.
std::string CheckWritten(const std::vector<uint8_t>& out, Connection::Role role, bool partial_ok,
                         const std::optional<absl::Status>& refusal) {
  std::span<const uint8_t> rest(out);
  bool first = true;
  std::optional<FrameType> last;
  net::wire::ErrorCode last_error = net::wire::ERROR_CODE_UNSPECIFIED;
  while (!rest.empty()) {
    if (rest.size() < net::kFrameHeaderSize) {
      if (partial_ok) return "";
      return "the connection wrote a partial frame header";
    }
    absl::StatusOr<FrameHeader> header = net::DecodeFrameHeader(rest, std::numeric_limits<uint32_t>::max());
    if (!header.ok()) return "the connection wrote a bad frame header: " + header.status().ToString();
    if (rest.size() - net::kFrameHeaderSize < header->length) {
      if (partial_ok) return "";
      return "the connection wrote a partial frame";
    }
    const std::span<const uint8_t> body = rest.subspan(net::kFrameHeaderSize, header->length);
    rest = rest.subspan(net::kFrameHeaderSize + header->length);
    if (first) {
      // A dialler says Hello first; an acceptor answers a Hello, refuses, or replies to a Bye.
      const bool ok = role == Connection::Role::kDialler
                          ? header->type == FrameType::kHello
                          : header->type == FrameType::kHelloAck || header->type == FrameType::kError ||
                                header->type == FrameType::kBye;
      if (!ok)
        return absl::StrCat("the connection's first frame is ", AsAbsl(net::FrameTypeName(header->type)));
      first = false;
    }
    bool parsed = true;
    switch (header->type) {
      case FrameType::kHello:
        parsed = net::ParseControlBody<net::wire::Hello>(body).ok();
        break;
      case FrameType::kHelloAck:
        parsed = net::ParseControlBody<net::wire::HelloAck>(body).ok();
        break;
      case FrameType::kHeartbeat:
        parsed = net::ParseControlBody<net::wire::Heartbeat>(body).ok();
        break;
      case FrameType::kBye:
        parsed = net::ParseControlBody<net::wire::Bye>(body).ok();
        break;
      case FrameType::kError: {
        absl::StatusOr<net::wire::Error> error = net::ParseControlBody<net::wire::Error>(body);
        parsed = error.ok();
        if (parsed) last_error = error->code();
        break;
      }
      case FrameType::kData:
        return "the connection wrote a Data frame though nothing was sent";
    }
    if (!parsed)
      return absl::StrCat("the connection wrote a malformed ", AsAbsl(net::FrameTypeName(header->type)));
    last = header->type;
  }
  if (refusal && !partial_ok) {
    const net::wire::ErrorCode expected =
        absl::IsPermissionDenied(*refusal) ? net::wire::BLOCKED : net::wire::CONNECTION_LIMIT;
    if (last != FrameType::kError || last_error != expected) {
      return "a refused connection did not end its output with the refusal's Error frame";
    }
  }
  return "";
}

}  // namespace

ConnectionRun RunConnectionDetailed(std::span<const uint8_t> data) {
  ConnectionRun run;
  const google::protobuf::LogSilencer quiet;  // malformed bodies are the point here
  if (data.size() < 2) return run;
  const uint8_t flags = data[0];
  const size_t k = 1 + data[1] % 16;
  if (data.size() < 3 + k) return run;
  const std::span<const uint8_t> chunk_sizes = data.subspan(2, k);
  const bool refuse = (data[2 + k] & 1) != 0;
  const std::span<const uint8_t> peer = data.subspan(3 + k);
  const auto write_mode = static_cast<WriteMode>((flags >> ConnectionInput::kWriteModeShift) & 3);
  const bool end_of_stream = (flags & ConnectionInput::kStaysOpen) == 0;
  const Connection::Role role =
      (flags & ConnectionInput::kAcceptor) != 0 ? Connection::Role::kAcceptor : Connection::Role::kDialler;

  BufferConfig pool_config;
  pool_config.chunk_size = 16 << 10;  // frames above 12 KiB take the large-frame path
  pool_config.initial_chunk_count = 2;
  pool_config.max_chunk_count = 64;
  absl::StatusOr<BufferPool> pool = BufferPool::Create(pool_config);
  if (!pool.ok()) {
    run.problem = "cannot create the receive pool: " + pool.status().ToString();
    return run;
  }
  net::ConnectionContext context;
  context.local_system = SystemPath(Transport::kTcp, IpAddress::V4(127, 0, 0, 1), 7000);
  context.local_incarnation = Uuid::FromBytes({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
  context.max_frame_size = (flags & ConnectionInput::kSmallMaxFrame) != 0 ? 4u << 10 : 16u << 20;
  context.receive_pool = &*pool;
  context.logger = Logger().WithLevel(LogLevel::kFatal);  // protocol errors are expected here

  std::optional<absl::Status> refusal;
  if (refuse) {
    refusal = (flags & ConnectionInput::kRefuseWithLimit) != 0
                  ? net::RefusalError(net::RefusalReason::kPendingLimit, "refused by the fuzz input (limit)")
                  : net::RefusalError(net::RefusalReason::kIdentityNotAllowed, "refused by the fuzz input");
  }
  StubOwner owner(refusal);
  auto owned_stream = std::make_unique<FakeStream>(peer, chunk_sizes, end_of_stream, write_mode);
  FakeStream* const stream = owned_stream.get();
  std::unique_ptr<Connection> connection;
  if (role == Connection::Role::kAcceptor) {
    connection = Connection::Accepted(context, owner, std::move(owned_stream));
    if (stream->handler() != connection.get())
      owner.Violation("an accepted connection is not its stream's handler");
  } else {
    connection =
        Connection::Dialled(context, owner, SystemPath(Transport::kTcp, IpAddress::V4(127, 0, 0, 2), 7001));
    owner.Observe(*connection);
    stream->SetHandler(connection.get());  // as Transport::Dial does
    connection->Attach(std::move(owned_stream));
    stream->handler()->OnConnected(absl::OkStatus());
  }
  Connection& c = *connection;
  owner.Observe(c);
  if (c.state() != Connection::State::kHandshake && !c.closed())
    owner.Violation("not in the handshake at start");

  // As the transport would: OnReadable until the stream has nothing more, OnWritable
  // after a blocked write. Each OnReadable reads up to the next "nothing now", so
  // the bound is never reached by a connection that keeps reading.
  const size_t bound = peer.size() + k + 4;
  size_t step = 0;
  for (; step < bound && !c.closed(); ++step) {
    stream->handler()->OnReadable();
    owner.Observe(c);
    if (c.closed()) break;
    if (stream->TakeWriteBlocked()) {
      stream->handler()->OnWritable();
      owner.Observe(c);
    }
    if ((flags & ConnectionInput::kHeartbeats) != 0 && !c.closed()) {
      (void)c.TakeReceivedSinceTick();
      c.HeartbeatIfIdle();
      owner.Observe(c);
    }
    if (stream->end_reported() || (stream->drained() && !end_of_stream) || c.stalled()) break;
  }
  if (owner.in_batch()) owner.Violation("a receive batch was not ended");
  if (!c.closed() && stream->end_reported()) owner.Violation("the stream ended but the connection is open");
  if (!c.closed() && !stream->drained() && !c.stalled()) {
    owner.Violation(absl::StrCat("the connection stopped reading after ", step, " rounds, before the end"));
  }
  if ((flags & ConnectionInput::kCloseAtEnd) != 0 && !c.closed()) {
    c.CloseGracefully("the fuzz input ended");
    owner.Observe(c);
    stream->handler()->OnReadable();
    owner.Observe(c);
  }
  if (owner.closed() && !c.closed()) owner.Violation("OnClosed was called but the connection is open");
  if (c.closed() && !owner.closed()) owner.Violation("closed without OnClosed");

  // Refusals: never established, closed with the refusal (its reason intact), also
  // over a broken stream, where Connection::Close's best-effort Error frame fails:
  // the first close reason is the one reported.
  if (refusal && owner.admits() > 0) {
    if (!owner.closed()) {
      owner.Violation("a refused connection is open");
    } else if (owner.closed_why().code() != refusal->code() ||
               net::RefusalOf(owner.closed_why()) != net::RefusalOf(*refusal)) {
      owner.Violation("a refused connection closed with another status: " + owner.closed_why().ToString());
    }
  }
  if (c.counters().messages_in != owner.messages())
    owner.Violation("messages_in differs from OnMessage calls");
  if (stream->wrote_after_shutdown()) owner.Violation("a Write after ShutdownWrite");
  const bool refused = refusal && owner.admits() > 0;
  if (std::string p = CheckWritten(stream->written(), role, write_mode != WriteMode::kAll,
                                   refused && write_mode == WriteMode::kAll ? refusal : std::nullopt);
      !p.empty()) {
    owner.Violation(p);
  }

  // A closed connection ignores everything that follows.
  if (c.closed()) {
    const uint64_t messages = owner.messages();
    const size_t written = stream->written().size();
    stream->handler()->OnReadable();
    stream->handler()->OnWritable();
    c.HeartbeatIfIdle();
    c.CloseGracefully("again");
    c.Close(absl::CancelledError("again"), net::wire::SHUTTING_DOWN);
    owner.Observe(c);
    if (owner.messages() != messages || stream->written().size() != written) {
      owner.Violation("a closed connection still reads or writes");
    }
  }
  owner.set_destroyed();
  connection.reset();
  run.problem = owner.problem();
  run.admitted = owner.admitted();
  run.established = owner.established();
  run.closed = owner.closed();
  run.graceful = owner.graceful();
  run.messages = owner.messages();
  return run;
}

std::string RunConnection(std::span<const uint8_t> data) { return RunConnectionDetailed(data).problem; }

// ---- actor_path -------------------------------------------------------------------------------

namespace {

// A parsed path prints as text that parses to an equal path, printing the same.
std::string CheckPathRoundTrip(const ActorPath& path, std::string_view what) {
  const std::string text = path.ToString();
  absl::StatusOr<ActorPath> again = ActorPath::Parse(text);
  if (!again.ok()) {
    return absl::StrCat(AsAbsl(what), " prints as ", Quoted(text),
                        ", which does not parse: ", again.status().ToString());
  }
  if (!(*again == path))
    return absl::StrCat(AsAbsl(what), " prints as ", Quoted(text), ", which parses to another path");
  if (again->ToString() != text) return absl::StrCat(AsAbsl(what), " prints differently after a round trip");
  return "";
}

}  // namespace

std::string RunActorPath(std::span<const uint8_t> data) {
  const std::string_view text = AsText(data);
  absl::StatusOr<ActorPath> parsed = ActorPath::Parse(text);
  if (parsed.ok()) {
    if (std::string p = CheckPathRoundTrip(*parsed, "ActorPath::Parse(" + Quoted(text) + ")"); !p.empty())
      return p;
    absl::StatusOr<ActorPath> appended = parsed->Append("x/y");
    if (appended.ok()) {
      if (std::string p = CheckPathRoundTrip(*appended, "an appended path"); !p.empty()) return p;
    }
  } else if (std::string p =
                 ExpectCode(parsed.status(), {absl::StatusCode::kInvalidArgument}, "ActorPath::Parse");
             !p.empty()) {
    return p;
  }
  // The text as a relative lookup path on a system, and appended to a named path.
  const SystemPath system(Transport::kUdp, IpAddress::V4(10, 0, 0, 1), 9000);
  absl::StatusOr<ActorPath> named = system.Named(text);
  if (named.ok()) {
    if (std::string p = CheckPathRoundTrip(*named, "SystemPath::Named(" + Quoted(text) + ")"); !p.empty())
      return p;
    absl::StatusOr<ActorPath> base = system.Named("base");
    absl::StatusOr<ActorPath> appended = base.ok() ? base->Append(text) : base.status();
    if (!appended.ok())
      return "Named accepts " + Quoted(text) + " but Append refuses it: " + appended.status().ToString();
    if (std::string p = CheckPathRoundTrip(*appended, "an appended path"); !p.empty()) return p;
  } else if (std::string p =
                 ExpectCode(named.status(), {absl::StatusCode::kInvalidArgument}, "SystemPath::Named");
             !p.empty()) {
    return p;
  }
  // The bytes as an ActorPathProto: a decoded path travels in a Data frame unchanged.
  absl::StatusOr<ActorPath> decoded = net::DecodeActorPathBytes(data);
  if (!decoded.ok())
    return ExpectCode(decoded.status(), {absl::StatusCode::kDataLoss}, "DecodeActorPathBytes");
  if (std::string p = CheckPathRoundTrip(*decoded, "a decoded ActorPathProto"); !p.empty()) return p;
  net::DataFrameHead head;
  head.receiver = net::PathRef{0, &*decoded};
  head.sender = net::PathRef{7, &*decoded};
  head.ser_id = 1;
  head.seq = 1;
  std::vector<uint8_t> frame;
  if (absl::Status s = net::AppendDataFrame(head, {}, std::numeric_limits<uint32_t>::max(), frame); !s.ok()) {
    return "a decoded path does not encode: " + s.ToString();
  }
  absl::StatusOr<net::DecodedDataHeader> back =
      net::DecodeDataHeader(std::span<const uint8_t>(frame).subspan(net::kFrameHeaderSize));
  if (!back.ok()) return "a decoded path's Data frame does not decode: " + back.status().ToString();
  if (!back->receiver.path || !(*back->receiver.path == *decoded) || !back->sender.path ||
      !(*back->sender.path == *decoded) || back->sender.id != 7) {
    return "a decoded path changes on its way through a Data frame";
  }
  return "";
}

// ---- system_path ------------------------------------------------------------------------------

namespace {

// Parse(v.ToString()) == v and prints the same, for any type with Parse/ToString/==.
template <typename T>
std::string CheckValueRoundTrip(const T& value, std::string_view what) {
  const std::string text = value.ToString();
  absl::StatusOr<T> again = T::Parse(text);
  if (!again.ok()) {
    return absl::StrCat(AsAbsl(what), " prints as ", Quoted(text),
                        ", which does not parse: ", again.status().ToString());
  }
  if (!(*again == value))
    return absl::StrCat(AsAbsl(what), " prints as ", Quoted(text), ", which parses to another value");
  if (again->ToString() != text) return absl::StrCat(AsAbsl(what), " prints differently after a round trip");
  return "";
}

}  // namespace

std::string RunSystemPath(std::span<const uint8_t> data) {
  const std::string_view text = AsText(data);
  absl::StatusOr<SystemPath> system = SystemPath::Parse(text);
  if (system.ok()) {
    if (std::string p = CheckValueRoundTrip(*system, "SystemPath::Parse(" + Quoted(text) + ")"); !p.empty())
      return p;
  } else if (std::string p =
                 ExpectCode(system.status(), {absl::StatusCode::kInvalidArgument}, "SystemPath::Parse");
             !p.empty()) {
    return p;
  }
  std::string_view rest;
  absl::StatusOr<SystemPath> prefix = runtime_internal::ParseSystemPrefix(text, rest);
  if (prefix.ok()) {
    if (rest.size() > text.size() || text.substr(text.size() - rest.size()) != rest) {
      return "ParseSystemPrefix's rest is not a suffix of " + Quoted(text);
    }
    const std::string_view head = text.substr(0, text.size() - rest.size());
    absl::StatusOr<SystemPath> whole = SystemPath::Parse(head);
    if (!whole.ok() || !(*whole == *prefix)) {
      return "ParseSystemPrefix(" + Quoted(text) + ") reads a prefix that SystemPath::Parse reads otherwise";
    }
    if (rest.empty() != system.ok())
      return "ParseSystemPrefix and SystemPath::Parse disagree on " + Quoted(text);
  } else if (std::string p =
                 ExpectCode(prefix.status(), {absl::StatusCode::kInvalidArgument}, "ParseSystemPrefix");
             !p.empty()) {
    return p;
  } else if (system.ok()) {
    return "SystemPath::Parse accepts " + Quoted(text) + " but ParseSystemPrefix refuses it";
  }
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(text);
  if (ip.ok()) {
    if (std::string p = CheckValueRoundTrip(*ip, "IpAddress::Parse(" + Quoted(text) + ")"); !p.empty())
      return p;
    const std::string bracketed = ip->is_v4() ? ip->ToString() : absl::StrCat("[", ip->ToString(), "]");
    absl::StatusOr<SystemPath> with_ip = SystemPath::Parse(absl::StrCat("tcp://", bracketed, ":1"));
    if (!with_ip.ok() || !(with_ip->address() == *ip))
      return "a parsed IP address does not make a system path";
  } else if (std::string p =
                 ExpectCode(ip.status(), {absl::StatusCode::kInvalidArgument}, "IpAddress::Parse");
             !p.empty()) {
    return p;
  }
  absl::StatusOr<net::IpNet> ip_net = net::IpNet::Parse(text);
  if (ip_net.ok()) {
    if (std::string p = CheckValueRoundTrip(*ip_net, "IpNet::Parse(" + Quoted(text) + ")"); !p.empty())
      return p;
    if (!ip_net->Contains(ip_net->address())) return "an IpNet does not contain its own address";
  } else if (std::string p =
                 ExpectCode(ip_net.status(), {absl::StatusCode::kInvalidArgument}, "IpNet::Parse");
             !p.empty()) {
    return p;
  }
  // Extension point: IdentityPattern::Parse and the pin parser (SYSTEM=IDENTITY) join
  // here, each with its print/parse round trip, once net/tls defines them (design16 §7.5).
  return "";
}

// ---- dispatch ----------------------------------------------------------------------------------

std::string_view TargetName(Target target) {
  switch (target) {
    case Target::kFrame:
      return "frame";
    case Target::kConnection:
      return "connection";
    case Target::kActorPath:
      return "actor_path";
    case Target::kSystemPath:
      return "system_path";
  }
  return "unknown";
}

std::optional<Target> TargetNamed(std::string_view name) {
  for (int t = 0; t < kTargetCount; ++t) {
    if (TargetName(static_cast<Target>(t)) == name) return static_cast<Target>(t);
  }
  return std::nullopt;
}

std::string RunTarget(Target target, std::span<const uint8_t> data) {
  switch (target) {
    case Target::kFrame:
      return RunFrame(data);
    case Target::kConnection:
      return RunConnection(data);
    case Target::kActorPath:
      return RunActorPath(data);
    case Target::kSystemPath:
      return RunSystemPath(data);
  }
  return "unknown target";
}

}  // namespace kompact::net_fuzz
