// BlockList: which remote systems this system refuses to talk to (FEATURES.md N4;
// Kompact's BlockList, with a precedence that does not depend on the order the
// rules arrived in).
//
// Rules:
//  * System rules name one system by address and port (the transport is ignored:
//    tcp://1.2.3.4:80 and udp://1.2.3.4:80 are the same system). AllowSystem
//    removes a block of that system and records an explicit allow; BlockSystem
//    removes an allow and records a block.
//  * IP rules name a network (IpNet; a single address is a /32 or /128) as blocked
//    or allowed. Setting a rule for a network replaces that network's earlier rule.
//
// A system is blocked when:
//  1. it is explicitly allowed: never (an allowed system wins over every IP rule);
//  2. it is explicitly blocked: always;
//  3. otherwise, by the most specific IP rule containing its address (longest
//     prefix): blocked if that rule blocks; not blocked if it allows or if no rule
//     contains the address. So an allowed host or subnet inside a blocked supernet
//     is allowed, and a blocked host inside an allowed net is blocked, whatever the
//     order of the requests.
// Before a peer's Hello only its socket address is known: an accepted connection
// is refused at once when its IP is blocked by rule 3 and no allowed system has
// that IP; the system rules are checked again when the handshake names it.
//
// Thread-safety: not thread-safe (the network thread's). Lifetime: a value.
#ifndef KOMPACT_NET_BLOCK_LIST_H_
#define KOMPACT_NET_BLOCK_LIST_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "net/endpoint.h"
#include "net/ip_net.h"
#include "runtime/system_path.h"

namespace kompact::net {

// The block and allow rules of one system (see the file comment for the precedence).
class BlockList {
 public:
  // Record a system or IP rule (see Rules in the file comment); each returns whether the rule set changed:
  bool BlockSystem(const SystemPath& system);
  bool AllowSystem(const SystemPath& system);
  bool BlockNet(const IpNet& net) { return SetNet(net, /*blocked=*/true); }
  bool AllowNet(const IpNet& net) { return SetNet(net, /*blocked=*/false); }

  // Whether messages to and connections with `system` are refused (rules 1-3).
  bool IsBlocked(const SystemPath& system) const;
  // For a connection whose handshake named `system` over a socket from `socket_ip`:
  // blocked if the system is (rules 1-3), or if it is not explicitly allowed and the
  // socket's IP is blocked by rule 3 (a claimed address does not lift an IP block).
  bool IsBlockedConnection(const SystemPath& system, const IpAddress& socket_ip) const;
  // For an accepted socket before its Hello: blocked by rule 3 and no allowed
  // system has this IP.
  bool IsIpBlocked(const IpAddress& ip) const;

  // Changes with every rule change (lets callers cache IsBlocked results).
  uint64_t version() const { return version_; }
  // Whether there is no rule at all.
  bool empty() const { return blocked_systems_.empty() && allowed_systems_.empty() && nets_.empty(); }

 private:
  bool SetNet(const IpNet& net, bool blocked);
  // The verdict of the longest-prefix IP rule containing `ip`, if any.
  std::optional<bool> NetVerdict(const IpAddress& ip) const;

  absl::flat_hash_set<Endpoint> blocked_systems_;
  absl::flat_hash_set<Endpoint> allowed_systems_;
  absl::flat_hash_map<IpNet, bool> nets_;  // network -> blocked
  uint64_t version_ = 0;
};

}  // namespace kompact::net

#endif  // KOMPACT_NET_BLOCK_LIST_H_
