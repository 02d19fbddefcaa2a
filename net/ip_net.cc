#include "net/ip_net.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"

namespace kompact::net {
namespace {

uint32_t WidthOf(const IpAddress& ip) { return ip.is_v4() ? 32 : 128; }

// Whether the first `bits` bits of a and b are equal (same length spans).
bool SamePrefix(std::span<const uint8_t> a, std::span<const uint8_t> b, uint32_t bits) {
  const uint32_t whole = bits / 8;
  for (uint32_t i = 0; i < whole; ++i) {
    if (a[i] != b[i]) return false;
  }
  const uint32_t rest = bits % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

bool HostBitsZero(const IpAddress& ip, uint32_t prefix) {
  std::span<const uint8_t> b = ip.bytes();
  for (uint32_t bit = prefix; bit < WidthOf(ip); ++bit) {
    if (b[bit / 8] & (0x80 >> (bit % 8))) return false;
  }
  return true;
}

}  // namespace

IpNet::IpNet(const IpAddress& address) : address_(address), prefix_length_(WidthOf(address)) {}

absl::StatusOr<IpNet> IpNet::Of(const IpAddress& address, uint32_t prefix_length) {
  if (prefix_length > WidthOf(address)) {
    return absl::InvalidArgumentError(absl::StrCat("prefix length /", prefix_length, " is longer than the ",
                                                   WidthOf(address), " bits of ", address.ToString()));
  }
  if (!HostBitsZero(address, prefix_length)) {
    return absl::InvalidArgumentError(absl::StrCat(address.ToString(), "/", prefix_length,
                                                   " has host bits set (the network's address must end in "
                                                   "zero bits after the prefix)"));
  }
  return IpNet(address, prefix_length);
}

absl::StatusOr<IpNet> IpNet::Parse(std::string_view text) {
  const size_t slash = text.find('/');
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(text.substr(0, slash));
  if (!ip.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", AsAbsl(text), "\" is not an IP network (a.b.c.d/n or v6/n): ", ip.status().message()));
  }
  if (slash == std::string_view::npos) return IpNet(*ip);
  const std::string_view digits = text.substr(slash + 1);
  uint32_t prefix = 0;
  if (digits.empty() || digits.size() > 3 || !absl::SimpleAtoi(AsAbsl(digits), &prefix) ||
      digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("\"", AsAbsl(text), "\" is not an IP network: \"",
                                                   AsAbsl(digits), "\" is not a prefix length"));
  }
  absl::StatusOr<IpNet> net = Of(*ip, prefix);
  if (!net.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("\"", AsAbsl(text), "\": ", net.status().message()));
  }
  return net;
}

bool IpNet::Contains(const IpAddress& ip) const {
  if (ip.family() != address_.family()) return false;
  return SamePrefix(ip.bytes(), address_.bytes(), prefix_length_);
}

std::string IpNet::ToString() const { return absl::StrCat(address_.ToString(), "/", prefix_length_); }

std::ostream& operator<<(std::ostream& os, const IpNet& net) { return os << net.ToString(); }

}  // namespace kompact::net
