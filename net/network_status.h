// The network status port (FEATURES.md N4; Kompact's NetworkStatusPort): how a
// component learns that other systems come and go, and how it blocks, allows,
// connects and disconnects them.
//
// Connect a component's RequiredPort<NetworkStatusPort> to the system's provider
// with kompact::net::ConnectNetworkStatus (net/network_status_provider.h).
//
// Indications, and exactly when each is emitted (all on the provider's thread, in
// the order the network thread produced them):
//  * ConnectionEstablished — a connection with `system` finished its handshake and
//    carries messages (session: its id, also on every NetMessage received over it).
//    Each Established is later followed by exactly one Lost or Closed of the same
//    session.
//  * ConnectionLost — an established connection broke (error, end of stream
//    without Bye, heartbeat timeout, the peer restarted, a block rule, or the
//    network thread was restarted). Emitted before the reconnect attempts start;
//    messages queued for the system wait for the new connection. Messages sent on
//    the session and not yet acknowledged by the peer (`unacknowledged_messages`)
//    may be lost; all others arrived.
//  * ConnectionDropped — this system gave up on `system` and dropped
//    `dropped_messages` queued messages (each a counted dead letter): after the last
//    failed attempt of a dial cycle (retries exhausted), or when a block rule
//    closed its connection or refused its queue.
//  * ConnectionClosed — an established connection closed gracefully (Bye both
//    ways: DisconnectSystem, either side shutting down, the soft limit, or a
//    simultaneous-dial merge that replaced it). Messages still queued dial again.
//  Established and its Lost or Closed pair up per session: a session replaced by
//  another one (a merge, a restarted peer) ends with its own Lost or Closed when it
//  has finished closing, which may come after the new session's Established.
//  * BlockedSystem / BlockedIp / BlockedIpNet and AllowedSystem / AllowedIp /
//    AllowedIpNet — a request was applied (emitted even when the rule set did not
//    change); connections it refuses are closed right after (Lost for an
//    established one, then Dropped).
//  * SoftConnectionLimitExceeded — a new connection took the count of established
//    connections above the soft limit; the least recently used one (`evicted`) is
//    closed gracefully (ConnectionClosed follows; nothing queued is lost).
//  * HardConnectionLimitReached — a new connection (inbound, or a dial) was refused
//    because the hard limit of open connections was reached.
//  * CriticalNetworkFailure — the network thread failed (an exception escaped its
//    loop). `recovered`: the thread went on with fresh connections (Lost for each
//    established one precedes this); otherwise the provider poisons the system
//    right after triggering it (so the shutdown that follows may kill an observer
//    before it handles it; the log and NetworkStats record it either way).
//  * ConnectionRefused — a connection was refused before it carried a session, by
//    this system or by the peer (`reason`, net/refusal.h: a TLS refusal, the
//    handshake timeout, a handshake frame above the limit, the pending-connection
//    limits, an Error frame from the peer during the handshake). Emitted once per
//    refused connection, after the counters were updated and the WARNING was
//    logged, and before a dialler's retry logic runs (so a ConnectionDropped for
//    the same system, if the retries run out, comes after it).
//  * InboundRateLimited — an established connection exhausted its inbound rate
//    limit (kompact.net.inbound-rate-limit.*): reading it pauses until its budget
//    refills (TCP backpressure; nothing is lost). Once per throttling episode: the
//    next one after the connection was read at full speed again.
//  * ConnectionsSnapshot — the answer to a QueryConnections request.
//
// Requests: ConnectSystem (dial now, with the usual retries, even with nothing to
// send), DisconnectSystem (flush, then close gracefully), the block and allow
// rules (net/block_list.h states their precedence), QueryConnections.
//
// Thread-safety: value types.
#ifndef KOMPACT_NET_NETWORK_STATUS_H_
#define KOMPACT_NET_NETWORK_STATUS_H_

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "net/ip_net.h"
#include "net/refusal.h"
#include "runtime/net_message.h"
#include "runtime/port.h"
#include "runtime/system_path.h"

namespace kompact::net {

// ---- indications ----------------------------------------------------------------------------
// A connection finished its handshake (see the file comment for each indication).
struct ConnectionEstablished {
  SystemPath system;           // the remote system (its tcp:// path, whatever the transport)
  SessionId session = 0;       // the connection's session id
  std::string remote_address;  // the socket's remote endpoint
  // The peer's verified certificate (PeerIdentity::ToString); empty over plaintext.
  std::string peer_identity;
  // How the bytes are protected: "plaintext" or the TLS version and cipher suite.
  std::string security;
};
// An established connection broke.
struct ConnectionLost {
  SystemPath system;      // the remote system (its tcp:// path)
  SessionId session = 0;  // the session that ended (as in its ConnectionEstablished)
  std::string reason;     // why it broke
  // Messages sent on this session that the peer had not acknowledged: at most
  // these were lost (acknowledgements ride on the heartbeat tick).
  uint64_t unacknowledged_messages = 0;
};
// This system gave up on a remote system and dropped what was queued for it.
struct ConnectionDropped {
  SystemPath system;              // the remote system (its tcp:// path)
  uint64_t dropped_messages = 0;  // queued messages dropped (each a counted dead letter)
  std::string reason;             // why (the retries ran out, with the last error; or the block)
};
// An established connection closed gracefully.
struct ConnectionClosed {
  SystemPath system;      // the remote system (its tcp:// path)
  SessionId session = 0;  // the session that ended (as in its ConnectionEstablished)
};
// A BlockSystem request was applied.
struct BlockedSystem {
  SystemPath system;  // the request's system
};
// A BlockIp request was applied.
struct BlockedIp {
  IpAddress ip;  // the request's address
};
// A BlockIpNet request was applied.
struct BlockedIpNet {
  IpNet net;  // the request's network
};
// An AllowSystem request was applied.
struct AllowedSystem {
  SystemPath system;  // the request's system
};
// An AllowIp request was applied.
struct AllowedIp {
  IpAddress ip;  // the request's address
};
// An AllowIpNet request was applied.
struct AllowedIpNet {
  IpNet net;  // the request's network
};
// A new connection took the established ones above the soft limit.
struct SoftConnectionLimitExceeded {
  size_t established = 0;  // established connections, including the new one
  size_t limit = 0;        // the soft limit (NetworkConfig::soft_connection_limit)
  SystemPath evicted;      // closed gracefully to make room
};
// A new connection was refused at the hard limit.
struct HardConnectionLimitReached {
  size_t open = 0;      // open connections (any state)
  size_t limit = 0;     // the hard limit (NetworkConfig::hard_connection_limit)
  std::string refused;  // the refused remote: an address (inbound) or a system (dial)
};
// A connection was refused before it carried a session.
struct ConnectionRefused {
  std::string remote_address;  // the socket's remote endpoint ("?" if there was none)
  SystemPath system;           // the remote system, if known (dialled or announced); else default
  bool inbound = false;        // whether the remote system dialled it
  RefusalReason reason = RefusalReason::kTlsError;  // why (RefusalReasonName says it in words)
  std::string detail;                               // what happened, in words
  uint64_t count = 0;  // refusals of this reason so far on this system, this one included
};
// An established connection exhausted its inbound rate limit: reading it pauses.
struct InboundRateLimited {
  SystemPath system;           // the remote system (its tcp:// path)
  SessionId session = 0;       // the throttled session
  std::string remote_address;  // the socket's remote endpoint
};
// The network thread failed.
struct CriticalNetworkFailure {
  std::string reason;      // what failed ("the network thread failed: ...")
  bool recovered = false;  // true: the thread went on; false: the system is poisoned
};

// One connection, as QueryConnections reports it.
struct ConnectionInfo {
  // Where the connection is (Connection::State; closed ones are not reported).
  enum class State : uint8_t { kConnecting, kHandshake, kEstablished, kClosing };
  SystemPath system;                 // the dialled or announced system (unset before an inbound Hello)
  SessionId session = 0;             // its session id (0 until the handshake sets it)
  State state = State::kConnecting;  // its state
  bool inbound = false;              // whether the remote system dialled it
  bool active = false;               // the connection messages to `system` go out on
  std::string remote_address;        // the socket's remote endpoint ("?" before the stream is attached)
  uint64_t queued_messages = 0;      // waiting for this system (on the active connection only)
  uint64_t buffered_bytes = 0;       // encoded, not yet written
  // Data messages and bytes (frame headers included) received and sent on it:
  uint64_t messages_in = 0, messages_out = 0, bytes_in = 0, bytes_out = 0;
};
// The answer to QueryConnections.
struct ConnectionsSnapshot {
  std::vector<ConnectionInfo> connections;  // every connection not closed yet, oldest first
  // Systems with queued messages and no established connection.
  std::vector<SystemPath> waiting;
};

// ---- requests -------------------------------------------------------------------------------
// Dial a system now (with the usual retries), even with nothing to send.
struct ConnectSystem {
  SystemPath system;  // the system to connect to (not this one)
};
// Flush what is queued for a connected system, then close its connection gracefully.
struct DisconnectSystem {
  SystemPath system;  // the system to disconnect
};
// Block a system (answered by BlockedSystem).
struct BlockSystem {
  SystemPath system;  // the system (its address and port; the transport is ignored)
};
// Block an IP address, a one-host network (answered by BlockedIp).
struct BlockIp {
  IpAddress ip;  // the address
};
// Block a network (answered by BlockedIpNet).
struct BlockIpNet {
  IpNet net;  // the network
};
// Allow a system, whatever the IP rules (answered by AllowedSystem).
struct AllowSystem {
  SystemPath system;  // the system (its address and port; the transport is ignored)
};
// Allow an IP address, a one-host network (answered by AllowedIp).
struct AllowIp {
  IpAddress ip;  // the address
};
// Allow a network (answered by AllowedIpNet).
struct AllowIpNet {
  IpNet net;  // the network
};
// Ask for a ConnectionsSnapshot.
struct QueryConnections {};

// Any request of the status port.
using NetworkStatusRequest = std::variant<ConnectSystem, DisconnectSystem, BlockSystem, BlockIp, BlockIpNet,
                                          AllowSystem, AllowIp, AllowIpNet, QueryConnections>;
// Any indication of the status port.
using NetworkStatusIndication =
    std::variant<ConnectionEstablished, ConnectionLost, ConnectionDropped, ConnectionClosed, BlockedSystem,
                 BlockedIp, BlockedIpNet, AllowedSystem, AllowedIp, AllowedIpNet, SoftConnectionLimitExceeded,
                 HardConnectionLimitReached, CriticalNetworkFailure, ConnectionsSnapshot, ConnectionRefused,
                 InboundRateLimited>;

// The indication's type name ("ConnectionEstablished"), for logs and tests.
inline std::string_view NetworkStatusName(const NetworkStatusIndication& indication) {
  static constexpr std::string_view kNames[] = {"ConnectionEstablished",
                                                "ConnectionLost",
                                                "ConnectionDropped",
                                                "ConnectionClosed",
                                                "BlockedSystem",
                                                "BlockedIp",
                                                "BlockedIpNet",
                                                "AllowedSystem",
                                                "AllowedIp",
                                                "AllowedIpNet",
                                                "SoftConnectionLimitExceeded",
                                                "HardConnectionLimitReached",
                                                "CriticalNetworkFailure",
                                                "ConnectionsSnapshot",
                                                "ConnectionRefused",
                                                "InboundRateLimited"};
  static_assert(std::size(kNames) == std::variant_size_v<NetworkStatusIndication>);
  return kNames[indication.index()];
}

// The network status port: the requests and indications above.
struct NetworkStatusPort
    : Port<Requests<ConnectSystem, DisconnectSystem, BlockSystem, BlockIp, BlockIpNet, AllowSystem, AllowIp,
                    AllowIpNet, QueryConnections>,
           Indications<ConnectionEstablished, ConnectionLost, ConnectionDropped, ConnectionClosed,
                       BlockedSystem, BlockedIp, BlockedIpNet, AllowedSystem, AllowedIp, AllowedIpNet,
                       SoftConnectionLimitExceeded, HardConnectionLimitReached, CriticalNetworkFailure,
                       ConnectionsSnapshot, ConnectionRefused, InboundRateLimited>> {};

}  // namespace kompact::net

#endif  // KOMPACT_NET_NETWORK_STATUS_H_
