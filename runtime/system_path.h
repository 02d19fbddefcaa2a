// SystemPath: the address of a KompactSystem — transport, IP address and port
// (FEATURES.md P1, N1, N9; Kompact's SystemPath) — and its parts, Transport and
// IpAddress. This is the address type of the network layer: it binds, dials and
// identifies peers by it.
//
//   SystemPath  tcp://1.2.3.4:8080   udp://[::1]:9000   local://127.0.0.1:0
//
// Thread-safety: immutable values.
#ifndef KOMPACT_RUNTIME_SYSTEM_PATH_H_
#define KOMPACT_RUNTIME_SYSTEM_PATH_H_

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/stable_hash.h"
#include "base/uuid.h"
#include "serialisation/buf.h"
#include "serialisation/ser_ids.h"
#include "serialisation/serialisable.h"

namespace kompact {

class ActorPath;

// How messages to a system travel. The local dispatcher serves kLocal paths only.
enum class Transport : uint8_t { kLocal = 0, kTcp = 1, kUdp = 2 };
std::string_view TransportName(Transport transport);  // "local", "tcp", "udp"
// Prints TransportName(transport).
std::ostream& operator<<(std::ostream& os, Transport transport);

// An IPv4 or IPv6 address (a value; no name resolution).
class IpAddress {
 public:
  // IPv4 or IPv6 (the values are the family byte of the wire format).
  enum class Family : uint8_t { kV4 = 4, kV6 = 6 };

  // 127.0.0.1.
  constexpr IpAddress() : bytes_{127, 0, 0, 1}, family_(Family::kV4) {}
  // The IPv4 address a.b.c.d.
  static constexpr IpAddress V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
    IpAddress ip;
    ip.bytes_ = {a, b, c, d};
    return ip;
  }
  // The IPv6 address of `bytes` (network order).
  static IpAddress V6(const std::array<uint8_t, 16>& bytes);
  // 127.0.0.1, as the default constructor.
  static constexpr IpAddress Loopback() { return V4(127, 0, 0, 1); }
  // Dotted IPv4 ("10.0.0.1") or IPv6 text ("::1", without brackets). kInvalidArgument
  // otherwise.
  [[nodiscard]] static absl::StatusOr<IpAddress> Parse(std::string_view text);

  // IPv4 or IPv6.
  constexpr Family family() const { return family_; }
  // family() == Family::kV4.
  bool is_v4() const { return family_ == Family::kV4; }
  // 4 bytes for IPv4, 16 for IPv6, network order.
  std::span<const uint8_t> bytes() const { return {bytes_.data(), is_v4() ? 4u : 16u}; }
  // "10.0.0.1" or the canonical (RFC 5952) IPv6 text without brackets.
  std::string ToString() const;

  // Compared by bytes, then by family:
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
  friend std::strong_ordering operator<=>(const IpAddress&, const IpAddress&) = default;

 private:
  friend class SystemPath;
  std::array<uint8_t, 16> bytes_{};  // unused bytes are zero
  Family family_ = Family::kV4;
};

// The address of a KompactSystem: transport, IP address and port (Kompact's SystemPath).
class SystemPath {
 public:
  // local://127.0.0.1:0, the local dispatcher's address.
  constexpr SystemPath() = default;
  // `transport`://`address`:`port`.
  constexpr SystemPath(Transport transport, IpAddress address, uint16_t port)
      : address_{Word(address, 0), Word(address, 8)},
        meta_(static_cast<uint64_t>(port) | static_cast<uint64_t>(transport) << 16 |
              static_cast<uint64_t>(address.family()) << 24) {}

  // "tcp://1.2.3.4:8080", "udp://[::1]:9000"; nothing may follow the port.
  [[nodiscard]] static absl::StatusOr<SystemPath> Parse(std::string_view text);

  // The parts of the address:
  Transport transport() const { return static_cast<Transport>((meta_ >> 16) & 0xFF); }
  IpAddress address() const;
  uint16_t port() const { return static_cast<uint16_t>(meta_ & 0xFFFF); }
  // The same address and port with another transport (word operations only).
  SystemPath WithTransport(Transport transport) const {
    SystemPath p = *this;
    p.meta_ = (meta_ & ~(uint64_t{0xFF} << 16)) | static_cast<uint64_t>(transport) << 16;
    return p;
  }
  // Same address and port, whatever the transport: the same system (three word
  // compares; this is on the network send path).
  bool SameEndpoint(const SystemPath& other) const {
    constexpr uint64_t kNoTransport = ~(uint64_t{0xFF} << 16);
    return ((meta_ ^ other.meta_) & kNoTransport) == 0 && address_[0] == other.address_[0] &&
           address_[1] == other.address_[1];
  }
  // A hash of address and port (not transport) for in-process tables; unlike
  // StableHash it may differ between builds.
  uint64_t EndpointHash() const {
    constexpr uint64_t kNoTransport = ~(uint64_t{0xFF} << 16);
    return StableHashMix(address_[0] ^ StableHashMix(address_[1] ^ (meta_ & kNoTransport)));
  }
  // The printed form ("udp://[::1]:9000"), which Parse reads back; AppendTo appends it:
  std::string ToString() const;
  void AppendTo(std::string& out) const;

  // The unique path of component `id` on this system.
  ActorPath Unique(const Uuid& id) const;
  // The named path `relative` ("a/b", "group/*") on this system; kInvalidArgument
  // for an invalid lookup path (the error names the segment).
  [[nodiscard]] absl::StatusOr<ActorPath> Named(std::string_view relative) const;
  // The system's dead-letter path (a named path without segments).
  inline ActorPath DeadLetters() const;

  // Three word compares (this is on the delivery path).
  friend bool operator==(const SystemPath& a, const SystemPath& b) {
    return a.meta_ == b.meta_ && a.address_[0] == b.address_[0] && a.address_[1] == b.address_[1];
  }
  // Ordered by transport, then address (as IpAddress orders), then port.
  friend std::strong_ordering operator<=>(const SystemPath& a, const SystemPath& b);
  // Hashes StableHash() (for absl hash containers).
  template <typename H>
  friend H AbslHashValue(H h, const SystemPath& p) {
    return H::combine(std::move(h), p.StableHash());
  }
  // A hash that is the same in every process (for routing by sender).
  uint64_t StableHash() const;

 private:
  // Packed into whole words, so that copies and compares are word moves (no
  // store-forwarding stalls on freshly built paths): the 16 address bytes, then
  // port | transport << 16 | family << 24.
  static constexpr uint64_t Word(const IpAddress& a, int offset) {
    uint64_t w = 0;
    for (int i = 7; i >= 0; --i) w = (w << 8) | a.bytes_[static_cast<size_t>(offset + i)];
    return w;
  }
  uint64_t address_[2] = {Word(IpAddress(), 0), 0};
  uint64_t meta_ = static_cast<uint64_t>(IpAddress::Family::kV4) << 24;
};

// Prints path.ToString().
std::ostream& operator<<(std::ostream& os, const SystemPath& path);

// ---- serialiser (S3; the reserved SerId kSystemPath) ------------------------------------------
// Wire format: u8 transport, u8 family (4|6), 4 or 16 address bytes, u16 port.
template <>
struct DefaultSerialiser<SystemPath> {
  static constexpr SerId kSerId = ser_ids::kSystemPath;  // reserved (serialisation/ser_ids.h)
  // The exact size: 8 bytes for IPv4, 20 for IPv6.
  static size_t SizeHint(const SystemPath& p) { return 2 + (p.address().is_v4() ? 4 : 16) + 2; }
  static absl::Status Serialise(const SystemPath& p, BufMut& buf);  // OK (write errors are in `buf`)
  // kDataLoss for too few bytes or an unknown transport or family.
  static absl::StatusOr<SystemPath> Deserialise(Buf& buf);
};

namespace runtime_internal {
// Parses "<transport>://<address>:<port>" at the start of `text`; `rest` receives
// what follows the port. Errors are kInvalidArgument naming `text`.
[[nodiscard]] absl::StatusOr<SystemPath> ParseSystemPrefix(std::string_view text, std::string_view& rest);
// kInvalidArgument "invalid actor path \"<text>\": <why>".
absl::Status PathError(std::string_view text, std::string_view why);
}  // namespace runtime_internal

}  // namespace kompact

// std::hash by StableHash() (for std containers).
template <>
struct std::hash<kompact::SystemPath> {
  // StableHash() as a size_t.
  size_t operator()(const kompact::SystemPath& p) const noexcept {
    return static_cast<size_t>(p.StableHash());
  }
};

#endif  // KOMPACT_RUNTIME_SYSTEM_PATH_H_
