#include "net/frame.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/absl_compat.h"
#include "base/status.h"
#include "base/uuid.h"
#include "serialisation/ser_id.h"

namespace kompact::net {
namespace {

// ---- protobuf wire format primitives ----------------------------------------------------
enum WireType : uint8_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

constexpr uint32_t Tag(uint32_t field, WireType type) { return field << 3 | type; }

// ceil(bit_width(v | 1) / 7) as protobuf computes it (floor(log2) * 9 + 73) / 64:
// 1 for v < 128, ..., 10 for v >= 2^63; no loop, no division.
inline size_t VarintSize(uint64_t v) {
  const size_t log2 = static_cast<size_t>(std::bit_width(v | 1)) - 1;
  return (log2 * 9 + 73) / 64;
}

// Writers into memory sized beforehand (the callers compute every size first and
// resize the output once, so no per-byte capacity check).
inline uint8_t* PutVarint(uint8_t* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}
inline uint8_t* PutBytes(uint8_t* p, const void* data, size_t n) {
  if (n != 0) std::memcpy(p, data, n);
  return p + n;
}

void PutLE32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint32_t GetLE32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

// Sizes of the hand-encoded messages (proto3: default scalars omitted).
size_t SystemAddressSize(const SystemPath& s) {
  size_t n = 0;
  if (s.transport() != kompact::Transport::kLocal) n += 1 + 1;  // tag + small enum varint
  const size_t ip = s.address().bytes().size();
  n += 1 + VarintSize(ip) + ip;
  if (s.port() != 0) n += 1 + VarintSize(s.port());
  return n;
}

size_t NamedSegmentsSize(const ActorPath& p) {
  size_t n = 0;
  for (const std::string& seg : p.segments()) n += 1 + VarintSize(seg.size()) + seg.size();
  return n;
}

size_t ActorPathSize(const ActorPath& p) {
  const size_t sys = SystemAddressSize(p.system());
  size_t n = 1 + VarintSize(sys) + sys;
  if (p.is_unique()) {
    n += 1 + 1 + 16;
  } else {
    const size_t named = NamedSegmentsSize(p);
    n += 1 + VarintSize(named) + named;
  }
  return n;
}

// The sizes of one PathRef, computed once per frame (a full path is walked once).
struct PathRefSizes {
  size_t path = 0;  // ActorPathProto bytes (0 without a path)
  size_t body = 0;  // PathRef bytes
};
inline PathRefSizes SizesOf(const PathRef& r) {
  PathRefSizes s;
  if (r.id != 0) s.body += 1 + VarintSize(r.id);
  if (ABSL_PREDICT_FALSE(r.path != nullptr)) {
    s.path = ActorPathSize(*r.path);
    s.body += 1 + VarintSize(s.path) + s.path;
  }
  return s;
}

uint8_t* PutSystemAddress(uint8_t* p, const SystemPath& s) {
  if (s.transport() != kompact::Transport::kLocal) {
    p = PutVarint(p, Tag(1, kVarint));
    p = PutVarint(p, static_cast<uint64_t>(s.transport()));
  }
  const IpAddress ip = s.address();
  const std::span<const uint8_t> bytes = ip.bytes();
  p = PutVarint(p, Tag(2, kLengthDelimited));
  p = PutVarint(p, bytes.size());
  p = PutBytes(p, bytes.data(), bytes.size());
  if (s.port() != 0) {
    p = PutVarint(p, Tag(3, kVarint));
    p = PutVarint(p, s.port());
  }
  return p;
}

uint8_t* PutActorPath(uint8_t* p, const ActorPath& path) {
  p = PutVarint(p, Tag(1, kLengthDelimited));
  p = PutVarint(p, SystemAddressSize(path.system()));
  p = PutSystemAddress(p, path.system());
  if (path.is_unique()) {
    p = PutVarint(p, Tag(2, kLengthDelimited));
    p = PutVarint(p, 16);
    const std::array<uint8_t, 16> id = path.id().ToBytes();
    p = PutBytes(p, id.data(), id.size());
  } else {
    p = PutVarint(p, Tag(3, kLengthDelimited));
    p = PutVarint(p, NamedSegmentsSize(path));
    for (const std::string& seg : path.segments()) {
      p = PutVarint(p, Tag(1, kLengthDelimited));
      p = PutVarint(p, seg.size());
      p = PutBytes(p, seg.data(), seg.size());
    }
  }
  return p;
}

inline uint8_t* PutPathRef(uint8_t* p, uint32_t field, const PathRef& r, const PathRefSizes& sizes) {
  p = PutVarint(p, Tag(field, kLengthDelimited));
  p = PutVarint(p, sizes.body);
  if (r.id != 0) {
    *p++ = static_cast<uint8_t>(Tag(1, kVarint));
    p = PutVarint(p, r.id);
  }
  if (ABSL_PREDICT_FALSE(r.path != nullptr)) {
    *p++ = static_cast<uint8_t>(Tag(2, kLengthDelimited));
    p = PutVarint(p, sizes.path);
    p = PutActorPath(p, *r.path);
  }
  return p;
}

// ---- decoding ---------------------------------------------------------------------------------

// A bounds-checked reader of protobuf wire format over one message's bytes.
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}
  bool done() const { return p_ == end_; }
  size_t offset_from(const uint8_t* start) const { return static_cast<size_t>(p_ - start); }
  const uint8_t* position() const { return p_; }

  absl::StatusOr<uint64_t> Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) return absl::DataLossError("truncated varint");
      const uint8_t b = *p_++;
      v |= uint64_t{b & 0x7Fu} << shift;
      if ((b & 0x80) == 0) {
        if (shift == 63 && b > 1) return absl::DataLossError("varint overflows 64 bits");
        return v;
      }
    }
    return absl::DataLossError("varint longer than 10 bytes");
  }
  absl::StatusOr<std::span<const uint8_t>> LengthDelimited() {
    absl::StatusOr<uint64_t> n = Varint();
    if (!n.ok()) return n.status();
    if (*n > static_cast<uint64_t>(end_ - p_)) {
      return absl::DataLossError(absl::StrCat("length ", *n, " exceeds the ", end_ - p_, " bytes left"));
    }
    std::span<const uint8_t> s(p_, static_cast<size_t>(*n));
    p_ += *n;
    return s;
  }
  absl::Status Skip(WireType type) {
    switch (type) {
      case kVarint:
        return Varint().status();
      case kFixed64:
        return Advance(8);
      case kFixed32:
        return Advance(4);
      case kLengthDelimited:
        return LengthDelimited().status();
    }
    return absl::DataLossError(absl::StrCat("unsupported wire type ", static_cast<int>(type)));
  }

 private:
  absl::Status Advance(size_t n) {
    if (static_cast<size_t>(end_ - p_) < n) return absl::DataLossError("truncated fixed-width field");
    p_ += n;
    return absl::OkStatus();
  }
  const uint8_t* p_;
  const uint8_t* end_;
};

#define KOMPACT_NET_ASSIGN(lhs, expr)           \
  auto lhs##_or = (expr);                       \
  if (!lhs##_or.ok()) return lhs##_or.status(); \
  auto lhs = *std::move(lhs##_or)

// Calls field(number, wire_type, reader) for each field; unknown ones are skipped
// by the callee returning kNotFound... kept simple: the callee handles or skips.
template <typename F>
absl::Status ForEachField(std::span<const uint8_t> bytes, F&& field) {
  Reader r(bytes);
  while (!r.done()) {
    KOMPACT_NET_ASSIGN(tag, r.Varint());
    const uint64_t number = tag >> 3;
    const auto type = static_cast<WireType>(tag & 7);
    if (number == 0 || number > (1u << 29))
      return absl::DataLossError(absl::StrCat("invalid field number ", number));
    if (type != kVarint && type != kFixed64 && type != kLengthDelimited && type != kFixed32) {
      return absl::DataLossError(absl::StrCat("unsupported wire type ", static_cast<int>(type)));
    }
    bool handled = false;
    absl::Status s = field(static_cast<uint32_t>(number), type, r, handled);
    if (!s.ok()) return s;
    if (!handled) {
      s = r.Skip(type);
      if (!s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

absl::Status Expect(WireType got, WireType want, std::string_view field) {
  if (got == want) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat("field ", AsAbsl(field), " has wire type ", static_cast<int>(got),
                                          ", expected ", static_cast<int>(want)));
}

// The validation of FromProto, without building a wire::SystemAddress.
absl::StatusOr<SystemPath> MakeSystemPath(uint64_t wire_transport, std::span<const uint8_t> ip,
                                          uint64_t port) {
  kompact::Transport transport;
  switch (wire_transport) {
    case wire::TRANSPORT_LOCAL:
      transport = kompact::Transport::kLocal;
      break;
    case wire::TCP:
      transport = kompact::Transport::kTcp;
      break;
    case wire::UDP:
      transport = kompact::Transport::kUdp;
      break;
    default:
      return absl::DataLossError(absl::StrCat("unknown transport ", wire_transport));
  }
  if (port > 0xFFFF) return absl::DataLossError(absl::StrCat("port ", port, " exceeds 65535"));
  IpAddress address;
  if (ip.size() == 4) {
    address = IpAddress::V4(ip[0], ip[1], ip[2], ip[3]);
  } else if (ip.size() == 16) {
    std::array<uint8_t, 16> b;
    std::memcpy(b.data(), ip.data(), 16);
    address = IpAddress::V6(b);
  } else {
    return absl::DataLossError(absl::StrCat("IP address of ", ip.size(), " bytes, expected 4 or 16"));
  }
  return SystemPath(transport, address, static_cast<uint16_t>(port));
}

absl::StatusOr<SystemPath> DecodeSystemAddress(std::span<const uint8_t> bytes) {
  uint64_t transport = 0, port = 0;
  std::span<const uint8_t> ip;
  absl::Status s = ForEachField(bytes, [&](uint32_t n, WireType t, Reader& r, bool& handled) -> absl::Status {
    handled = true;
    if (n == 1) {
      if (absl::Status e = Expect(t, kVarint, "SystemAddress.transport"); !e.ok()) return e;
      KOMPACT_NET_ASSIGN(v, r.Varint());
      transport = v;
    } else if (n == 2) {
      if (absl::Status e = Expect(t, kLengthDelimited, "SystemAddress.ip"); !e.ok()) return e;
      KOMPACT_NET_ASSIGN(v, r.LengthDelimited());
      ip = v;
    } else if (n == 3) {
      if (absl::Status e = Expect(t, kVarint, "SystemAddress.port"); !e.ok()) return e;
      KOMPACT_NET_ASSIGN(v, r.Varint());
      port = v;
    } else {
      handled = false;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return MakeSystemPath(transport > 1000 ? 1000 : transport, ip, port > 0xFFFFFFFFu ? 0xFFFFFFFFu : port);
}

absl::StatusOr<ActorPath> DecodeActorPath(std::span<const uint8_t> bytes) {
  std::optional<SystemPath> system;
  std::optional<Uuid> unique;
  bool named = false;
  std::vector<std::string> segments;
  absl::Status s = ForEachField(bytes, [&](uint32_t n, WireType t, Reader& r, bool& handled) -> absl::Status {
    handled = true;
    if (n == 1) {
      if (absl::Status e = Expect(t, kLengthDelimited, "ActorPathProto.system"); !e.ok()) return e;
      KOMPACT_NET_ASSIGN(v, r.LengthDelimited());
      KOMPACT_NET_ASSIGN(sys, DecodeSystemAddress(v));
      system = sys;
    } else if (n == 2) {
      if (absl::Status e = Expect(t, kLengthDelimited, "ActorPathProto.unique_id"); !e.ok()) return e;
      KOMPACT_NET_ASSIGN(v, r.LengthDelimited());
      if (v.size() != 16)
        return absl::DataLossError(absl::StrCat("unique id of ", v.size(), " bytes, expected 16"));
      std::array<uint8_t, 16> b;
      std::memcpy(b.data(), v.data(), 16);
      unique = Uuid::FromBytes(b);
      named = false;
    } else if (n == 3) {
      if (absl::Status e = Expect(t, kLengthDelimited, "ActorPathProto.named"); !e.ok()) return e;
      KOMPACT_NET_ASSIGN(v, r.LengthDelimited());
      named = true;
      unique.reset();
      segments.clear();
      absl::Status inner = ForEachField(v, [&](uint32_t m, WireType u, Reader& rr, bool& h) -> absl::Status {
        if (m != 1) return absl::OkStatus();
        h = true;
        if (absl::Status e = Expect(u, kLengthDelimited, "NamedSegments.segments"); !e.ok()) return e;
        KOMPACT_NET_ASSIGN(seg, rr.LengthDelimited());
        segments.emplace_back(reinterpret_cast<const char*>(seg.data()), seg.size());
        return absl::OkStatus();
      });
      if (!inner.ok()) return inner;
    } else {
      handled = false;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  const SystemPath sys = system.value_or(SystemPath());
  if (!system.has_value()) return absl::DataLossError("actor path without a system address");
  if (unique.has_value()) return ActorPath::Unique(sys, *unique);
  if (!named) return absl::DataLossError("actor path that is neither unique nor named");
  if (segments.empty()) return ActorPath::DeadLetterPath(sys);
  absl::StatusOr<ActorPath> path = ActorPath::Named(sys, std::move(segments));
  if (!path.ok()) return absl::DataLossError(absl::StrCat("invalid named path: ", path.status().message()));
  return path;
}

// ---- the Data header fast path -----------------------------------------------------------
// A tight decoder for DataHeader and PathRef: one switch on the whole tag per field,
// varints read inline (one-byte fast path), no Status built unless something is
// wrong, and paths left as bytes (decoded only where they are defined).

ABSL_ATTRIBUTE_NOINLINE absl::Status VarintError(const uint8_t* p, const uint8_t* end) {
  for (int shift = 0; shift < 64; shift += 7) {
    if (p == end) return absl::DataLossError("truncated varint");
    const uint8_t b = *p++;
    if ((b & 0x80) == 0) return absl::DataLossError("varint overflows 64 bits");
  }
  return absl::DataLossError("varint longer than 10 bytes");
}

// Reads a varint at p; nullptr if it is truncated, longer than 10 bytes or
// overflows 64 bits (VarintError says which).
ABSL_ATTRIBUTE_NOINLINE const uint8_t* GetVarintSlow(const uint8_t* p, const uint8_t* end, uint64_t& v) {
  uint64_t r = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p == end) return nullptr;
    const uint8_t b = *p++;
    r |= uint64_t{b & 0x7Fu} << shift;
    if ((b & 0x80) == 0) {
      if (shift == 63 && b > 1) return nullptr;
      v = r;
      return p;
    }
  }
  return nullptr;
}
// One- and two-byte varints (ids, SerIds below 2^14, the first 16383 sequence
// numbers) inline; longer ones in GetVarintSlow.
inline const uint8_t* GetVarint(const uint8_t* p, const uint8_t* end, uint64_t& v) {
  if (ABSL_PREDICT_TRUE(p != end)) {
    const uint8_t b0 = p[0];
    if (ABSL_PREDICT_TRUE(b0 < 0x80)) {
      v = b0;
      return p + 1;
    }
    if (end - p >= 2 && p[1] < 0x80) {
      v = (b0 & 0x7Fu) | uint64_t{p[1]} << 7;
      return p + 2;
    }
  }
  return GetVarintSlow(p, end, v);
}

ABSL_ATTRIBUTE_NOINLINE absl::Status LengthError(uint64_t n, const uint8_t* p, const uint8_t* end) {
  return absl::DataLossError(absl::StrCat("length ", n, " exceeds the ", end - p, " bytes left"));
}

// Skips a field of `tag` (whose number is not handled); the checks of ForEachField.
ABSL_ATTRIBUTE_NOINLINE absl::Status SkipField(uint64_t tag, const uint8_t*& p, const uint8_t* end) {
  const uint64_t number = tag >> 3;
  const auto type = static_cast<WireType>(tag & 7);
  if (number == 0 || number > (1u << 29))
    return absl::DataLossError(absl::StrCat("invalid field number ", number));
  if (type != kVarint && type != kFixed64 && type != kLengthDelimited && type != kFixed32) {
    return absl::DataLossError(absl::StrCat("unsupported wire type ", static_cast<int>(type)));
  }
  Reader r(std::span<const uint8_t>(p, static_cast<size_t>(end - p)));
  absl::Status s = r.Skip(type);
  if (s.ok()) p = r.position();
  return s;
}

// Reads the length of a length-delimited field at p and the bytes it covers.
inline absl::Status GetLengthDelimited(const uint8_t*& p, const uint8_t* end, std::span<const uint8_t>& out) {
  uint64_t n;
  const uint8_t* q = GetVarint(p, end, n);
  if (ABSL_PREDICT_FALSE(q == nullptr)) return VarintError(p, end);
  if (ABSL_PREDICT_FALSE(n > static_cast<uint64_t>(end - q))) return LengthError(n, q, end);
  out = std::span<const uint8_t>(q, static_cast<size_t>(n));
  p = q + n;
  return absl::OkStatus();
}

absl::Status DecodePathRefView(std::span<const uint8_t> bytes, PathRefView& ref) {
  ref = PathRefView();
  const uint8_t* p = bytes.data();
  const uint8_t* const end = p + bytes.size();
  while (p != end) {
    uint64_t tag;
    const uint8_t* q = GetVarint(p, end, tag);
    if (ABSL_PREDICT_FALSE(q == nullptr)) return VarintError(p, end);
    p = q;
    switch (tag) {
      case Tag(1, kVarint): {
        uint64_t v;
        q = GetVarint(p, end, v);
        if (ABSL_PREDICT_FALSE(q == nullptr)) return VarintError(p, end);
        if (ABSL_PREDICT_FALSE(v > std::numeric_limits<uint32_t>::max()))
          return absl::DataLossError("path id exceeds 32 bits");
        ref.id = static_cast<uint32_t>(v);
        p = q;
        break;
      }
      case Tag(2, kLengthDelimited):
        if (absl::Status s = GetLengthDelimited(p, end, ref.path); ABSL_PREDICT_FALSE(!s.ok())) return s;
        ref.has_path = true;
        break;
      default:
        if ((tag >> 3) == 1) return Expect(static_cast<WireType>(tag & 7), kVarint, "PathRef.id");
        if ((tag >> 3) == 2) return Expect(static_cast<WireType>(tag & 7), kLengthDelimited, "PathRef.path");
        if (absl::Status s = SkipField(tag, p, end); !s.ok()) return s;
    }
  }
  if (ABSL_PREDICT_FALSE(ref.id == 0 && !ref.has_path))
    return absl::DataLossError("path reference with neither id nor path");
  return absl::OkStatus();
}

}  // namespace

std::string_view FrameTypeName(FrameType type) {
  switch (type) {
    case FrameType::kHello:
      return "Hello";
    case FrameType::kHelloAck:
      return "HelloAck";
    case FrameType::kData:
      return "Data";
    case FrameType::kHeartbeat:
      return "Heartbeat";
    case FrameType::kBye:
      return "Bye";
    case FrameType::kError:
      return "Error";
  }
  return "unknown";
}

void EncodeFrameHeader(FrameType type, uint16_t flags, uint32_t length, uint8_t* out) {
  PutLE32(out, kFrameMagic);
  out[4] = kProtocolVersion;
  out[5] = static_cast<uint8_t>(type);
  out[6] = static_cast<uint8_t>(flags);
  out[7] = static_cast<uint8_t>(flags >> 8);
  PutLE32(out + 8, length);
}

absl::StatusOr<FrameHeader> DecodeFrameHeader(std::span<const uint8_t> bytes, uint32_t max_frame_size) {
  if (bytes.size() < kFrameHeaderSize) {
    return absl::DataLossError(
        absl::StrCat("frame header of ", bytes.size(), " bytes, expected ", kFrameHeaderSize));
  }
  const uint32_t magic = GetLE32(bytes.data());
  if (magic != kFrameMagic) {
    return absl::DataLossError(absl::StrFormat("bad magic 0x%08X, expected 0x%08X", magic, kFrameMagic));
  }
  FrameHeader h;
  h.version = bytes[4];
  if (h.version != kProtocolVersion) {
    return absl::FailedPreconditionError(absl::StrCat("peer speaks wire protocol version ", h.version,
                                                      ", this system speaks ", kProtocolVersion));
  }
  const uint8_t type = bytes[5];
  if (type < static_cast<uint8_t>(FrameType::kHello) || type > static_cast<uint8_t>(FrameType::kError)) {
    return absl::DataLossError(absl::StrCat("unknown frame type ", type));
  }
  h.type = static_cast<FrameType>(type);
  h.flags = static_cast<uint16_t>(bytes[6] | bytes[7] << 8);
  h.length = GetLE32(bytes.data() + 8);
  if (h.length > max_frame_size) {
    return absl::ResourceExhaustedError(absl::StrCat(AsAbsl(FrameTypeName(h.type)), " frame of ", h.length,
                                                     " bytes exceeds the maximum frame size of ",
                                                     max_frame_size, " bytes"));
  }
  return h;
}

void AppendControlFrame(FrameType type, const google::protobuf::MessageLite& body,
                        std::vector<uint8_t>& out) {
  const size_t size = body.ByteSizeLong();
  const size_t start = out.size();
  out.resize(start + kFrameHeaderSize + size);
  EncodeFrameHeader(type, 0, static_cast<uint32_t>(size), out.data() + start);
  body.SerializeWithCachedSizesToArray(out.data() + start + kFrameHeaderSize);
}

wire::SystemAddress ToProto(const SystemPath& path) {
  wire::SystemAddress a;
  a.set_transport(static_cast<wire::Transport>(path.transport()));
  const IpAddress ip = path.address();
  a.set_ip(ip.bytes().data(), ip.bytes().size());
  a.set_port(path.port());
  return a;
}

absl::StatusOr<SystemPath> FromProto(const wire::SystemAddress& a) {
  const std::string& ip = a.ip();
  const int transport = static_cast<int>(a.transport());
  return MakeSystemPath(transport < 0 ? uint64_t{1000} : static_cast<uint64_t>(transport),
                        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(ip.data()), ip.size()),
                        a.port());
}

absl::Status AppendDataFrame(const DataFrameHead& head, std::span<const uint8_t> payload,
                             uint32_t max_frame_size, std::vector<uint8_t>& out) {
  KOMPACT_RETURN_IF_ERROR(AppendDataFrameHead(head, payload.size(), max_frame_size, out));
  const size_t at = out.size();
  out.resize(at + payload.size());  // within the capacity reserved above: no reallocation
  PutBytes(out.data() + at, payload.data(), payload.size());
  return absl::OkStatus();
}

absl::Status AppendDataFrameHead(const DataFrameHead& head, size_t payload_size, uint32_t max_frame_size,
                                 std::vector<uint8_t>& out) {
  const PathRefSizes receiver = SizesOf(head.receiver);
  const PathRefSizes sender = SizesOf(head.sender);
  size_t header = 1 + VarintSize(receiver.body) + receiver.body + 1 + VarintSize(sender.body) + sender.body;
  if (head.ser_id != 0) header += 1 + VarintSize(head.ser_id);
  if (head.seq != 0) header += 1 + VarintSize(head.seq);
  const size_t head_bytes = VarintSize(header) + header;
  const size_t body = head_bytes + payload_size;
  if (ABSL_PREDICT_FALSE(body > max_frame_size)) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "a Data frame of ", body, " bytes exceeds the maximum frame size of ", max_frame_size, " bytes"));
  }
  const size_t start = out.size();
  if (out.capacity() < start + kFrameHeaderSize + body) {
    out.reserve(std::max(out.capacity() * 2, start + kFrameHeaderSize + body));
  }
  out.resize(start + kFrameHeaderSize + head_bytes);
  uint8_t* p = out.data() + start;
  EncodeFrameHeader(FrameType::kData, 0, static_cast<uint32_t>(body), p);
  p += kFrameHeaderSize;
  p = PutVarint(p, header);
  p = PutPathRef(p, 1, head.receiver, receiver);
  p = PutPathRef(p, 2, head.sender, sender);
  if (head.ser_id != 0) {
    *p++ = static_cast<uint8_t>(Tag(3, kVarint));
    p = PutVarint(p, head.ser_id);
  }
  if (head.seq != 0) {
    *p++ = static_cast<uint8_t>(Tag(4, kVarint));
    p = PutVarint(p, head.seq);
  }
  (void)p;  // == out.data() + out.size(): the sizes above are exact (frame_test checks)
  return absl::OkStatus();
}

absl::Status DecodeDataHeaderView(std::span<const uint8_t> body, DataHeaderView& d) {
  const uint8_t* p = body.data();
  const uint8_t* const end = p + body.size();
  std::span<const uint8_t> header;
  if (absl::Status s = GetLengthDelimited(p, end, header); ABSL_PREDICT_FALSE(!s.ok())) return s;
  d.ser_id = 0;
  d.seq = 0;
  d.payload_offset = static_cast<size_t>(p - body.data());
  bool have_receiver = false, have_sender = false;
  p = header.data();
  const uint8_t* const hend = p + header.size();
  while (p != hend) {
    uint64_t tag;
    const uint8_t* q = GetVarint(p, hend, tag);
    if (ABSL_PREDICT_FALSE(q == nullptr)) return VarintError(p, hend);
    p = q;
    switch (tag) {
      case Tag(1, kLengthDelimited):
      case Tag(2, kLengthDelimited): {
        std::span<const uint8_t> ref;
        if (absl::Status s = GetLengthDelimited(p, hend, ref); ABSL_PREDICT_FALSE(!s.ok())) return s;
        const bool receiver = tag == Tag(1, kLengthDelimited);
        if (absl::Status s = DecodePathRefView(ref, receiver ? d.receiver : d.sender);
            ABSL_PREDICT_FALSE(!s.ok())) {
          return s;
        }
        (receiver ? have_receiver : have_sender) = true;
        break;
      }
      case Tag(3, kVarint):
      case Tag(4, kVarint): {
        uint64_t v;
        q = GetVarint(p, hend, v);
        if (ABSL_PREDICT_FALSE(q == nullptr)) return VarintError(p, hend);
        (tag == Tag(3, kVarint) ? d.ser_id : d.seq) = v;
        p = q;
        break;
      }
      default: {
        const uint64_t number = tag >> 3;
        const auto type = static_cast<WireType>(tag & 7);
        if (number == 1) return Expect(type, kLengthDelimited, "DataHeader.receiver");
        if (number == 2) return Expect(type, kLengthDelimited, "DataHeader.sender");
        if (number == 3) return Expect(type, kVarint, "DataHeader.ser_id");
        if (number == 4) return Expect(type, kVarint, "DataHeader.seq");
        if (absl::Status s = SkipField(tag, p, hend); !s.ok()) return s;
      }
    }
  }
  if (ABSL_PREDICT_FALSE(!have_receiver || !have_sender))
    return absl::DataLossError("Data header without receiver or sender");
  if (ABSL_PREDICT_FALSE(d.ser_id > static_cast<uint64_t>(std::numeric_limits<SerId>::max()))) {
    return absl::DataLossError(
        absl::StrCat("SerId ", d.ser_id, " does not fit this build's ", 8 * sizeof(SerId), "-bit SerIds"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ActorPath> DecodeActorPathBytes(std::span<const uint8_t> bytes) {
  return DecodeActorPath(bytes);
}

absl::StatusOr<DecodedDataHeader> DecodeDataHeader(std::span<const uint8_t> body) {
  DataHeaderView view;
  KOMPACT_RETURN_IF_ERROR(DecodeDataHeaderView(body, view));
  DecodedDataHeader d;
  d.receiver.id = view.receiver.id;
  d.sender.id = view.sender.id;
  if (view.receiver.has_path) {
    KOMPACT_NET_ASSIGN(path, DecodeActorPath(view.receiver.path));
    d.receiver.path = std::move(path);
  }
  if (view.sender.has_path) {
    KOMPACT_NET_ASSIGN(path, DecodeActorPath(view.sender.path));
    d.sender.path = std::move(path);
  }
  d.ser_id = view.ser_id;
  d.seq = view.seq;
  d.payload_offset = view.payload_offset;
  return d;
}

}  // namespace kompact::net
