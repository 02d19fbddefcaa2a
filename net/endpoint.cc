#include "net/endpoint.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace kompact::net {

std::string Endpoint::ToString() const {
  return ip.is_v4() ? absl::StrCat(ip.ToString(), ":", port) : absl::StrCat("[", ip.ToString(), "]:", port);
}

socklen_t Endpoint::ToSockaddr(sockaddr_storage& out) const {
  std::memset(&out, 0, sizeof(out));
  if (ip.is_v4()) {
    auto* a = reinterpret_cast<sockaddr_in*>(&out);
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    std::memcpy(&a->sin_addr, ip.bytes().data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* a = reinterpret_cast<sockaddr_in6*>(&out);
  a->sin6_family = AF_INET6;
  a->sin6_port = htons(port);
  std::memcpy(&a->sin6_addr, ip.bytes().data(), 16);
  return sizeof(sockaddr_in6);
}

absl::StatusOr<Endpoint> Endpoint::FromSockaddr(const sockaddr_storage& in, socklen_t len) {
  if (in.ss_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&in);
    uint8_t b[4];
    std::memcpy(b, &a->sin_addr, 4);
    return Endpoint{IpAddress::V4(b[0], b[1], b[2], b[3]), ntohs(a->sin_port)};
  }
  if (in.ss_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&in);
    std::array<uint8_t, 16> b;
    std::memcpy(b.data(), &a->sin6_addr, 16);
    return Endpoint{IpAddress::V6(b), ntohs(a->sin6_port)};
  }
  return absl::InvalidArgumentError(absl::StrCat("unsupported socket address family ", in.ss_family));
}

}  // namespace kompact::net
