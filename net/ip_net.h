// IpNet: an IPv4 or IPv6 network in CIDR notation ("10.0.0.0/8", "::1/128"), the
// unit of the network layer's IP block and allow rules (net/block_list.h).
//
// A network is canonical: its host bits are zero, so "10.0.0.1/8" is rejected
// (say "10.0.0.0/8", or "10.0.0.1/32" for one host). A bare address is a one-host
// network (/32 or /128).
//
// Thread-safety: an immutable value.
#ifndef KOMPACT_NET_IP_NET_H_
#define KOMPACT_NET_IP_NET_H_

#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"
#include "runtime/system_path.h"

namespace kompact::net {

// A canonical IPv4 or IPv6 network: an address and a prefix length.
class IpNet {
 public:
  // The one-host network of `address`.
  explicit IpNet(const IpAddress& address);
  // "a.b.c.d/n" (n 0..32), "v6/n" (n 0..128), or a bare address. kInvalidArgument
  // naming the text for anything else, including set host bits.
  [[nodiscard]] static absl::StatusOr<IpNet> Parse(std::string_view text);
  // `address`/`prefix_length`; kInvalidArgument if the length exceeds the family's
  // width or host bits are set.
  [[nodiscard]] static absl::StatusOr<IpNet> Of(const IpAddress& address, uint32_t prefix_length);

  // The network address (host bits zero).
  const IpAddress& address() const { return address_; }
  // The prefix length in bits: 0..32 for IPv4, 0..128 for IPv6.
  uint32_t prefix_length() const { return prefix_length_; }
  // Whether `ip` lies in this network (always false across families).
  bool Contains(const IpAddress& ip) const;
  // "10.0.0.0/8", "::1/128".
  std::string ToString() const;

  // Equal when address and prefix length are.
  friend bool operator==(const IpNet&, const IpNet&) = default;
  // Hashes prefix length and address bytes (for absl containers).
  template <typename H>
  friend H AbslHashValue(H h, const IpNet& n) {
    std::span<const uint8_t> b = n.address_.bytes();
    return H::combine_contiguous(H::combine(std::move(h), n.prefix_length_), b.data(), b.size());
  }

 private:
  IpNet(const IpAddress& address, uint32_t prefix_length)
      : address_(address), prefix_length_(prefix_length) {}
  IpAddress address_;
  uint32_t prefix_length_;
};

// Writes ToString().
std::ostream& operator<<(std::ostream& os, const IpNet& net);

}  // namespace kompact::net

#endif  // KOMPACT_NET_IP_NET_H_
