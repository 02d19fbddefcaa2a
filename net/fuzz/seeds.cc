#include "net/fuzz/seeds.h"

#include <array>
#include <limits>
#include <span>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"
#include "base/uuid.h"
#include "net/frame.h"
#include "net/proto/wire.pb.h"
#include "runtime/actor_path.h"
#include "runtime/system_path.h"

namespace kompact::net_fuzz {
namespace {

using net::FrameType;

constexpr std::array<uint8_t, 16> kIncarnation = {0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8,
                                                  0xA9, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF, 0xB0};

ActorPath PathOf(std::string_view text) {
  absl::StatusOr<ActorPath> p = ActorPath::Parse(text);
  return p.ok() ? *p : ActorPath();  // every text below parses (fuzz_targets_test checks the seeds)
}

SystemPath SystemOf(std::string_view text) {
  absl::StatusOr<SystemPath> p = SystemPath::Parse(text);
  return p.ok() ? *p : SystemPath();
}

void Append(std::vector<uint8_t>& out, std::span<const uint8_t> bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

std::vector<uint8_t> Bytes(std::string_view text) { return std::vector<uint8_t>(text.begin(), text.end()); }

void AppendHello(std::vector<uint8_t>& out, const SystemPath& system,
                 uint32_t version = net::kProtocolVersion) {
  net::wire::Hello hello;
  hello.set_protocol_version(version);
  *hello.mutable_system() = net::ToProto(system);
  hello.set_incarnation(kIncarnation.data(), kIncarnation.size());
  net::AppendControlFrame(FrameType::kHello, hello, out);
}

void AppendHelloAck(std::vector<uint8_t>& out, const SystemPath& system, uint64_t session) {
  net::wire::HelloAck ack;
  ack.set_protocol_version(net::kProtocolVersion);
  *ack.mutable_system() = net::ToProto(system);
  ack.set_incarnation(kIncarnation.data(), kIncarnation.size());
  ack.set_session_id(session);
  net::AppendControlFrame(FrameType::kHelloAck, ack, out);
}

void AppendHeartbeat(std::vector<uint8_t>& out, uint64_t acked) {
  net::wire::Heartbeat beat;
  beat.set_nonce(42);
  beat.set_acked_seq(acked);
  net::AppendControlFrame(FrameType::kHeartbeat, beat, out);
}

void AppendBye(std::vector<uint8_t>& out) {
  net::wire::Bye bye;
  bye.set_reason("done");
  net::AppendControlFrame(FrameType::kBye, bye, out);
}

void AppendError(std::vector<uint8_t>& out, net::wire::ErrorCode code) {
  net::wire::Error error;
  error.set_code(code);
  error.set_reason("seed error");
  error.set_protocol_version(net::kProtocolVersion);
  net::AppendControlFrame(FrameType::kError, error, out);
}

void AppendData(std::vector<uint8_t>& out, net::PathRef receiver, net::PathRef sender, uint64_t seq,
                std::span<const uint8_t> payload, uint64_t ser_id = 17) {
  net::DataFrameHead head;
  head.receiver = receiver;
  head.sender = sender;
  head.ser_id = ser_id;
  head.seq = seq;
  (void)net::AppendDataFrame(head, payload, std::numeric_limits<uint32_t>::max(), out);
}

// The paths the Data seeds use (static: PathRef points at them).
const ActorPath& Receiver() {
  static const ActorPath* p = new ActorPath(PathOf("tcp://127.0.0.1:7000/a/b"));
  return *p;
}
const ActorPath& Sender() {
  static const ActorPath* p =
      new ActorPath(PathOf("tcp://127.0.0.2:7001#1e555f40-de1d-4aee-8202-64fdc27edfa8"));
  return *p;
}
const ActorPath& Broadcast() {
  static const ActorPath* p = new ActorPath(PathOf("tcp://127.0.0.1:7000/a/b/*"));
  return *p;
}
const ActorPath& Select() {
  static const ActorPath* p = new ActorPath(PathOf("udp://[::1]:1/?"));
  return *p;
}

// The connection target's prefix: flags, k-1, k chunk-size entries, the admit byte.
std::vector<uint8_t> Prefix(uint8_t flags, std::vector<uint8_t> chunks, bool refuse) {
  std::vector<uint8_t> out = {flags, static_cast<uint8_t>(chunks.size() - 1)};
  out.insert(out.end(), chunks.begin(), chunks.end());
  out.push_back(refuse ? 1 : 0);
  return out;
}

Seed ConnectionSeed(std::string name, uint8_t flags, std::vector<uint8_t> chunks, bool refuse,
                    std::span<const uint8_t> peer) {
  Seed s{std::move(name), Prefix(flags, std::move(chunks), refuse)};
  Append(s.bytes, peer);
  return s;
}

// A Data frame seed for the frame target (byte 0 = 20: 1 MiB maximum frame size).
Seed FrameSeed(std::string name, std::vector<uint8_t> frame, uint8_t selector = 20) {
  Seed s{std::move(name), {selector}};
  Append(s.bytes, frame);
  return s;
}

std::vector<uint8_t> ActorPathProtoBytes(const ActorPath& path) {
  net::wire::ActorPathProto proto;
  *proto.mutable_system() = net::ToProto(path.system());
  if (path.is_unique()) {
    const auto id = path.id().ToBytes();
    proto.set_unique_id(id.data(), id.size());
  } else {
    net::wire::NamedSegments* named = proto.mutable_named();
    for (const std::string& segment : path.segments()) named->add_segments(segment);
  }
  return Bytes(proto.SerializeAsString());
}

}  // namespace

std::vector<uint8_t> PeerStream(bool acceptor, int data_frames) {
  std::vector<uint8_t> out;
  const SystemPath peer = SystemOf("tcp://127.0.0.2:7001");
  if (acceptor) {
    AppendHello(out, peer);
  } else {
    AppendHelloAck(out, peer, 0x1234567890ABCDEFULL);
  }
  const std::vector<uint8_t> payload = Bytes("hello, payload");
  for (int i = 1; i <= data_frames; ++i) {
    if (i == 1) {
      AppendData(out, {1, &Receiver()}, {2, &Sender()}, 1, payload);
    } else if (i % 3 == 0) {
      AppendData(out, {0, &Select()}, {2, nullptr}, static_cast<uint64_t>(i), payload);
    } else {
      AppendData(out, {1, nullptr}, {2, nullptr}, static_cast<uint64_t>(i), payload);
    }
  }
  AppendHeartbeat(out, 0);
  AppendBye(out);
  return out;
}

std::vector<Seed> Seeds(Target target) {
  std::vector<Seed> seeds;
  const SystemPath v4 = SystemOf("tcp://127.0.0.1:7000");
  const SystemPath v6 = SystemOf("udp://[::1]:1");
  const std::vector<uint8_t> payload = Bytes("payload bytes");
  switch (target) {
    case Target::kFrame: {
      std::vector<uint8_t> f;
      AppendHello(f, v4);
      seeds.push_back(FrameSeed("hello", f));
      f.clear();
      AppendHello(f, v6, 2);
      seeds.push_back(FrameSeed("hello-v6-version2", f));
      f.clear();
      AppendHelloAck(f, v4, 99);
      seeds.push_back(FrameSeed("hello-ack", f));
      f.clear();
      AppendHeartbeat(f, 7);
      seeds.push_back(FrameSeed("heartbeat", f));
      f.clear();
      AppendBye(f);
      seeds.push_back(FrameSeed("bye", f));
      f.clear();
      AppendError(f, net::wire::BLOCKED);
      seeds.push_back(FrameSeed("error-blocked", f));
      f.clear();
      AppendData(f, {1, &Receiver()}, {2, &Sender()}, 1, payload);
      seeds.push_back(FrameSeed("data-defines-ids", f));
      f.clear();
      AppendData(f, {1, nullptr}, {2, nullptr}, 2, payload);
      seeds.push_back(FrameSeed("data-ids-only", f));
      f.clear();
      AppendData(f, {0, &Broadcast()}, {0, &Select()}, 300, payload, 0xFFFFFFFF);
      seeds.push_back(FrameSeed("data-uncompressed-markers", f));
      f.clear();
      const ActorPath dead_letters = ActorPath::DeadLetterPath(v6);
      AppendData(f, {3, &dead_letters}, {4, &Sender()}, 0, {});
      seeds.push_back(FrameSeed("data-dead-letters-no-payload", f));
      f.clear();
      AppendData(f, {1, nullptr}, {2, nullptr}, 3, payload);
      seeds.push_back(FrameSeed("data-too-large-for-limit", f, 4));  // 16-byte maximum
      break;
    }
    case Target::kConnection: {
      const std::vector<uint8_t> acceptor = PeerStream(true, 4);
      const std::vector<uint8_t> dialler = PeerStream(false, 4);
      seeds.push_back(
          ConnectionSeed("acceptor-hello-data-bye", ConnectionInput::kAcceptor, {0x7F}, false, acceptor));
      seeds.push_back(ConnectionSeed("acceptor-small-chunks", ConnectionInput::kAcceptor,
                                     {0x02, 0x85, 0x10, 0x7E}, false, acceptor));
      seeds.push_back(ConnectionSeed("acceptor-refused", ConnectionInput::kAcceptor, {0x7F}, true, acceptor));
      seeds.push_back(ConnectionSeed("acceptor-refused-limit",
                                     ConnectionInput::kAcceptor | ConnectionInput::kRefuseWithLimit, {0x7F},
                                     true, acceptor));
      seeds.push_back(ConnectionSeed("acceptor-open-heartbeats",
                                     ConnectionInput::kAcceptor | ConnectionInput::kStaysOpen |
                                         ConnectionInput::kHeartbeats | ConnectionInput::kCloseAtEnd,
                                     {0x7F}, false, PeerStream(true, 2)));
      seeds.push_back(ConnectionSeed("acceptor-trickle-writes",
                                     ConnectionInput::kAcceptor | (1 << ConnectionInput::kWriteModeShift),
                                     {0x20}, false, acceptor));
      seeds.push_back(ConnectionSeed("dialler-hello-ack-data-bye", 0, {0x7F}, false, dialler));
      seeds.push_back(ConnectionSeed("dialler-chunks", 0, {0x00, 0x8F, 0x3F}, false, dialler));
      seeds.push_back(ConnectionSeed("dialler-refused", 0, {0x7F}, true, dialler));
      seeds.push_back(ConnectionSeed("dialler-never-writes", 2 << ConnectionInput::kWriteModeShift, {0x7F},
                                     false, dialler));
      seeds.push_back(ConnectionSeed("dialler-broken-writes", 3 << ConnectionInput::kWriteModeShift, {0x7F},
                                     false, dialler));
      std::vector<uint8_t> error_stream;
      AppendHelloAck(error_stream, v4, 5);
      AppendError(error_stream, net::wire::SHUTTING_DOWN);
      seeds.push_back(ConnectionSeed("dialler-peer-error", 0, {0x7F}, false, error_stream));
      std::vector<uint8_t> early_data;
      AppendData(early_data, {1, &Receiver()}, {2, &Sender()}, 1, payload);
      seeds.push_back(ConnectionSeed("acceptor-data-before-hello", ConnectionInput::kAcceptor, {0x7F}, false,
                                     early_data));
      std::vector<uint8_t> old_version;
      AppendHello(old_version, v4, 2);
      seeds.push_back(
          ConnectionSeed("acceptor-version-2", ConnectionInput::kAcceptor, {0x7F}, false, old_version));
      // A Data frame above 12 KiB takes the large-frame path (a buffer of its size).
      std::vector<uint8_t> large;
      AppendHello(large, SystemOf("tcp://127.0.0.2:7001"));
      AppendData(large, {1, &Receiver()}, {2, &Sender()}, 1, std::vector<uint8_t>(13000, 0x5A));
      AppendBye(large);
      seeds.push_back(
          ConnectionSeed("acceptor-large-frame", ConnectionInput::kAcceptor, {0x7F, 0x83}, false, large));
      seeds.push_back(ConnectionSeed("acceptor-large-frame-small-limit",
                                     ConnectionInput::kAcceptor | ConnectionInput::kSmallMaxFrame, {0x7F},
                                     false, large));
      break;
    }
    case Target::kActorPath: {
      for (std::string_view text :
           {"tcp://127.0.0.1:7000/a/b/*", "udp://[::1]:1/?",
            "tcp://1.2.3.4:8080#1e555f40-de1d-4aee-8202-64fdc27edfa8", "local://127.0.0.1:0",
            "tcp://127.0.0.1:8080/servers/server-1", "tcp://[2001:db8::1]:65535/x/y/z", "a/b/c", "group/?"}) {
        seeds.push_back(Seed{"text-" + std::to_string(seeds.size()), Bytes(text)});
      }
      const ActorPath bytes_paths[] = {Receiver(), Sender(), Broadcast(), Select(),
                                       ActorPath::DeadLetterPath(v6)};
      for (const ActorPath& p : bytes_paths) {
        seeds.push_back(Seed{"proto-" + std::to_string(seeds.size()), ActorPathProtoBytes(p)});
      }
      break;
    }
    case Target::kSystemPath: {
      for (std::string_view text :
           {"tcp://127.0.0.1:7000", "udp://[::1]:1", "local://127.0.0.1:0",
            "tcp://255.255.255.255:65535/rest", "10.0.0.0/8", "::1/128", "2001:db8::/32", "192.168.1.1",
            "fe80::1", "::ffff:1.2.3.4", "udp://[2001:db8:0:0:1:0:0:1]:9000"}) {
        seeds.push_back(Seed{"text-" + std::to_string(seeds.size()), Bytes(text)});
      }
      break;
    }
  }
  return seeds;
}

}  // namespace kompact::net_fuzz
