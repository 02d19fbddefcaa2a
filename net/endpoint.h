// Endpoint: an IP address and a port, the unit the transports bind, dial and
// receive from, with its conversion to and from the socket API's sockaddr.
//
// Thread-safety: a value type; const members may be used from any thread.
#ifndef KOMPACT_NET_ENDPOINT_H_
#define KOMPACT_NET_ENDPOINT_H_

#include <sys/socket.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "runtime/actor_path.h"

namespace kompact::net {

// An IPv4 or IPv6 address and a port; hashable and comparable (a map key).
struct Endpoint {
  IpAddress ip;       // the address
  uint16_t port = 0;  // the port, in host byte order

  // "127.0.0.1:8080" or "[::1]:8080".
  std::string ToString() const;
  // The endpoint of a system path (its transport is ignored).
  static Endpoint Of(const SystemPath& path) { return Endpoint{path.address(), path.port()}; }
  // The system path of this endpoint over `transport`.
  SystemPath ToSystemPath(kompact::Transport transport) const { return SystemPath(transport, ip, port); }

  // Fills `out` and returns its length.
  socklen_t ToSockaddr(sockaddr_storage& out) const;
  // kInvalidArgument for a family other than AF_INET / AF_INET6.
  [[nodiscard]] static absl::StatusOr<Endpoint> FromSockaddr(const sockaddr_storage& in, socklen_t len);

  // Equal when address and port are.
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
  // Hashes address and port (for absl containers).
  template <typename H>
  friend H AbslHashValue(H h, const Endpoint& e) {
    return H::combine(std::move(h), e.ip.ToString(), e.port);
  }
};

}  // namespace kompact::net

#endif  // KOMPACT_NET_ENDPOINT_H_
