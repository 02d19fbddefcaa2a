// Path values: parsing, printing, validation, hashing and serialisers. Sending by
// path lives in path_sending.cc.
#include "runtime/actor_path.h"

#include <arpa/inet.h>

#include <bit>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"

namespace kompact {
namespace {

constexpr uint64_t kHashMul = 0x9E3779B97F4A7C15ULL;

uint64_t LoadLittle64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

absl::Status PathError(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("invalid actor path \"", AsAbsl(text), "\": ", AsAbsl(why)));
}

// Why `segment` (at `index` of `count`) is invalid, or "" if it is fine.
std::string SegmentProblem(std::string_view segment, size_t index, size_t count, bool allow_marker) {
  auto describe = [&](std::string_view why) {
    return absl::StrCat("segment ", index, " (\"", AsAbsl(segment), "\") ", AsAbsl(why));
  };
  if (segment.empty()) return describe("is empty");
  if (segment.size() == 1 && (segment[0] == kBroadcastMarker || segment[0] == kSelectMarker)) {
    if (!allow_marker) {
      return describe("is a routing marker; markers may be sent to but never registered");
    }
    if (index + 1 != count) return describe("is a routing marker, allowed only as the last segment");
    return "";
  }
  for (char c : segment) {
    switch (c) {
      case kPathSeparator:
        return describe("contains '/'");
      case kUniquePathSeparator:
        return describe("contains '#'");
      case kBroadcastMarker:
      case kSelectMarker:
        return describe(
            absl::StrCat("contains '", std::string(1, c), "'; a routing marker must be a whole segment"));
      default:
        break;
    }
  }
  return "";
}

absl::Status ValidatePath(std::span<const std::string> segments, bool lookup) {
  for (size_t i = 0; i < segments.size(); ++i) {
    std::string problem = SegmentProblem(segments[i], i, segments.size(), lookup);
    if (!problem.empty()) return absl::InvalidArgumentError(problem);
  }
  return absl::OkStatus();
}

absl::StatusOr<Transport> ParseTransport(std::string_view name) {
  if (name == "local") return Transport::kLocal;
  if (name == "tcp") return Transport::kTcp;
  if (name == "udp") return Transport::kUdp;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown transport \"", AsAbsl(name), "\" (expected local, tcp or udp)"));
}

// Parses "<transport>://<address>:<port>" at the start of `text`; `rest` receives
// what follows the port.
absl::StatusOr<SystemPath> ParseSystemPrefix(std::string_view text, std::string_view& rest) {
  const size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    return PathError(text, "missing \"://\" after the transport (e.g. tcp://1.2.3.4:8080)");
  }
  absl::StatusOr<Transport> transport = ParseTransport(text.substr(0, scheme_end));
  if (!transport.ok()) return PathError(text, AsStd(transport.status().message()));
  std::string_view authority = text.substr(scheme_end + 3);
  std::string_view host;
  std::string_view after_host;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return PathError(text, "IPv6 address without closing ']'");
    host = authority.substr(1, close - 1);
    after_host = authority.substr(close + 1);
    if (after_host.empty() || after_host.front() != ':') {
      return PathError(text, "missing ':<port>' after the address");
    }
    after_host.remove_prefix(1);
  } else {
    const size_t end = authority.find_first_of("/#");
    const std::string_view host_port = authority.substr(0, end);
    const size_t colon = host_port.rfind(':');
    if (colon == std::string_view::npos) return PathError(text, "missing ':<port>' after the address");
    host = host_port.substr(0, colon);
    if (host.find(':') != std::string_view::npos) {
      return PathError(text, "an IPv6 address must be written in brackets, e.g. tcp://[::1]:8080");
    }
    after_host = authority.substr(colon + 1);
  }
  if (host.empty()) return PathError(text, "missing address");
  absl::StatusOr<IpAddress> address = IpAddress::Parse(host);
  if (!address.ok()) return PathError(text, AsStd(address.status().message()));
  const size_t port_end = std::min(after_host.find_first_of("/#"), after_host.size());
  const std::string_view port_text = after_host.substr(0, port_end);
  if (port_text.empty() || port_text.size() > 5) {
    return PathError(text, absl::StrCat("port \"", AsAbsl(port_text), "\" is not a number from 0 to 65535"));
  }
  uint32_t port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9') {
      return PathError(text,
                       absl::StrCat("port \"", AsAbsl(port_text), "\" is not a number from 0 to 65535"));
    }
    port = port * 10 + static_cast<uint32_t>(c - '0');
  }
  if (port > 65535) {
    return PathError(text, absl::StrCat("port ", port, " is out of range (0 to 65535)"));
  }
  rest = after_host.substr(port_end);
  return SystemPath(*transport, *address, static_cast<uint16_t>(port));
}

}  // namespace

// ---- hashing ---------------------------------------------------------------------------------

uint64_t StableHashBytes(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t n = bytes.size();
  uint64_t h = (static_cast<uint64_t>(n) + 1) * kHashMul;
  while (n >= 8) {
    h = (h ^ StableHashMix(LoadLittle64(p))) * kHashMul;
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  for (size_t i = 0; i < n; ++i) tail |= static_cast<uint64_t>(p[i]) << (8 * i);
  h = (h ^ StableHashMix(tail ^ (static_cast<uint64_t>(n) << 56))) * kHashMul;
  return StableHashMix(h);
}

// ---- Transport and IpAddress -----------------------------------------------------------------

std::string_view TransportName(Transport transport) {
  switch (transport) {
    case Transport::kLocal:
      return "local";
    case Transport::kTcp:
      return "tcp";
    case Transport::kUdp:
      return "udp";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& os, Transport transport) { return os << TransportName(transport); }

IpAddress IpAddress::V6(const std::array<uint8_t, 16>& bytes) {
  IpAddress ip;
  ip.bytes_ = bytes;
  ip.family_ = Family::kV6;
  return ip;
}

absl::StatusOr<IpAddress> IpAddress::Parse(std::string_view text) {
  // inet_pton needs a terminated string; addresses are short.
  char buffer[64];
  if (text.size() >= sizeof(buffer)) {
    return absl::InvalidArgumentError(absl::StrCat("address \"", AsAbsl(text), "\" is too long"));
  }
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  std::array<uint8_t, 16> bytes{};
  if (text.find(':') == std::string_view::npos) {
    if (inet_pton(AF_INET, buffer, bytes.data()) == 1) return V4(bytes[0], bytes[1], bytes[2], bytes[3]);
    return absl::InvalidArgumentError(absl::StrCat(
        "address \"", AsAbsl(text), "\" is not an IPv4 address (dotted decimal, e.g. 10.0.0.1)"));
  }
  if (inet_pton(AF_INET6, buffer, bytes.data()) == 1) return V6(bytes);
  return absl::InvalidArgumentError(absl::StrCat("address \"", AsAbsl(text), "\" is not an IPv6 address"));
}

std::string IpAddress::ToString() const {
  char buffer[INET6_ADDRSTRLEN];
  const char* out = inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes_.data(), buffer, sizeof(buffer));
  return out != nullptr ? std::string(out) : std::string("<bad address>");
}

// ---- SystemPath --------------------------------------------------------------------------------

absl::StatusOr<SystemPath> SystemPath::Parse(std::string_view text) {
  std::string_view rest;
  absl::StatusOr<SystemPath> system = ParseSystemPrefix(text, rest);
  if (!system.ok()) return system.status();
  if (!rest.empty()) {
    return PathError(text, absl::StrCat("unexpected \"", AsAbsl(rest), "\" after the port of a system path"));
  }
  return system;
}

void SystemPath::AppendTo(std::string& out) const {
  absl::StrAppend(&out, AsAbsl(TransportName(transport())), "://");
  const IpAddress address = this->address();
  if (address.is_v4()) {
    absl::StrAppend(&out, address.ToString());
  } else {
    absl::StrAppend(&out, "[", address.ToString(), "]");
  }
  absl::StrAppend(&out, ":", port());
}

std::string SystemPath::ToString() const {
  std::string out;
  AppendTo(out);
  return out;
}

IpAddress SystemPath::address() const {
  std::array<uint8_t, 16> bytes{};
  for (int i = 0; i < 8; ++i) {
    bytes[static_cast<size_t>(i)] = static_cast<uint8_t>(address_[0] >> (8 * i));
    bytes[static_cast<size_t>(8 + i)] = static_cast<uint8_t>(address_[1] >> (8 * i));
  }
  if (static_cast<IpAddress::Family>((meta_ >> 24) & 0xFF) == IpAddress::Family::kV4) {
    return IpAddress::V4(bytes[0], bytes[1], bytes[2], bytes[3]);
  }
  return IpAddress::V6(bytes);
}

std::strong_ordering operator<=>(const SystemPath& a, const SystemPath& b) {
  if (auto c = a.transport() <=> b.transport(); c != 0) return c;
  if (auto c = a.address() <=> b.address(); c != 0) return c;
  return a.port() <=> b.port();
}

uint64_t SystemPath::StableHash() const {
  // Independent of the in-memory layout: transport, family, port, address bytes.
  const IpAddress address = this->address();
  uint64_t h = StableHashMix(static_cast<uint64_t>(transport()) << 40 |
                             static_cast<uint64_t>(address.family()) << 32 | port());
  const std::span<const uint8_t> b = address.bytes();
  return StableHashMix(h ^
                       StableHashBytes(std::string_view(reinterpret_cast<const char*>(b.data()), b.size())));
}

ActorPath SystemPath::Unique(const Uuid& id) const { return ActorPath::Unique(*this, id); }

absl::StatusOr<ActorPath> SystemPath::Named(std::string_view relative) const {
  return ActorPath::Named(*this, SplitPath(relative));
}

std::ostream& operator<<(std::ostream& os, const SystemPath& path) { return os << path.ToString(); }

// ---- segments ------------------------------------------------------------------------------------

std::vector<std::string> SplitPath(std::string_view relative) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t slash = relative.find(kPathSeparator, start);
    out.emplace_back(
        relative.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

absl::Status ValidateLookupPath(std::span<const std::string> segments) {
  return ValidatePath(segments, true);
}

absl::Status ValidateInsertPath(std::span<const std::string> segments) {
  if (segments.empty()) return absl::InvalidArgumentError("an empty path cannot be registered");
  return ValidatePath(segments, false);
}

// ---- ActorPath ----------------------------------------------------------------------------------

ActorPath ActorPath::MakeNamed(const SystemPath& system, std::vector<std::string> segments) {
  if (segments.empty()) return ActorPath(system, SegmentsRef());
  return ActorPath(system, SegmentsRef(Segments::Make(std::move(segments))));
}

absl::StatusOr<ActorPath> ActorPath::Named(const SystemPath& system, std::vector<std::string> segments) {
  absl::Status valid = ValidateLookupPath(segments);
  if (!valid.ok()) return valid;
  return MakeNamed(system, std::move(segments));
}

absl::StatusOr<ActorPath> ActorPath::Parse(std::string_view text) {
  std::string_view rest;
  absl::StatusOr<SystemPath> system = ParseSystemPrefix(text, rest);
  if (!system.ok()) return system.status();
  if (rest.empty()) return MakeNamed(*system, {});
  if (rest.front() == kUniquePathSeparator) {
    absl::StatusOr<Uuid> id = Uuid::Parse(rest.substr(1));
    if (!id.ok()) {
      return PathError(text, absl::StrCat("the id after '#' is not a UUID: ", id.status().message()));
    }
    return Unique(*system, *id);
  }
  // rest starts with '/'.
  std::vector<std::string> segments = SplitPath(rest.substr(1));
  absl::Status valid = ValidateLookupPath(segments);
  if (!valid.ok()) return PathError(text, AsStd(valid.message()));
  return MakeNamed(*system, std::move(segments));
}

ActorPath::Segments* ActorPath::Segments::Make(std::vector<std::string> names) {
  static_assert(alignof(std::string) <= alignof(uint64_t) && sizeof(Segments) % alignof(uint64_t) == 0);
  const size_t n = names.size();
  void* mem = ::operator new(sizeof(Segments) + n * (sizeof(uint64_t) + sizeof(std::string)));
  auto* s = ::new (mem) Segments();
  s->count = static_cast<uint32_t>(n);
  for (size_t i = 0; i < n; ++i) {
    s->hashes()[i] = PathSegmentHash(names[i]);
    s->full_hash = CombineSegmentHash(s->full_hash, s->hashes()[i]);
    ::new (&s->names()[i]) std::string(std::move(names[i]));
  }
  return s;
}

void ActorPath::Segments::Release(Segments* s) {
  if (s->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  for (uint32_t i = 0; i < s->count; ++i) s->names()[i].~basic_string();
  s->~Segments();
  ::operator delete(static_cast<void*>(s));
}

absl::StatusOr<ActorPath> ActorPath::Append(std::string_view relative) const {
  if (!named_) {
    return absl::InvalidArgumentError(absl::StrCat("cannot append \"", AsAbsl(relative),
                                                   "\" to the unique path ", ToString(),
                                                   "; only named paths have children"));
  }
  std::vector<std::string> all(segments().begin(), segments().end());
  for (std::string& s : SplitPath(relative)) all.push_back(std::move(s));
  absl::Status valid = ValidateLookupPath(all);
  if (!valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot append \"", AsAbsl(relative), "\" to ", ToString(), ": ", valid.message()));
  }
  return MakeNamed(system_, std::move(all));
}

ActorPath ActorPath::WithTransport(Transport transport) const {
  ActorPath copy = *this;
  copy.system_ = SystemPath(transport, system_.address(), system_.port());
  return copy;
}

std::string ActorPath::ToString() const {
  std::string out;
  system_.AppendTo(out);
  if (!named_) {
    absl::StrAppend(&out, "#", id_.ToString());
  } else {
    for (const std::string& s : segments()) absl::StrAppend(&out, "/", s);
  }
  return out;
}

uint64_t ActorPath::StableHash() const {
  uint64_t h = system_.StableHash();
  if (!named_) return StableHashMix(h ^ StableHashMix(id_.high() ^ StableHashMix(id_.low())));
  h = StableHashMix(h ^ 0x6e616d6564ULL);
  for (uint64_t s : segment_hashes()) h = StableHashMix(h ^ s) * kHashMul;
  return StableHashMix(h);
}

bool operator==(const ActorPath& a, const ActorPath& b) {
  if (a.named_ != b.named_ || a.system_ != b.system_) return false;
  if (!a.named_) return a.id_ == b.id_;
  if (a.segments_ == b.segments_) return true;
  const std::span<const std::string> x = a.segments();
  const std::span<const std::string> y = b.segments();
  return std::equal(x.begin(), x.end(), y.begin(), y.end());
}

std::strong_ordering operator<=>(const ActorPath& a, const ActorPath& b) {
  if (a.named_ != b.named_) return a.named_ ? std::strong_ordering::greater : std::strong_ordering::less;
  if (auto c = a.system_ <=> b.system_; c != 0) return c;
  if (!a.named_) return a.id_ <=> b.id_;
  const std::span<const std::string> x = a.segments();
  const std::span<const std::string> y = b.segments();
  return std::lexicographical_compare_three_way(x.begin(), x.end(), y.begin(), y.end(),
                                                [](const std::string& l, const std::string& r) {
                                                  const int c = l.compare(r);
                                                  return c < 0   ? std::strong_ordering::less
                                                         : c > 0 ? std::strong_ordering::greater
                                                                 : std::strong_ordering::equal;
                                                });
}

bool ActorPath::SegmentsEqualSlow(const ActorPath& other, size_t count) const {
  const std::span<const uint64_t> mine = segment_hashes();
  const std::span<const uint64_t> theirs = other.segment_hashes();
  for (size_t i = 0; i < count; ++i) {
    if (mine[i] != theirs[i]) return false;
  }
  const std::span<const std::string> a = segments();
  const std::span<const std::string> b = other.segments();
  for (size_t i = 0; i < count; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

std::ostream& operator<<(std::ostream& os, const ActorPath& path) { return os << path.ToString(); }

absl::StatusOr<UniquePath> UniquePath::From(const ActorPath& path) {
  if (!path.is_unique()) {
    return absl::InvalidArgumentError(absl::StrCat(path.ToString(), " is a named path, not a unique one"));
  }
  return UniquePath(path.system(), path.id());
}

absl::StatusOr<NamedPath> NamedPath::From(const ActorPath& path) {
  if (!path.is_named()) {
    return absl::InvalidArgumentError(absl::StrCat(path.ToString(), " is a unique path, not a named one"));
  }
  return NamedPath(path);
}

// ---- serialisers -------------------------------------------------------------------------------

absl::Status DefaultSerialiser<SystemPath>::Serialise(const SystemPath& p, BufMut& buf) {
  buf.PutU8(static_cast<uint8_t>(p.transport()));
  buf.PutU8(static_cast<uint8_t>(p.address().family()));
  buf.PutBytes(p.address().bytes());
  buf.PutU16(p.port());
  return absl::OkStatus();
}

absl::StatusOr<SystemPath> DefaultSerialiser<SystemPath>::Deserialise(Buf& buf) {
  const uint8_t transport = buf.GetU8();
  const uint8_t family = buf.GetU8();
  if (!buf.ok()) return buf.status();
  if (transport > static_cast<uint8_t>(Transport::kUdp)) {
    return buf.Corrupt(absl::StrCat("SystemPath transport ", transport));
  }
  IpAddress address;
  if (family == 4) {
    std::array<uint8_t, 4> b{};
    buf.GetBytes(b);
    address = IpAddress::V4(b[0], b[1], b[2], b[3]);
  } else if (family == 6) {
    std::array<uint8_t, 16> b{};
    buf.GetBytes(b);
    address = IpAddress::V6(b);
  } else {
    return buf.Corrupt(absl::StrCat("SystemPath address family ", family));
  }
  const uint16_t port = buf.GetU16();
  if (!buf.ok()) return buf.status();
  return SystemPath(static_cast<Transport>(transport), address, port);
}

absl::Status DefaultSerialiser<UniquePath>::Serialise(const UniquePath& p, BufMut& buf) {
  absl::Status s = DefaultSerialiser<SystemPath>::Serialise(p.system(), buf);
  buf.PutU64(p.id().high());
  buf.PutU64(p.id().low());
  return s;
}

absl::StatusOr<UniquePath> DefaultSerialiser<UniquePath>::Deserialise(Buf& buf) {
  absl::StatusOr<SystemPath> system = DefaultSerialiser<SystemPath>::Deserialise(buf);
  if (!system.ok()) return system.status();
  const uint64_t high = buf.GetU64();
  const uint64_t low = buf.GetU64();
  if (!buf.ok()) return buf.status();
  return UniquePath(*system, Uuid(high, low));
}

size_t DefaultSerialiser<NamedPath>::SizeHint(const NamedPath& p) {
  size_t n = DefaultSerialiser<SystemPath>::SizeHint(p.system()) + 1;
  for (const std::string& s : p.segments()) n += 1 + s.size();
  return n;
}

absl::Status DefaultSerialiser<NamedPath>::Serialise(const NamedPath& p, BufMut& buf) {
  absl::Status s = DefaultSerialiser<SystemPath>::Serialise(p.system(), buf);
  buf.PutVarU64(p.segments().size());
  for (const std::string& segment : p.segments()) buf.PutString(segment);
  return s;
}

absl::StatusOr<NamedPath> DefaultSerialiser<NamedPath>::Deserialise(Buf& buf) {
  absl::StatusOr<SystemPath> system = DefaultSerialiser<SystemPath>::Deserialise(buf);
  if (!system.ok()) return system.status();
  // Each segment takes at least one byte (its length), so remaining() bounds the count.
  const size_t count = buf.GetLength();
  if (!buf.ok()) return buf.status();
  std::vector<std::string> segments;
  segments.reserve(count);
  for (size_t i = 0; i < count; ++i) segments.push_back(buf.GetString());
  if (!buf.ok()) return buf.status();
  absl::StatusOr<ActorPath> path = ActorPath::Named(*system, std::move(segments));
  if (!path.ok()) return buf.Corrupt(absl::StrCat("NamedPath: ", path.status().message()));
  return NamedPath::From(*path);
}

size_t DefaultSerialiser<ActorPath>::SizeHint(const ActorPath& p) {
  if (p.is_unique()) return 1 + DefaultSerialiser<UniquePath>::SizeHint(UniquePath(p.system(), p.id()));
  size_t n = 1 + DefaultSerialiser<SystemPath>::SizeHint(p.system()) + 1;
  for (const std::string& s : p.segments()) n += 1 + s.size();
  return n;
}

absl::Status DefaultSerialiser<ActorPath>::Serialise(const ActorPath& p, BufMut& buf) {
  if (p.is_unique()) {
    buf.PutU8(0);
    return DefaultSerialiser<UniquePath>::Serialise(UniquePath(p.system(), p.id()), buf);
  }
  buf.PutU8(1);
  absl::Status s = DefaultSerialiser<SystemPath>::Serialise(p.system(), buf);
  buf.PutVarU64(p.segments().size());
  for (const std::string& segment : p.segments()) buf.PutString(segment);
  return s;
}

absl::StatusOr<ActorPath> DefaultSerialiser<ActorPath>::Deserialise(Buf& buf) {
  const uint8_t kind = buf.GetU8();
  if (!buf.ok()) return buf.status();
  if (kind == 0) {
    absl::StatusOr<UniquePath> unique = DefaultSerialiser<UniquePath>::Deserialise(buf);
    if (!unique.ok()) return unique.status();
    return ActorPath(*unique);
  }
  if (kind == 1) {
    absl::StatusOr<NamedPath> named = DefaultSerialiser<NamedPath>::Deserialise(buf);
    if (!named.ok()) return named.status();
    return named->path();
  }
  return buf.Corrupt(absl::StrCat("ActorPath kind ", kind));
}

}  // namespace kompact
