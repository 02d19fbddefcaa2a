#include "net/frame.h"

#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/absl_compat.h"
#include "base/uuid.h"
#include "serialisation/ser_id.h"

namespace kompact::net {
namespace {

// ---- protobuf wire format primitives ----------------------------------------------------
enum WireType : uint8_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

constexpr uint32_t Tag(uint32_t field, WireType type) { return field << 3 | type; }

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

void PutVarint(std::vector<uint8_t>& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<uint8_t>(v));
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

size_t PathRefSize(const PathRef& r) {
  size_t n = 0;
  if (r.id != 0) n += 1 + VarintSize(r.id);
  if (r.path != nullptr) {
    const size_t p = ActorPathSize(*r.path);
    n += 1 + VarintSize(p) + p;
  }
  return n;
}

void PutSystemAddress(std::vector<uint8_t>& out, const SystemPath& s) {
  if (s.transport() != kompact::Transport::kLocal) {
    PutVarint(out, Tag(1, kVarint));
    PutVarint(out, static_cast<uint64_t>(s.transport()));
  }
  const IpAddress ip = s.address();
  const std::span<const uint8_t> bytes = ip.bytes();
  PutVarint(out, Tag(2, kLengthDelimited));
  PutVarint(out, bytes.size());
  out.insert(out.end(), bytes.begin(), bytes.end());
  if (s.port() != 0) {
    PutVarint(out, Tag(3, kVarint));
    PutVarint(out, s.port());
  }
}

void PutActorPath(std::vector<uint8_t>& out, const ActorPath& p) {
  PutVarint(out, Tag(1, kLengthDelimited));
  PutVarint(out, SystemAddressSize(p.system()));
  PutSystemAddress(out, p.system());
  if (p.is_unique()) {
    PutVarint(out, Tag(2, kLengthDelimited));
    PutVarint(out, 16);
    const std::array<uint8_t, 16> id = p.id().ToBytes();
    out.insert(out.end(), id.begin(), id.end());
  } else {
    PutVarint(out, Tag(3, kLengthDelimited));
    PutVarint(out, NamedSegmentsSize(p));
    for (const std::string& seg : p.segments()) {
      PutVarint(out, Tag(1, kLengthDelimited));
      PutVarint(out, seg.size());
      out.insert(out.end(), seg.begin(), seg.end());
    }
  }
}

void PutPathRef(std::vector<uint8_t>& out, uint32_t field, const PathRef& r) {
  PutVarint(out, Tag(field, kLengthDelimited));
  PutVarint(out, PathRefSize(r));
  if (r.id != 0) {
    PutVarint(out, Tag(1, kVarint));
    PutVarint(out, r.id);
  }
  if (r.path != nullptr) {
    PutVarint(out, Tag(2, kLengthDelimited));
    PutVarint(out, ActorPathSize(*r.path));
    PutActorPath(out, *r.path);
  }
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
  wire::SystemAddress a;
  a.set_transport(static_cast<wire::Transport>(transport > 1000 ? 1000 : transport));
  a.set_ip(ip.data(), ip.size());
  a.set_port(static_cast<uint32_t>(port > 0xFFFFFFFFu ? 0xFFFFFFFFu : port));
  return FromProto(a);
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

absl::StatusOr<DecodedPathRef> DecodePathRef(std::span<const uint8_t> bytes) {
  DecodedPathRef ref;
  absl::Status s = ForEachField(bytes, [&](uint32_t n, WireType t, Reader& r, bool& handled) -> absl::Status {
    handled = true;
    if (n == 1) {
      if (absl::Status e = Expect(t, kVarint, "PathRef.id"); !e.ok()) return e;
      KOMPACT_NET_ASSIGN(v, r.Varint());
      if (v > std::numeric_limits<uint32_t>::max()) return absl::DataLossError("path id exceeds 32 bits");
      ref.id = static_cast<uint32_t>(v);
    } else if (n == 2) {
      if (absl::Status e = Expect(t, kLengthDelimited, "PathRef.path"); !e.ok()) return e;
      KOMPACT_NET_ASSIGN(v, r.LengthDelimited());
      KOMPACT_NET_ASSIGN(path, DecodeActorPath(v));
      ref.path = std::move(path);
    } else {
      handled = false;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (ref.id == 0 && !ref.path.has_value())
    return absl::DataLossError("path reference with neither id nor path");
  return ref;
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
  kompact::Transport transport;
  switch (a.transport()) {
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
      return absl::DataLossError(absl::StrCat("unknown transport ", static_cast<int>(a.transport())));
  }
  if (a.port() > 0xFFFF) return absl::DataLossError(absl::StrCat("port ", a.port(), " exceeds 65535"));
  const std::string& ip = a.ip();
  IpAddress address;
  if (ip.size() == 4) {
    address = IpAddress::V4(static_cast<uint8_t>(ip[0]), static_cast<uint8_t>(ip[1]),
                            static_cast<uint8_t>(ip[2]), static_cast<uint8_t>(ip[3]));
  } else if (ip.size() == 16) {
    std::array<uint8_t, 16> b;
    std::memcpy(b.data(), ip.data(), 16);
    address = IpAddress::V6(b);
  } else {
    return absl::DataLossError(absl::StrCat("IP address of ", ip.size(), " bytes, expected 4 or 16"));
  }
  return SystemPath(transport, address, static_cast<uint16_t>(a.port()));
}

absl::Status AppendDataFrameHead(const DataFrameHead& head, size_t payload_size, uint32_t max_frame_size,
                                 std::vector<uint8_t>& out) {
  const size_t receiver = PathRefSize(head.receiver);
  const size_t sender = PathRefSize(head.sender);
  size_t header = 1 + VarintSize(receiver) + receiver + 1 + VarintSize(sender) + sender;
  if (head.ser_id != 0) header += 1 + VarintSize(head.ser_id);
  if (head.seq != 0) header += 1 + VarintSize(head.seq);
  const size_t body = VarintSize(header) + header + payload_size;
  if (body > max_frame_size) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "a Data frame of ", body, " bytes exceeds the maximum frame size of ", max_frame_size, " bytes"));
  }
  const size_t start = out.size();
  out.resize(start + kFrameHeaderSize);
  EncodeFrameHeader(FrameType::kData, 0, static_cast<uint32_t>(body), out.data() + start);
  out.reserve(out.size() + body);
  PutVarint(out, header);
  PutPathRef(out, 1, head.receiver);
  PutPathRef(out, 2, head.sender);
  if (head.ser_id != 0) {
    PutVarint(out, Tag(3, kVarint));
    PutVarint(out, head.ser_id);
  }
  if (head.seq != 0) {
    PutVarint(out, Tag(4, kVarint));
    PutVarint(out, head.seq);
  }
  return absl::OkStatus();
}

absl::StatusOr<DecodedDataHeader> DecodeDataHeader(std::span<const uint8_t> body) {
  Reader outer(body);
  KOMPACT_NET_ASSIGN(header, outer.LengthDelimited());
  DecodedDataHeader d;
  d.payload_offset = outer.offset_from(body.data());
  bool have_receiver = false, have_sender = false;
  absl::Status s =
      ForEachField(header, [&](uint32_t n, WireType t, Reader& r, bool& handled) -> absl::Status {
        handled = true;
        if (n == 1 || n == 2) {
          if (absl::Status e =
                  Expect(t, kLengthDelimited, n == 1 ? "DataHeader.receiver" : "DataHeader.sender");
              !e.ok()) {
            return e;
          }
          KOMPACT_NET_ASSIGN(v, r.LengthDelimited());
          KOMPACT_NET_ASSIGN(ref, DecodePathRef(v));
          (n == 1 ? d.receiver : d.sender) = std::move(ref);
          (n == 1 ? have_receiver : have_sender) = true;
        } else if (n == 3 || n == 4) {
          if (absl::Status e = Expect(t, kVarint, n == 3 ? "DataHeader.ser_id" : "DataHeader.seq"); !e.ok())
            return e;
          KOMPACT_NET_ASSIGN(v, r.Varint());
          (n == 3 ? d.ser_id : d.seq) = v;
        } else {
          handled = false;
        }
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  if (!have_receiver || !have_sender) return absl::DataLossError("Data header without receiver or sender");
  if (d.ser_id > static_cast<uint64_t>(std::numeric_limits<SerId>::max())) {
    return absl::DataLossError(
        absl::StrCat("SerId ", d.ser_id, " does not fit this build's ", 8 * sizeof(SerId), "-bit SerIds"));
  }
  return d;
}

}  // namespace kompact::net
