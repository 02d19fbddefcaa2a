// NetworkConfig: the settings of a system's network layer (FEATURES.md N1, N9),
// given in code or read from the kompact.net.* configuration keys, validated
// before anything is bound. Every error names the setting, its value and what is
// allowed.
//
//   [kompact.net]
//   bind-address = "0.0.0.0"
//   advertised-address = "10.1.2.3"   # required when binding 0.0.0.0 or ::
//   port = 7000
//   retry-interval = "500ms"
//
// Thread-safety: a value type.
#ifndef KOMPACT_NET_NETWORK_CONFIG_H_
#define KOMPACT_NET_NETWORK_CONFIG_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/build_config.h"
#include "base/config.h"
#include "net/block_list.h"
#include "net/tls_config.h"
#include "runtime/actor_path.h"
#include "serialisation/buffer_pool.h"

namespace kompact::net {

// The network settings of one system (see the file comment).
struct NetworkConfig {
  // The address to listen on: an IPv4 or IPv6 literal ("127.0.0.1", "0.0.0.0", "::1").
  std::string bind_address = "127.0.0.1";
  // The port (TCP, and UDP on the same number); 0: the OS picks a free one, which
  // then appears in the system path.
  uint16_t port = 0;
  // The address other systems reach this one at (in its system path and Hello);
  // empty: the bind address. Required when binding the any-address.
  std::string advertised_address;
  // The port other systems reach this one at (in its system path); 0: the bound
  // port. For a system behind a port forward or a proxy.
  uint16_t advertised_port = 0;
  // The transport this system's own paths name (tcp or udp); both are served.
  kompact::Transport transport = kompact::Transport::kTcp;
  // Whether TCP sockets set TCP_NODELAY (small frames are sent without Nagle's delay).
  bool tcp_nodelay = true;
  // The network thread polls this long after activity before it sleeps (a reply
  // within the window costs no wake-up; ~50 us of a core per burst). Zero: always
  // sleep.
  absl::Duration spin_before_block = absl::Microseconds(50);
  // Connection attempts to an unreachable system, one every retry_interval, at
  // most 1 + max_retry_attempts per cycle (then its queue is dropped):
  absl::Duration retry_interval = absl::Milliseconds(500);
  uint32_t max_retry_attempts = 10;
  // Idle connections send a heartbeat every heartbeat_interval (0: none); a
  // connection that received nothing for heartbeat_timeout is lost.
  absl::Duration heartbeat_interval = absl::Seconds(1);
  absl::Duration heartbeat_timeout = absl::Seconds(5);
  // A connection whose handshake has not finished after this is closed (a refusal:
  // RefusalReason::kHandshakeTimeout, counted, logged, ConnectionRefused).
  absl::Duration handshake_timeout = absl::Seconds(5);
  // How long system shutdown waits for connections to close gracefully.
  absl::Duration shutdown_timeout = absl::Seconds(5);
  // Receive chunks of the network thread (serialisation/buffer_pool.h).
  BufferConfig buffers;
  // The largest frame sent or accepted (bytes).
  uint32_t max_frame_size = 16 << 20;
  // The largest frame accepted before the handshake finished (bytes; a Hello is
  // well below 1 KiB): a header announcing more is refused at once, before anything
  // is allocated (kHandshakeFrameTooLarge). 64 to max_frame_size.
  uint32_t max_handshake_frame_size = 4096;
  // Inbound connections accepted but not yet established (their handshake is
  // running), in total and from one IP address: beyond either, a new one is refused
  // at accept (kPendingLimit). 1 <= per-ip <= total <= hard_connection_limit, and
  // total <= buffers.max_chunk_count / 2 (each may hold a receive chunk).
  uint32_t max_pending_connections = 128;
  // The same limit for the connections from one IP address (see above).
  uint32_t max_pending_connections_per_ip = 16;
  // The inbound rate limit of each established connection, in frames and in bytes
  // per second (0: unlimited; both 0, the default: off, and free). A connection
  // beyond it stops being read until its budget refills (net/inbound_budget.h).
  uint64_t inbound_messages_per_second = 0;
  // The byte rate of the same limit (see above; 0: unlimited).
  uint64_t inbound_bytes_per_second = 0;
  // Messages queued per peer while it is not connected; beyond, each is a dead letter.
  uint32_t max_queued_messages = 100'000;
  // Whether a routing marker (`*`, `?`) in a path arriving from another system (TCP
  // or UDP) routes on a node without an explicit policy. Off: only explicit policies
  // route remote markers (anything else is a dead letter), whatever
  // --//routing:implicit_routes says, which decides for sends inside the process.
  bool remote_implicit_routes = false;
  // Established connections beyond the soft limit close the least recently used
  // one gracefully (nothing queued is lost; it reconnects when it has something to
  // send). At the hard limit of open connections (any state) new ones are refused,
  // inbound and outbound. The limits, 1 <= soft <= hard:
  uint32_t soft_connection_limit = 1000;
  uint32_t hard_connection_limit = 1100;
  // Block rules applied at start (net/block_list.h; the status port changes them
  // at run time; allowed systems win over IP rules), with systems as
  // "tcp://1.2.3.4:7000", IPs as "10.0.0.1" or "::1" and networks in CIDR notation
  // ("10.0.0.0/8"):
  std::vector<std::string> blocked_systems;
  std::vector<std::string> blocked_ips;
  std::vector<std::string> blocked_ip_nets;
  std::vector<std::string> allowed_systems;
  // TLS on the TCP transport (kompact.net.tls.*; off by default).
  TlsConfig tls;

  // OK, or kInvalidArgument listing every invalid setting.
  [[nodiscard]] absl::Status Validate() const;
  // The kompact.net.* keys of `config` (absent keys: the defaults above), validated;
  // unknown keys below kompact.net are errors.
  [[nodiscard]] static absl::StatusOr<NetworkConfig> FromConfig(const Config& config);
  // bind_address parsed; kInvalidArgument naming the key if it is not an IP literal.
  [[nodiscard]] absl::StatusOr<IpAddress> BindIp() const;
  // advertised_address parsed, or BindIp() when it is empty; kInvalidArgument if it
  // is not an IP literal, or if it is empty and the bind address is the any-address.
  [[nodiscard]] absl::StatusOr<IpAddress> AdvertisedIp() const;
  // The block rules above, parsed (errors name the key and the entry).
  [[nodiscard]] absl::StatusOr<BlockList> InitialBlockList() const;
};

// Every kompact.net.* key (kompact.net.tls.* included), for documentation and
// validation.
std::span<const ConfigEntryRef> NetworkConfigEntries();

}  // namespace kompact::net

#endif  // KOMPACT_NET_NETWORK_CONFIG_H_
