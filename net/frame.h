// The frame codec of the wire protocol (net/proto/wire.proto, which specifies
// every byte): the fixed 12-byte frame header, control frames (protobuf bodies),
// and the hot path — Data frame headers encoded and decoded by hand, without
// allocation, exactly as protobuf would encode a DataHeader.
//
// Decoding never trusts its input: every length and varint is bounds-checked, the
// header is validated before anything of its announced size is allocated, unknown
// fields are skipped as protobuf prescribes, and every error is a status saying
// what was wrong (never a crash).
//
// Thread-safety: stateless functions.
#ifndef KOMPACT_NET_FRAME_H_
#define KOMPACT_NET_FRAME_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message_lite.h"
#include "net/proto/wire.pb.h"
#include "runtime/actor_path.h"

namespace kompact::net {

inline constexpr uint32_t kFrameMagic = 0x4B4D5054;  // every frame's first 4 bytes, as a little-endian u32
inline constexpr uint8_t kProtocolVersion = 1;       // the wire protocol version this build speaks
inline constexpr size_t kFrameHeaderSize = 12;       // bytes of the fixed frame header

// A frame's type, as wire::FrameType numbers it (Hello, HelloAck, Data, Heartbeat, Bye, Error).
enum class FrameType : uint8_t { kHello = 1, kHelloAck = 2, kData = 3, kHeartbeat = 4, kBye = 5, kError = 6 };
// "Hello", "HelloAck", "Data", "Heartbeat", "Bye", "Error"; "unknown" for any other value.
std::string_view FrameTypeName(FrameType type);

// A decoded frame header (the magic is checked, not kept).
struct FrameHeader {
  uint8_t version = kProtocolVersion;  // the sender's protocol version
  FrameType type = FrameType::kData;   // what the body is
  uint16_t flags = 0;                  // reserved (0; ignored when received)
  uint32_t length = 0;                 // body bytes after the header
};

// Writes a header into out[0, kFrameHeaderSize).
void EncodeFrameHeader(FrameType type, uint16_t flags, uint32_t length, uint8_t* out);
// Reads the first kFrameHeaderSize bytes of `bytes` (kDataLoss if fewer). Errors:
// bad magic and unknown type kDataLoss; a version other than kProtocolVersion
// kFailedPrecondition naming both versions; length > max_frame_size
// kResourceExhausted naming both numbers.
[[nodiscard]] absl::StatusOr<FrameHeader> DecodeFrameHeader(std::span<const uint8_t> bytes,
                                                            uint32_t max_frame_size);

// ---- control frames -------------------------------------------------------------------
// Appends header + `body` to `out`.
void AppendControlFrame(FrameType type, const google::protobuf::MessageLite& body, std::vector<uint8_t>& out);
// Parses a control frame's body; kDataLoss naming the type if it is malformed.
template <typename ProtoMessage>
[[nodiscard]] absl::StatusOr<ProtoMessage> ParseControlBody(std::span<const uint8_t> body) {
  ProtoMessage m;
  if (!m.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return absl::DataLossError(std::string("malformed ") + m.GetTypeName() + " body (" +
                               std::to_string(body.size()) + " bytes)");
  }
  return m;
}

// SystemPath <-> wire::SystemAddress. FromProto validates (known transport, 4 or 16
// address bytes, port <= 65535) and returns kDataLoss saying what is wrong.
wire::SystemAddress ToProto(const SystemPath& path);
// The SystemPath of a received wire::SystemAddress (see above for the errors).
[[nodiscard]] absl::StatusOr<SystemPath> FromProto(const wire::SystemAddress& address);

// ---- Data frames (hot path) --------------------------------------------------------------
// A path reference to encode: `id` != 0 with `path` defines the id; `id` alone
// refers to a defined path; `path` alone is uncompressed.
struct PathRef {
  uint32_t id = 0;                  // the compression id (0: none)
  const ActorPath* path = nullptr;  // the path to send in full (not owned), or null
};
// What a Data frame's DataHeader says (wire::DataHeader).
struct DataFrameHead {
  PathRef receiver;     // the receiving actor's path
  PathRef sender;       // the sending actor's path
  uint64_t ser_id = 0;  // the SerId of the payload's serialiser
  uint64_t seq = 0;     // the sequence number (per connection and direction: 1, 2, ...; UDP: 0)
};
// Appends frame header + varint(n) + DataHeader for a payload of payload_size bytes
// (the caller appends the payload). kResourceExhausted (out unchanged) if the frame
// would exceed max_frame_size.
// The output grows once per frame (its capacity doubling when short), and the
// bytes are written through a pointer: no per-byte capacity checks.
[[nodiscard]] absl::Status AppendDataFrameHead(const DataFrameHead& head, size_t payload_size,
                                               uint32_t max_frame_size, std::vector<uint8_t>& out);
// AppendDataFrameHead followed by the payload (one reservation for both).
[[nodiscard]] absl::Status AppendDataFrame(const DataFrameHead& head, std::span<const uint8_t> payload,
                                           uint32_t max_frame_size, std::vector<uint8_t>& out);

// ---- Data header decoding, the receive hot path --------------------------------------------
// A PathRef as received, its path not decoded: `path` are the ActorPathProto bytes
// (valid while the body they point into is), present iff `has_path`.
struct PathRefView {
  uint32_t id = 0;                // the compression id (0: none)
  bool has_path = false;          // whether the reference carried a path
  std::span<const uint8_t> path;  // the path's ActorPathProto bytes (empty unless `has_path`)
};
// A received Data frame's DataHeader, its paths not decoded (DecodeDataHeaderView).
struct DataHeaderView {
  PathRefView receiver;       // the receiving actor's path
  PathRefView sender;         // the sending actor's path
  uint64_t ser_id = 0;        // the SerId of the payload's serialiser
  uint64_t seq = 0;           // the sender's sequence number
  size_t payload_offset = 0;  // where the payload starts in the body
};
// Parses a Data frame's body (after the frame header) into `out` without
// allocating: varints are read inline, paths stay bytes (DecodeActorPathBytes
// decodes one where it is defined). The same checks and errors as
// DecodeDataHeader except those of the path bytes themselves; fields in any order,
// unknown fields skipped, a repeated field's last occurrence wins.
[[nodiscard]] absl::Status DecodeDataHeaderView(std::span<const uint8_t> body, DataHeaderView& out);
// Decodes an ActorPathProto's bytes (kDataLoss saying what is wrong).
[[nodiscard]] absl::StatusOr<ActorPath> DecodeActorPathBytes(std::span<const uint8_t> bytes);

// A received PathRef with its path decoded.
struct DecodedPathRef {
  uint32_t id = 0;                // the compression id (0: none)
  std::optional<ActorPath> path;  // the path, if the reference carried one
};
// A received Data frame's DataHeader with its paths decoded (DecodeDataHeader).
struct DecodedDataHeader {
  DecodedPathRef receiver;    // the receiving actor's path
  DecodedPathRef sender;      // the sending actor's path
  uint64_t ser_id = 0;        // the SerId of the payload's serialiser
  uint64_t seq = 0;           // the sender's sequence number
  size_t payload_offset = 0;  // where the payload starts in the body
};
// Parses a Data frame's body (after the frame header), paths decoded (tests, UDP).
// kDataLoss for anything malformed, including a ser_id that does not fit this
// build's SerId width and a reference with neither id nor path.
[[nodiscard]] absl::StatusOr<DecodedDataHeader> DecodeDataHeader(std::span<const uint8_t> body);

}  // namespace kompact::net

#endif  // KOMPACT_NET_FRAME_H_
