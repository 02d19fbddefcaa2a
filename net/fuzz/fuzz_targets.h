// The network decoders' fuzz targets (docs: net/fuzz/README.md; design16 §7): the
// driver logic of each libFuzzer entry point (*_fuzzer.cc), callable from gtest
// (fuzz_targets_test.cc) and from the replay binaries under Bazel.
//
//   frame        frame headers, Data headers (fast view against full decoding, and
//                re-encoding), control bodies, SystemAddress
//   connection   a net::Connection (the handshake state machine and the receive
//                path) over a FakeStream that plays the peer
//   actor_path   ActorPath text and ActorPathProto bytes, with round trips
//   system_path  SystemPath, IpAddress and IpNet text, with round trips
//
// Each Run* returns "" when every invariant holds for the input, else what broke;
// decoders must never crash, leak or read out of bounds (ASan, LSan, UBSan in the
// libFuzzer build; ASan in CI for the replay tests and the gtest).
//
// Thread-safety: every function is safe to call from several threads at once (no
// shared state). Lifetime: nothing is kept between calls.
#ifndef KOMPACT_NET_FUZZ_FUZZ_TARGETS_H_
#define KOMPACT_NET_FUZZ_FUZZ_TARGETS_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace kompact::net_fuzz {

// The fuzz targets, in the order TargetName numbers them.
enum class Target : int { kFrame = 0, kConnection = 1, kActorPath = 2, kSystemPath = 3 };
// Number of targets (Target values are 0..TargetCount()-1).
inline constexpr int kTargetCount = 4;
// "frame", "connection", "actor_path", "system_path".
std::string_view TargetName(Target target);
// The target named `name` (as TargetName prints it), if any.
std::optional<Target> TargetNamed(std::string_view name);

// Runs `target`'s checks on `data`; "" if every invariant holds, else what broke.
std::string RunTarget(Target target, std::span<const uint8_t> data);

// frame: byte 0 picks the maximum frame size, the rest is decoded as a frame (header
// and body; without a valid header, the whole rest is taken as the body). Checks:
// a decoded header re-encodes to the same 12 bytes and respects the maximum;
// DecodeDataHeaderView and DecodeDataHeader agree (ok-ness, ids, ser_id, seq,
// payload offset; the view may accept what full decoding refuses only for a bad
// path); a decoded Data header re-encodes (AppendDataFrame) to a frame that
// decodes equal, and re-encoding that is byte-identical; every control body that
// parses re-serialises and parses to the same message; a parsed SystemAddress
// converts back and forth; errors carry their documented codes.
std::string RunFrame(std::span<const uint8_t> data);

// The connection target's input layout (see RunConnection).
struct ConnectionInput {
  static constexpr uint8_t kAcceptor = 0x01;         // byte 0: accepted, else dialled
  static constexpr uint8_t kStaysOpen = 0x02;        // byte 0: no end of stream after the input
  static constexpr uint8_t kHeartbeats = 0x04;       // byte 0: HeartbeatIfIdle after every read
  static constexpr uint8_t kCloseAtEnd = 0x08;       // byte 0: CloseGracefully after the input
  static constexpr uint8_t kWriteModeShift = 4;      // byte 0 bits 4-5: WriteMode
  static constexpr uint8_t kSmallMaxFrame = 0x40;    // byte 0: max_frame_size 4 KiB, else 16 MiB
  static constexpr uint8_t kRefuseWithLimit = 0x80;  // byte 0: refusals are kResourceExhausted
  // byte 1: k - 1, the number of chunk-size entries (k = 1 + byte1 % 16), in bytes
  // 2..k+1 (FakeStream); byte k+2: Admit refuses when odd; the rest: the peer's bytes.
};

// What one connection run did (for tests that check that seeds reach deep states).
struct ConnectionRun {
  std::string problem;       // "" if every invariant held, else what broke
  bool admitted = false;     // Admit was asked and said OK
  bool established = false;  // OnEstablished was called
  bool closed = false;       // OnClosed was called
  bool graceful = false;     // ... with graceful = true
  uint64_t messages = 0;     // OnMessage calls
};

// connection: a Connection (role, write behaviour, limits and Admit's answer from
// the input, see ConnectionInput) over a FakeStream delivering the rest of the input
// as the peer's bytes, driven as a transport would (OnConnected, OnReadable until the
// stream says nothing more, OnWritable after blocked writes). Checks: OnClosed at
// most once and nothing but batch ends after it; the state only moves forward; Admit
// at most once, before OnEstablished, which comes at most once and only if admitted;
// no OnMessage before OnEstablished, each carrying the connection's session;
// receive batches balanced; a refused connection closes with the refusal; the
// connection is closed once the stream ended; every byte written is a well-formed
// frame (Hello first for a dialler; HelloAck, Error or a Bye reply first for an acceptor;
// a refusal's Error frame last) and
// nothing is written after ShutdownWrite; closed connections ignore every later call.
ConnectionRun RunConnectionDetailed(std::span<const uint8_t> data);
// RunConnectionDetailed(data).problem.
std::string RunConnection(std::span<const uint8_t> data);

// actor_path: the input as text for ActorPath::Parse, SystemPath::Named and
// ActorPath::Append, and as bytes for DecodeActorPathBytes. Checks: a parsed path
// prints as text that parses to an equal path and prints the same; a decoded path
// travels in a Data frame and decodes equal; errors are kInvalidArgument (text) and
// kDataLoss (bytes).
std::string RunActorPath(std::span<const uint8_t> data);

// system_path: the input as text for SystemPath::Parse, ParseSystemPrefix,
// IpAddress::Parse and IpNet::Parse. Checks: each parsed value prints as text that
// parses to an equal value and prints the same; a prefix parse agrees with a full
// parse of the prefix; errors are kInvalidArgument.
std::string RunSystemPath(std::span<const uint8_t> data);

}  // namespace kompact::net_fuzz

#endif  // KOMPACT_NET_FUZZ_FUZZ_TARGETS_H_
