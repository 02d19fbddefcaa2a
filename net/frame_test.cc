// Tests of the frame codec against the wire specification (net/proto/wire.proto):
// control frames, hand-encoded Data headers checked against the generated
// protobuf classes in both directions, header validation and hostile input.
#include "net/frame.h"

#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "net/proto/wire.pb.h"
#include "runtime/actor_path.h"
#include "serialisation/ser_id.h"
#include "testing/status_matchers.h"

namespace kompact::net {
namespace {

using ::kompact::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr uint32_t kMaxFrame = 16 << 20;

// ---- helpers --------------------------------------------------------------------------------

uint64_t TestSeed() {
  if (const char* env = std::getenv("KOMPACT_TEST_SEED"); env != nullptr && *env != '\0') {
    return std::strtoull(env, nullptr, 10);
  }
  return std::random_device{}() * uint64_t{0x9E3779B97F4A7C15} ^ std::random_device{}();
}

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Reads the varint at the start of `bytes`: (value, bytes used).
std::pair<uint64_t, size_t> ReadVarint(std::span<const uint8_t> bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes.size() && i < 10; ++i) {
    v |= uint64_t{bytes[i] & 0x7Fu} << (7 * i);
    if ((bytes[i] & 0x80) == 0) return {v, i + 1};
  }
  ADD_FAILURE() << "no complete varint";
  return {0, 0};
}

std::span<const uint8_t> AsBytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// A Data frame body as the generated class would write it: varint(n) | header | payload.
std::string BodyFromProto(const wire::DataHeader& header, std::string_view payload) {
  const std::string h = header.SerializeAsString();
  std::string body;
  PutVarint(body, h.size());
  body += h;
  body += payload;
  return body;
}

const SystemPath kTcpSystem(kompact::Transport::kTcp, IpAddress::V4(10, 1, 2, 3), 7000);
const SystemPath kUdpV6System(kompact::Transport::kUdp,
                              IpAddress::V6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42}),
                              65535);

ActorPath NamedPath(const SystemPath& system, std::vector<std::string> segments) {
  absl::StatusOr<ActorPath> p = ActorPath::Named(system, std::move(segments));
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *p : ActorPath();
}

SystemPath RandomSystem(std::mt19937_64& rng) {
  const kompact::Transport transport = rng() % 2 == 0 ? kompact::Transport::kTcp : kompact::Transport::kUdp;
  IpAddress ip;
  if (rng() % 2 == 0) {
    ip = IpAddress::V4(static_cast<uint8_t>(rng()), static_cast<uint8_t>(rng()), static_cast<uint8_t>(rng()),
                       static_cast<uint8_t>(rng()));
  } else {
    std::array<uint8_t, 16> b;
    for (uint8_t& x : b) x = static_cast<uint8_t>(rng());
    ip = IpAddress::V6(b);
  }
  const uint16_t port = rng() % 8 == 0 ? 0 : static_cast<uint16_t>(rng());
  return SystemPath(transport, ip, port);
}

ActorPath RandomPath(std::mt19937_64& rng) {
  static constexpr std::string_view kChars = "abcdefghijklmnopqrstuvwxyz0123456789_-";
  const SystemPath system = RandomSystem(rng);
  switch (rng() % 5) {
    case 0:
      return ActorPath::DeadLetterPath(system);
    case 1:
    case 2:
      return ActorPath::Unique(system, Uuid(rng(), rng()));
    default: {
      std::vector<std::string> segments(1 + rng() % 4);
      for (std::string& s : segments) {
        const size_t n = 1 + rng() % 12;
        for (size_t i = 0; i < n; ++i) s.push_back(kChars[rng() % kChars.size()]);
      }
      return NamedPath(system, std::move(segments));
    }
  }
}

uint64_t RandomSerId(std::mt19937_64& rng) {
  const uint64_t max = std::numeric_limits<SerId>::max();
  switch (rng() % 4) {
    case 0:
      return 0;
    case 1:
      return max;
    default:
      return max == std::numeric_limits<uint64_t>::max() ? rng() >> (rng() % 64) : rng() % (max + 1);
  }
}

uint64_t RandomSeq(std::mt19937_64& rng) {
  switch (rng() % 4) {
    case 0:
      return 0;
    case 1:
      return 1 + rng() % 1000;
    default:
      return rng() >> (rng() % 64);
  }
}

// Fills `path` (nullptr or the path to attach) and returns the id of a random reference
// that has an id, a path or both.
uint32_t RandomRef(std::mt19937_64& rng, bool& with_path) {
  const uint32_t id = rng() % 3 == 0 ? 0 : static_cast<uint32_t>(1 + rng() % 4096);
  with_path = id == 0 || rng() % 2 == 0;
  return id;
}

// ---- comparisons with the generated classes ------------------------------------------------

void ExpectAddressEq(const wire::SystemAddress& a, const SystemPath& s) {
  EXPECT_EQ(a.transport(), static_cast<int>(s.transport())) << s;
  const IpAddress ip = s.address();
  EXPECT_EQ(a.ip(), std::string(reinterpret_cast<const char*>(ip.bytes().data()), ip.bytes().size())) << s;
  EXPECT_EQ(a.port(), s.port()) << s;
}

void ExpectActorPathEq(const wire::ActorPathProto& proto, const ActorPath& path) {
  ASSERT_TRUE(proto.has_system()) << path;
  ExpectAddressEq(proto.system(), path.system());
  if (path.is_unique()) {
    ASSERT_EQ(proto.kind_case(), wire::ActorPathProto::kUniqueId) << path;
    const std::array<uint8_t, 16> id = path.id().ToBytes();
    EXPECT_EQ(proto.unique_id(), std::string(reinterpret_cast<const char*>(id.data()), id.size())) << path;
  } else {
    ASSERT_EQ(proto.kind_case(), wire::ActorPathProto::kNamed) << path;
    ASSERT_EQ(proto.named().segments_size(), static_cast<int>(path.segments().size())) << path;
    for (size_t i = 0; i < path.segments().size(); ++i) {
      EXPECT_EQ(proto.named().segments(static_cast<int>(i)), path.segments()[i]) << path;
    }
  }
}

void ExpectPathRefEq(const wire::PathRef& proto, const PathRef& ref) {
  EXPECT_EQ(proto.id(), ref.id);
  ASSERT_EQ(proto.has_path(), ref.path != nullptr);
  if (ref.path != nullptr) ExpectActorPathEq(proto.path(), *ref.path);
}

void ExpectDecodedRefEq(const DecodedPathRef& decoded, const PathRef& ref) {
  EXPECT_EQ(decoded.id, ref.id);
  ASSERT_EQ(decoded.path.has_value(), ref.path != nullptr);
  if (ref.path != nullptr) {
    EXPECT_EQ(*decoded.path, *ref.path);
  }
}

wire::ActorPathProto ToWire(const ActorPath& path) {
  wire::ActorPathProto p;
  *p.mutable_system() = ToProto(path.system());
  if (path.is_unique()) {
    const std::array<uint8_t, 16> id = path.id().ToBytes();
    p.set_unique_id(id.data(), id.size());
  } else {
    wire::NamedSegments* named = p.mutable_named();
    for (const std::string& s : path.segments()) named->add_segments(s);
  }
  return p;
}

wire::PathRef ToWire(const PathRef& ref) {
  wire::PathRef p;
  p.set_id(ref.id);
  if (ref.path != nullptr) *p.mutable_path() = ToWire(*ref.path);
  return p;
}

wire::DataHeader ToWire(const DataFrameHead& head) {
  wire::DataHeader h;
  *h.mutable_receiver() = ToWire(head.receiver);
  *h.mutable_sender() = ToWire(head.sender);
  h.set_ser_id(head.ser_id);
  h.set_seq(head.seq);
  return h;
}

// Encodes `head` + `payload` with AppendDataFrameHead and checks the frame header.
std::vector<uint8_t> EncodeDataFrame(const DataFrameHead& head, std::string_view payload) {
  std::vector<uint8_t> out;
  const absl::Status s = AppendDataFrameHead(head, payload.size(), kMaxFrame, out);
  EXPECT_OK(s);
  out.insert(out.end(), payload.begin(), payload.end());
  // AppendDataFrame (the connection's one-reservation form) writes the same bytes,
  // also after bytes already in the vector.
  std::vector<uint8_t> one = {0xAB};
  EXPECT_OK(AppendDataFrame(head, AsBytes(std::string(payload)), kMaxFrame, one));
  EXPECT_EQ(std::vector<uint8_t>(one.begin() + 1, one.end()), out);
  return out;
}

// Checks that the view decoder agrees with DecodeDataHeader on `body`.
void ExpectViewAgrees(std::span<const uint8_t> body) {
  DataHeaderView v;
  const absl::Status sv = DecodeDataHeaderView(body, v);
  absl::StatusOr<DecodedDataHeader> d = DecodeDataHeader(body);
  if (!sv.ok()) {
    EXPECT_EQ(sv.code(), absl::StatusCode::kDataLoss) << sv;
    EXPECT_FALSE(d.ok()) << "the view refused what the full decoder accepted: " << sv;
    return;
  }
  EXPECT_LE(v.payload_offset, body.size());
  if (!d.ok()) return;  // only a path's bytes were bad (the view does not decode them)
  EXPECT_EQ(v.payload_offset, d->payload_offset);
  EXPECT_EQ(v.ser_id, d->ser_id);
  EXPECT_EQ(v.seq, d->seq);
  EXPECT_EQ(v.receiver.id, d->receiver.id);
  EXPECT_EQ(v.sender.id, d->sender.id);
  EXPECT_EQ(v.receiver.has_path, d->receiver.path.has_value());
  EXPECT_EQ(v.sender.has_path, d->sender.path.has_value());
  if (v.receiver.has_path) {
    ASSERT_OK_AND_ASSIGN(ActorPath p, DecodeActorPathBytes(v.receiver.path));
    EXPECT_EQ(p, *d->receiver.path);
  }
}

// Checks that `frame` (header + body) is what the generated class says `head` is.
void ExpectFrameMatchesProto(const std::vector<uint8_t>& frame, const DataFrameHead& head,
                             std::string_view payload) {
  ASSERT_OK_AND_ASSIGN(FrameHeader fh, DecodeFrameHeader(frame, kMaxFrame));
  EXPECT_EQ(fh.type, FrameType::kData);
  EXPECT_EQ(fh.version, kProtocolVersion);
  EXPECT_EQ(fh.flags, 0);
  ASSERT_EQ(fh.length, frame.size() - kFrameHeaderSize);
  const std::span<const uint8_t> body = std::span(frame).subspan(kFrameHeaderSize);
  const auto [n, used] = ReadVarint(body);
  ASSERT_GT(used, 0u);
  ASSERT_LE(used + n, body.size());
  wire::DataHeader parsed;
  ASSERT_TRUE(parsed.ParseFromArray(body.data() + used, static_cast<int>(n)));
  ExpectPathRefEq(parsed.receiver(), head.receiver);
  ExpectPathRefEq(parsed.sender(), head.sender);
  EXPECT_EQ(parsed.ser_id(), head.ser_id);
  EXPECT_EQ(parsed.seq(), head.seq);
  // Byte for byte what protobuf writes (fields in number order, defaults omitted).
  const char* chars = reinterpret_cast<const char*>(body.data());
  EXPECT_EQ(std::string(chars + used, n), ToWire(head).SerializeAsString());
  EXPECT_EQ(std::string(chars + used + n, body.size() - used - n), payload);

  ExpectViewAgrees(body);
  ASSERT_OK_AND_ASSIGN(DecodedDataHeader d, DecodeDataHeader(body));
  EXPECT_EQ(d.payload_offset, used + n);
  ExpectDecodedRefEq(d.receiver, head.receiver);
  ExpectDecodedRefEq(d.sender, head.sender);
  EXPECT_EQ(d.ser_id, head.ser_id);
  EXPECT_EQ(d.seq, head.seq);
}

// Checks that a body written by the generated class decodes to `head`.
void ExpectProtoBodyDecodes(const DataFrameHead& head, std::string_view payload) {
  const std::string body = BodyFromProto(ToWire(head), payload);
  ASSERT_OK_AND_ASSIGN(DecodedDataHeader d, DecodeDataHeader(AsBytes(body)));
  EXPECT_EQ(d.payload_offset, body.size() - payload.size());
  ExpectDecodedRefEq(d.receiver, head.receiver);
  ExpectDecodedRefEq(d.sender, head.sender);
  EXPECT_EQ(d.ser_id, head.ser_id);
  EXPECT_EQ(d.seq, head.seq);
}

// A few valid Data frame bodies of different shapes.
std::vector<std::string> SampleBodies() {
  static const ActorPath unique = ActorPath::Unique(kTcpSystem, Uuid(0x0123456789ABCDEF, 0xFEDCBA9876543210));
  static const ActorPath named = NamedPath(kUdpV6System, {"servers", "db-1", "shard_7"});
  static const ActorPath dead = ActorPath::DeadLetterPath(kTcpSystem);
  std::vector<std::string> bodies;
  for (const DataFrameHead& head : {
           DataFrameHead{{1, nullptr}, {2, nullptr}, 7, 1},
           DataFrameHead{{3, &unique}, {0, &named}, std::numeric_limits<SerId>::max(), 123456789},
           DataFrameHead{{0, &dead}, {4096, &unique}, 0, 0},
       }) {
    const std::vector<uint8_t> frame = EncodeDataFrame(head, "payload!");
    bodies.emplace_back(frame.begin() + kFrameHeaderSize, frame.end());
  }
  return bodies;
}

// ---- control frames -------------------------------------------------------------------------

TEST(ControlFrameTest, EveryControlFrameKindRoundTripsThroughHeaderAndBody) {
  wire::Hello hello;
  hello.set_protocol_version(1);
  hello.set_capabilities(0x8000000000000005);
  *hello.mutable_system() = ToProto(kTcpSystem);
  hello.set_incarnation(std::string(16, '\x5a'));
  wire::HelloAck ack;
  ack.set_protocol_version(1);
  ack.set_capabilities(3);
  *ack.mutable_system() = ToProto(kUdpV6System);
  ack.set_incarnation(std::string(16, '\x01'));
  ack.set_session_id(0xDEADBEEFCAFEF00D);
  wire::Heartbeat heartbeat;
  heartbeat.set_nonce(987654321);
  wire::Bye bye;
  bye.set_reason("shutting down");
  wire::Error error;
  error.set_code(wire::FRAME_TOO_LARGE);
  error.set_reason("frame of 99 bytes");
  error.set_protocol_version(1);

  std::vector<uint8_t> out;
  AppendControlFrame(FrameType::kHello, hello, out);
  AppendControlFrame(FrameType::kHelloAck, ack, out);
  AppendControlFrame(FrameType::kHeartbeat, heartbeat, out);
  AppendControlFrame(FrameType::kBye, bye, out);
  AppendControlFrame(FrameType::kError, error, out);

  std::span<const uint8_t> rest(out);
  auto next = [&](FrameType want) -> std::span<const uint8_t> {
    absl::StatusOr<FrameHeader> h = DecodeFrameHeader(rest, kMaxFrame);
    EXPECT_OK(h.status());
    if (!h.ok()) return {};
    EXPECT_EQ(h->type, want) << FrameTypeName(want);
    EXPECT_EQ(h->version, kProtocolVersion);
    EXPECT_EQ(h->flags, 0);
    EXPECT_LE(kFrameHeaderSize + h->length, rest.size());
    const std::span<const uint8_t> body = rest.subspan(kFrameHeaderSize, h->length);
    rest = rest.subspan(kFrameHeaderSize + h->length);
    return body;
  };

  ASSERT_OK_AND_ASSIGN(wire::Hello h2, ParseControlBody<wire::Hello>(next(FrameType::kHello)));
  EXPECT_EQ(h2.protocol_version(), 1u);
  EXPECT_EQ(h2.capabilities(), 0x8000000000000005u);
  ExpectAddressEq(h2.system(), kTcpSystem);
  EXPECT_EQ(h2.incarnation(), hello.incarnation());

  ASSERT_OK_AND_ASSIGN(wire::HelloAck a2, ParseControlBody<wire::HelloAck>(next(FrameType::kHelloAck)));
  EXPECT_EQ(a2.protocol_version(), 1u);
  EXPECT_EQ(a2.capabilities(), 3u);
  ExpectAddressEq(a2.system(), kUdpV6System);
  EXPECT_EQ(a2.incarnation(), ack.incarnation());
  EXPECT_EQ(a2.session_id(), 0xDEADBEEFCAFEF00Du);

  ASSERT_OK_AND_ASSIGN(wire::Heartbeat hb2, ParseControlBody<wire::Heartbeat>(next(FrameType::kHeartbeat)));
  EXPECT_EQ(hb2.nonce(), 987654321u);

  ASSERT_OK_AND_ASSIGN(wire::Bye b2, ParseControlBody<wire::Bye>(next(FrameType::kBye)));
  EXPECT_EQ(b2.reason(), "shutting down");

  ASSERT_OK_AND_ASSIGN(wire::Error e2, ParseControlBody<wire::Error>(next(FrameType::kError)));
  EXPECT_EQ(e2.code(), wire::FRAME_TOO_LARGE);
  EXPECT_EQ(e2.reason(), "frame of 99 bytes");
  EXPECT_EQ(e2.protocol_version(), 1u);

  EXPECT_TRUE(rest.empty()) << rest.size() << " bytes left over";
}

TEST(ControlFrameTest, MalformedControlBodyIsDataLossNamingTheType) {
  const uint8_t garbage[] = {0x0A, 0x05, 0x01};  // field 1, length 5, only 1 byte
  EXPECT_THAT(ParseControlBody<wire::Hello>(garbage).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("Hello")));
}

// ---- Data frames vs the generated classes ---------------------------------------------------

TEST(DataFrameTest, IdsOnlyHeaderMatchesGeneratedDataHeader) {
  const DataFrameHead head{{1, nullptr}, {2, nullptr}, 42, 1};
  ExpectFrameMatchesProto(EncodeDataFrame(head, "12345678"), head, "12345678");
}

TEST(DataFrameTest, UniqueAndNamedPathsMatchGeneratedDataHeader) {
  const ActorPath unique = ActorPath::Unique(kTcpSystem, Uuid(0x0123456789ABCDEF, 0xFEDCBA9876543210));
  const ActorPath named = NamedPath(kUdpV6System, {"servers", "db-1", "shard_7"});
  const DataFrameHead head{{17, &unique}, {0, &named}, std::numeric_limits<SerId>::max(), 1u << 20};
  ExpectFrameMatchesProto(EncodeDataFrame(head, "payload"), head, "payload");
}

TEST(DataFrameTest, DeadLetterPathAndEmptyPayloadMatchGeneratedDataHeader) {
  const ActorPath dead = ActorPath::DeadLetterPath(kTcpSystem);
  const ActorPath local = ActorPath::Unique(SystemPath(), Uuid(1, 2));  // transport 0 and port 0 omitted
  const DataFrameHead head{{0, &dead}, {4096, &local}, 0, 0};
  ExpectFrameMatchesProto(EncodeDataFrame(head, ""), head, "");
}

TEST(DataFrameTest, GeneratedDataHeaderDecodesToTheSameValues) {
  const ActorPath unique = ActorPath::Unique(kUdpV6System, Uuid(~uint64_t{0}, 7));
  const ActorPath named = NamedPath(kTcpSystem, {"a"});
  ExpectProtoBodyDecodes({{5, &named}, {6, &unique}, 3, 99}, "xyz");
  ExpectProtoBodyDecodes({{5, nullptr}, {6, nullptr}, 0, 0}, "");
}

TEST(DataFrameTest, FrameTooLargeIsResourceExhaustedAndLeavesOutputUnchanged) {
  std::vector<uint8_t> out = {1, 2, 3};
  const DataFrameHead head{{1, nullptr}, {2, nullptr}, 1, 1};
  EXPECT_THAT(AppendDataFrameHead(head, 2000, 1024, out), StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_EQ(out, (std::vector<uint8_t>{1, 2, 3}));
  EXPECT_OK(AppendDataFrameHead(head, 1000, 1024, out));
}

class RandomisedTest : public ::testing::Test {
 protected:
  RandomisedTest() : seed_(TestSeed()), rng_(seed_) {}
  const uint64_t seed_;
  std::mt19937_64 rng_;
};

TEST_F(RandomisedTest, RandomHeadersRoundTripBothWaysThroughTheGeneratedClass) {
  SCOPED_TRACE(::testing::Message() << "seed " << seed_ << " (rerun with KOMPACT_TEST_SEED=" << seed_ << ")");
  for (int i = 0; i < 3000; ++i) {
    SCOPED_TRACE(::testing::Message() << "iteration " << i);
    const ActorPath receiver = RandomPath(rng_);
    const ActorPath sender = RandomPath(rng_);
    bool receiver_path = false, sender_path = false;
    DataFrameHead head;
    head.receiver.id = RandomRef(rng_, receiver_path);
    head.receiver.path = receiver_path ? &receiver : nullptr;
    head.sender.id = RandomRef(rng_, sender_path);
    head.sender.path = sender_path ? &sender : nullptr;
    head.ser_id = RandomSerId(rng_);
    head.seq = RandomSeq(rng_);
    const std::string payload(rng_() % 40, static_cast<char>(rng_()));
    ExpectFrameMatchesProto(EncodeDataFrame(head, payload), head, payload);
    ExpectProtoBodyDecodes(head, payload);
    if (HasFatalFailure() || HasNonfatalFailure()) return;
  }
}

// ---- frame header errors --------------------------------------------------------------------

std::array<uint8_t, kFrameHeaderSize> ValidHeader() {
  std::array<uint8_t, kFrameHeaderSize> h;
  EncodeFrameHeader(FrameType::kHeartbeat, 0, 10, h.data());
  return h;
}

TEST(FrameHeaderTest, ValidHeaderDecodes) {
  std::array<uint8_t, kFrameHeaderSize> h;
  EncodeFrameHeader(FrameType::kBye, 0xBEEF, 1234, h.data());
  ASSERT_OK_AND_ASSIGN(FrameHeader d, DecodeFrameHeader(h, kMaxFrame));
  EXPECT_EQ(d.type, FrameType::kBye);
  EXPECT_EQ(d.flags, 0xBEEF);
  EXPECT_EQ(d.length, 1234u);
  EXPECT_EQ(d.version, kProtocolVersion);
  // Magic as a little-endian "KMPT" u32.
  EXPECT_EQ(std::string(h.begin(), h.begin() + 4), "TPMK");
}

TEST(FrameHeaderTest, BadMagicIsDataLoss) {
  std::array<uint8_t, kFrameHeaderSize> h = ValidHeader();
  h[0] ^= 0x01;
  EXPECT_THAT(DecodeFrameHeader(h, kMaxFrame).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("magic")));
}

TEST(FrameHeaderTest, OtherVersionIsFailedPreconditionNamingBothVersions) {
  std::array<uint8_t, kFrameHeaderSize> h = ValidHeader();
  h[4] = 2;
  EXPECT_THAT(DecodeFrameHeader(h, kMaxFrame).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, AllOf(HasSubstr("2"), HasSubstr("1"))));
}

TEST(FrameHeaderTest, UnknownTypeIsDataLoss) {
  for (uint8_t type : {0, 7, 255}) {
    std::array<uint8_t, kFrameHeaderSize> h = ValidHeader();
    h[5] = type;
    EXPECT_THAT(DecodeFrameHeader(h, kMaxFrame).status(), StatusIs(absl::StatusCode::kDataLoss))
        << static_cast<int>(type);
  }
}

TEST(FrameHeaderTest, LengthAboveMaximumIsResourceExhausted) {
  std::array<uint8_t, kFrameHeaderSize> h;
  EncodeFrameHeader(FrameType::kData, 0, 1025, h.data());
  EXPECT_THAT(DecodeFrameHeader(h, 1024).status(),
              StatusIs(absl::StatusCode::kResourceExhausted, AllOf(HasSubstr("1025"), HasSubstr("1024"))));
  EncodeFrameHeader(FrameType::kData, 0, 1024, h.data());
  EXPECT_OK(DecodeFrameHeader(h, 1024).status());
}

TEST(FrameHeaderTest, FewerThanTwelveBytesIsDataLoss) {
  const std::array<uint8_t, kFrameHeaderSize> h = ValidHeader();
  for (size_t n = 0; n < kFrameHeaderSize; ++n) {
    EXPECT_THAT(DecodeFrameHeader(std::span(h).first(n), kMaxFrame).status(),
                StatusIs(absl::StatusCode::kDataLoss))
        << n << " bytes";
  }
}

// ---- robustness -----------------------------------------------------------------------------

TEST(DataHeaderRobustnessTest, EveryTruncationIsAnErrorOrStaysInBounds) {
  for (const std::string& body : SampleBodies()) {
    const std::span<const uint8_t> bytes = AsBytes(body);
    ASSERT_OK(DecodeDataHeader(bytes).status());
    size_t ok = 0;
    for (size_t n = 0; n <= bytes.size(); ++n) {
      // A copy of exactly n bytes, so that ASan sees any read past the end.
      const std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + n);
      ExpectViewAgrees(prefix);
      absl::StatusOr<DecodedDataHeader> d = DecodeDataHeader(prefix);
      if (d.ok()) {
        ++ok;
        EXPECT_LE(d->payload_offset, n);
      } else {
        EXPECT_EQ(d.status().code(), absl::StatusCode::kDataLoss) << d.status();
      }
    }
    // Only prefixes that cut into the payload (8 bytes) keep the header whole.
    EXPECT_EQ(ok, 9u);
  }
}

TEST_F(RandomisedTest, RandomGarbageNeverCrashes) {
  SCOPED_TRACE(::testing::Message() << "seed " << seed_ << " (rerun with KOMPACT_TEST_SEED=" << seed_ << ")");
  const std::vector<std::string> samples = SampleBodies();
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> body(rng_() % 65);
    for (uint8_t& b : body) b = static_cast<uint8_t>(rng_());
    if (i % 2 == 1 && !body.empty()) {
      // Half of them: a valid body with a few bytes changed (gets past the first length).
      const std::string& s = samples[rng_() % samples.size()];
      body.assign(s.begin(), s.end());
      const int changes = 1 + static_cast<int>(rng_() % 3);
      for (int k = 0; k < changes; ++k) body[rng_() % body.size()] = static_cast<uint8_t>(rng_());
    }
    ExpectViewAgrees(body);
    absl::StatusOr<DecodedDataHeader> d = DecodeDataHeader(body);
    if (d.ok()) {
      ASSERT_LE(d->payload_offset, body.size()) << "iteration " << i;
    } else {
      ASSERT_EQ(d.status().code(), absl::StatusCode::kDataLoss) << "iteration " << i << ": " << d.status();
    }
  }
}

TEST(DataHeaderRobustnessTest, SerIdAboveTheSerIdWidthIsDataLoss) {
  wire::DataHeader h;
  h.mutable_receiver()->set_id(1);
  h.mutable_sender()->set_id(2);
  if constexpr (sizeof(SerId) < sizeof(uint64_t)) {
    h.set_ser_id(uint64_t{std::numeric_limits<SerId>::max()} + 1);
    EXPECT_THAT(DecodeDataHeader(AsBytes(BodyFromProto(h, ""))).status(),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("SerId")));
  } else {
    // 64-bit SerIds: every ser_id fits.
    h.set_ser_id(std::numeric_limits<uint64_t>::max());
    ASSERT_OK_AND_ASSIGN(DecodedDataHeader d, DecodeDataHeader(AsBytes(BodyFromProto(h, ""))));
    EXPECT_EQ(d.ser_id, std::numeric_limits<uint64_t>::max());
  }
  h.set_ser_id(std::numeric_limits<SerId>::max());
  EXPECT_OK(DecodeDataHeader(AsBytes(BodyFromProto(h, ""))).status());
}

TEST(DataHeaderRobustnessTest, UnknownFieldsAreSkipped) {
  const ActorPath unique = ActorPath::Unique(kTcpSystem, Uuid(11, 12));
  const DataFrameHead head{{3, &unique}, {4, nullptr}, 5, 6};
  const std::string known = ToWire(head).SerializeAsString();
  std::string unknown;
  PutVarint(unknown, 9 << 3 | 0);  // field 9, varint
  PutVarint(unknown, 300);
  PutVarint(unknown, 10 << 3 | 2);  // field 10, length-delimited
  PutVarint(unknown, 3);
  unknown += "abc";
  PutVarint(unknown, 11 << 3 | 1);  // field 11, fixed64
  unknown += std::string(8, '\x7f');
  PutVarint(unknown, 12 << 3 | 5);  // field 12, fixed32
  unknown += std::string(4, '\x7f');
  const std::string header = unknown + known + unknown;
  // The generated class agrees that it is the same header.
  wire::DataHeader check;
  ASSERT_TRUE(check.ParseFromString(header));
  EXPECT_EQ(check.receiver().id(), 3u);

  std::string body;
  PutVarint(body, header.size());
  body += header;
  body += "PL";
  ASSERT_OK_AND_ASSIGN(DecodedDataHeader d, DecodeDataHeader(AsBytes(body)));
  EXPECT_EQ(d.payload_offset, body.size() - 2);
  ExpectDecodedRefEq(d.receiver, head.receiver);
  ExpectDecodedRefEq(d.sender, head.sender);
  EXPECT_EQ(d.ser_id, 5u);
  EXPECT_EQ(d.seq, 6u);
}

TEST(DataHeaderRobustnessTest, ReferenceWithNeitherIdNorPathIsDataLoss) {
  wire::DataHeader h;
  h.mutable_receiver();  // present but empty
  h.mutable_sender()->set_id(2);
  EXPECT_THAT(DecodeDataHeader(AsBytes(BodyFromProto(h, ""))).status(),
              StatusIs(absl::StatusCode::kDataLoss));
}

// ---- SystemPath <-> SystemAddress -----------------------------------------------------------

TEST(SystemAddressTest, ValidAddressesRoundTrip) {
  for (const SystemPath& s : {kTcpSystem, kUdpV6System, SystemPath()}) {
    ASSERT_OK_AND_ASSIGN(SystemPath back, FromProto(ToProto(s)));
    EXPECT_EQ(back, s);
  }
}

TEST(SystemAddressTest, FromProtoRejectsInvalidAddressesWithDataLoss) {
  wire::SystemAddress a = ToProto(kTcpSystem);
  a.set_ip("12345");
  EXPECT_THAT(FromProto(a).status(), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("5 bytes")));
  a = ToProto(kTcpSystem);
  a.set_port(70000);
  EXPECT_THAT(FromProto(a).status(), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("70000")));
  a = ToProto(kTcpSystem);
  a.set_transport(static_cast<wire::Transport>(7));
  EXPECT_THAT(FromProto(a).status(), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("7")));
}

}  // namespace
}  // namespace kompact::net
