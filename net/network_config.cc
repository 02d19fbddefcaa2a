#include "net/network_config.h"

#include <iterator>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/absl_compat.h"
#include "base/status.h"

namespace kompact::net {
namespace config_keys {
namespace {

inline constexpr std::string_view kTransports[] = {"tcp", "udp"};

constexpr ConfigEntry<std::string> kBindAddress{
    .key = "kompact.net.bind-address",
    .default_value = "127.0.0.1",
    .doc = "Address the network layer listens on (IPv4 or IPv6 literal).",
};
constexpr ConfigEntry<int64_t> kPort{
    .key = "kompact.net.port",
    .default_value = 0,
    .doc = "TCP and UDP port; 0 lets the OS pick one (it appears in the system path).",
    .check = ConfigCheck<int64_t>::Range(0, 65535),
};
constexpr ConfigEntry<std::string> kAdvertisedAddress{
    .key = "kompact.net.advertised-address",
    .default_value = "",
    .doc = "Address other systems reach this one at; empty: the bind address.",
};
constexpr ConfigEntry<int64_t> kAdvertisedPort{
    .key = "kompact.net.advertised-port",
    .default_value = 0,
    .doc = "Port other systems reach this one at (behind a port forward or proxy); 0: the bound port.",
    .check = ConfigCheck<int64_t>::Range(0, 65535),
};
constexpr ConfigEntry<std::string> kTransport{
    .key = "kompact.net.transport",
    .default_value = "tcp",
    .doc = "Transport named by this system's own paths (both are served).",
    .check = ConfigCheck<std::string>::OneOf(kTransports),
};
constexpr ConfigEntry<bool> kTcpNoDelay{
    .key = "kompact.net.tcp-nodelay",
    .default_value = true,
    .doc = "Disable Nagle's algorithm on every connection.",
};
constexpr ConfigEntry<absl::Duration> kSpinBeforeBlock{
    .key = "kompact.net.spin-before-block",
    .default_value = absl::Microseconds(50),
    .doc = "How long the network thread polls after activity before it sleeps; 0 always sleeps.",
    .check = ConfigCheck<absl::Duration>::Range(absl::ZeroDuration(), absl::Seconds(1)),
};
constexpr ConfigEntry<absl::Duration> kRetryInterval{
    .key = "kompact.net.retry-interval",
    .default_value = absl::Milliseconds(500),
    .doc = "Delay between connection attempts to an unreachable system.",
    .check = ConfigCheck<absl::Duration>::Range(absl::Milliseconds(1), absl::Hours(1)),
};
constexpr ConfigEntry<int64_t> kMaxRetryAttempts{
    .key = "kompact.net.max-retry-attempts",
    .default_value = 10,
    .doc = "Retries after a failed connection attempt before the queued messages are dropped.",
    .check = ConfigCheck<int64_t>::Range(0, 1'000'000),
};
constexpr ConfigEntry<absl::Duration> kHeartbeatInterval{
    .key = "kompact.net.heartbeat-interval",
    .default_value = absl::Seconds(1),
    .doc = "Idle connections send a heartbeat this often; 0 disables heartbeats.",
    .check = ConfigCheck<absl::Duration>::Range(absl::ZeroDuration(), absl::Hours(1)),
};
constexpr ConfigEntry<absl::Duration> kHeartbeatTimeout{
    .key = "kompact.net.heartbeat-timeout",
    .default_value = absl::Seconds(5),
    .doc = "A connection that received nothing for this long is lost.",
    .check = ConfigCheck<absl::Duration>::Range(absl::Milliseconds(1), absl::Hours(1)),
};
constexpr ConfigEntry<absl::Duration> kHandshakeTimeout{
    .key = "kompact.net.handshake-timeout",
    .default_value = absl::Seconds(5),
    .doc = "A connection whose handshake has not finished after this is closed.",
    .check = ConfigCheck<absl::Duration>::Range(absl::Milliseconds(1), absl::Hours(1)),
};
constexpr ConfigEntry<absl::Duration> kShutdownTimeout{
    .key = "kompact.net.shutdown-timeout",
    .default_value = absl::Seconds(5),
    .doc = "How long system shutdown waits for connections to close gracefully.",
    .check = ConfigCheck<absl::Duration>::Range(absl::ZeroDuration(), absl::Hours(1)),
};
constexpr ConfigEntry<int64_t> kChunkSize{
    .key = "kompact.net.buffers.chunk-size",
    .default_value = 128 * 1000,
    .doc = "Bytes per receive chunk of the network thread.",
    .check = ConfigCheck<int64_t>::Range(128, 1 << 30),
};
constexpr ConfigEntry<int64_t> kInitialChunkCount{
    .key = "kompact.net.buffers.initial-chunk-count",
    .default_value = 2,
    .doc = "Receive chunks allocated at start.",
    .check = ConfigCheck<int64_t>::Range(0, 1'000'000),
};
constexpr ConfigEntry<int64_t> kMaxChunkCount{
    .key = "kompact.net.buffers.max-chunk-count",
    .default_value = 1000,
    .doc = "Receive chunks the network thread may own at once.",
    .check = ConfigCheck<int64_t>::Range(2, 1'000'000),
};
constexpr ConfigEntry<int64_t> kMaxFrameSize{
    .key = "kompact.net.max-frame-size",
    .default_value = 16 << 20,
    .doc = "Largest frame sent or accepted, in bytes.",
    .check = ConfigCheck<int64_t>::Range(1024, 1 << 30),
};
constexpr ConfigEntry<int64_t> kMaxHandshakeFrameSize{
    .key = "kompact.net.max-handshake-frame-size",
    .default_value = 4096,
    .doc = "Largest frame accepted before the handshake finished, in bytes; a larger one is refused unread.",
    .check = ConfigCheck<int64_t>::Range(64, 1 << 30),
};
constexpr ConfigEntry<int64_t> kMaxPendingConnections{
    .key = "kompact.net.max-pending-connections",
    .default_value = 128,
    .doc = "Inbound connections not yet established beyond which new ones are refused at accept.",
    .check = ConfigCheck<int64_t>::Range(1, 1'000'000),
};
constexpr ConfigEntry<int64_t> kMaxPendingConnectionsPerIp{
    .key = "kompact.net.max-pending-connections-per-ip",
    .default_value = 16,
    .doc = "The same limit for the connections from one IP address.",
    .check = ConfigCheck<int64_t>::Range(1, 1'000'000),
};
constexpr ConfigEntry<int64_t> kInboundMessagesPerSecond{
    .key = "kompact.net.inbound-rate-limit.messages-per-second",
    .default_value = 0,
    .doc = "Frames read per second from one connection before it is paused; 0: unlimited.",
    .check = ConfigCheck<int64_t>::Range(0, 1'000'000'000),
};
constexpr ConfigEntry<int64_t> kInboundBytesPerSecond{
    .key = "kompact.net.inbound-rate-limit.bytes-per-second",
    .default_value = 0,
    .doc = "Bytes read per second from one connection before it is paused; 0: unlimited.",
    .check = ConfigCheck<int64_t>::Range(0, int64_t{1} << 40),
};
constexpr ConfigEntry<int64_t> kMaxQueuedMessages{
    .key = "kompact.net.max-queued-messages",
    .default_value = 100'000,
    .doc = "Messages queued per peer while it is not connected; beyond, each is a dead letter.",
    .check = ConfigCheck<int64_t>::Range(1, 1'000'000'000),
};

constexpr ConfigEntry<bool> kRemoteImplicitRoutes{
    .key = "kompact.net.remote-implicit-routes",
    .default_value = false,
    .doc =
        "Whether a routing marker (* or ?) arriving from another system routes on a path without a policy.",
};

constexpr ConfigEntry<int64_t> kSoftConnectionLimit{
    .key = "kompact.net.soft-connection-limit",
    .default_value = 1000,
    .doc = "Established connections beyond this close the least recently used one gracefully.",
    .check = ConfigCheck<int64_t>::Range(1, 1'000'000),
};
constexpr ConfigEntry<int64_t> kHardConnectionLimit{
    .key = "kompact.net.hard-connection-limit",
    .default_value = 1100,
    .doc = "Open connections (any state) at which new ones are refused, inbound and outbound.",
    .check = ConfigCheck<int64_t>::Range(1, 1'000'000),
};
const ConfigEntry<std::vector<std::string>> kBlockedSystems{
    .key = "kompact.net.blocked-systems",
    .default_value = {},
    .doc = "Systems refused at start, as \"tcp://1.2.3.4:7000\".",
};
const ConfigEntry<std::vector<std::string>> kBlockedIps{
    .key = "kompact.net.blocked-ips",
    .default_value = {},
    .doc = "IP addresses refused at start.",
};
const ConfigEntry<std::vector<std::string>> kBlockedIpNets{
    .key = "kompact.net.blocked-ip-nets",
    .default_value = {},
    .doc = "IP networks (CIDR, \"10.0.0.0/8\") refused at start.",
};
const ConfigEntry<std::vector<std::string>> kAllowedSystems{
    .key = "kompact.net.allowed-systems",
    .default_value = {},
    .doc = "Systems allowed even where an IP rule blocks their address.",
};

const ConfigEntryRef kEntries[] = {
    kBindAddress,
    kPort,
    kAdvertisedAddress,
    kAdvertisedPort,
    kTransport,
    kTcpNoDelay,
    kSpinBeforeBlock,
    kRetryInterval,
    kMaxRetryAttempts,
    kHeartbeatInterval,
    kHeartbeatTimeout,
    kHandshakeTimeout,
    kShutdownTimeout,
    kChunkSize,
    kInitialChunkCount,
    kMaxChunkCount,
    kMaxFrameSize,
    kMaxHandshakeFrameSize,
    kMaxQueuedMessages,
    kSoftConnectionLimit,
    kHardConnectionLimit,
    kMaxPendingConnections,
    kMaxPendingConnectionsPerIp,
    kInboundMessagesPerSecond,
    kInboundBytesPerSecond,
    kBlockedSystems,
    kBlockedIps,
    kBlockedIpNets,
    kAllowedSystems,
    kRemoteImplicitRoutes,
};

}  // namespace
}  // namespace config_keys

std::span<const ConfigEntryRef> NetworkConfigEntries() {
  // kompact.net.* then kompact.net.tls.* (one list: unknown keys below kompact.net
  // are errors, and the docs' key table shows them all).
  static const std::vector<ConfigEntryRef>* const entries = [] {
    auto* all =
        new std::vector<ConfigEntryRef>(std::begin(config_keys::kEntries), std::end(config_keys::kEntries));
    for (const ConfigEntryRef& e : TlsConfigEntries()) all->push_back(e);
    return all;
  }();
  return *entries;
}

absl::StatusOr<IpAddress> NetworkConfig::BindIp() const {
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(bind_address);
  if (!ip.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("kompact.net.bind-address \"", bind_address,
                     "\" is not an IPv4 or IPv6 address: ", ip.status().message()));
  }
  return ip;
}

absl::StatusOr<IpAddress> NetworkConfig::AdvertisedIp() const {
  if (advertised_address.empty()) {
    KOMPACT_ASSIGN_OR_RETURN(IpAddress bind, BindIp());
    const bool any = bind.is_v4() ? bind == IpAddress::V4(0, 0, 0, 0) : bind.ToString() == "::";
    if (any) {
      return absl::InvalidArgumentError(absl::StrCat(
          "kompact.net.bind-address is the any-address \"", bind_address,
          "\": set kompact.net.advertised-address to the address other systems reach this one at"));
    }
    return bind;
  }
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(advertised_address);
  if (!ip.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("kompact.net.advertised-address \"", advertised_address,
                     "\" is not an IPv4 or IPv6 address: ", ip.status().message()));
  }
  return ip;
}

absl::StatusOr<BlockList> NetworkConfig::InitialBlockList() const {
  BlockList list;
  std::vector<std::string> problems;
  auto system = [&](std::string_view key, const std::string& text) -> std::optional<SystemPath> {
    absl::StatusOr<SystemPath> path = SystemPath::Parse(text);
    if (!path.ok()) {
      problems.push_back(absl::StrCat(AsAbsl(key), ": \"", text,
                                      "\" is not a system path (tcp://ip:port): ", path.status().message()));
      return std::nullopt;
    }
    return *path;
  };
  for (const std::string& text : blocked_systems) {
    if (auto p = system("kompact.net.blocked-systems", text)) list.BlockSystem(*p);
  }
  for (const std::string& text : blocked_ips) {
    absl::StatusOr<IpAddress> ip = IpAddress::Parse(text);
    if (ip.ok()) {
      list.BlockNet(IpNet(*ip));
    } else {
      problems.push_back(absl::StrCat("kompact.net.blocked-ips: ", ip.status().message()));
    }
  }
  for (const std::string& text : blocked_ip_nets) {
    absl::StatusOr<IpNet> net = IpNet::Parse(text);
    if (net.ok()) {
      list.BlockNet(*net);
    } else {
      problems.push_back(absl::StrCat("kompact.net.blocked-ip-nets: ", net.status().message()));
    }
  }
  for (const std::string& text : allowed_systems) {
    if (auto p = system("kompact.net.allowed-systems", text)) list.AllowSystem(*p);
  }
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  return list;
}

absl::Status NetworkConfig::Validate() const {
  std::vector<std::string> problems;
  if (absl::Status s = AdvertisedIp().status(); !s.ok()) problems.emplace_back(s.message());
  if (transport == kompact::Transport::kLocal)
    problems.push_back("kompact.net.transport must be tcp or udp, not local");
  auto duration = [&](std::string_view key, absl::Duration d, absl::Duration min, absl::Duration max) {
    if (d < min || d > max) {
      problems.push_back(absl::StrCat(AsAbsl(key), " = ", absl::FormatDuration(d),
                                      " is out of range, allowed: ", absl::FormatDuration(min), " to ",
                                      absl::FormatDuration(max)));
    }
  };
  duration("kompact.net.retry-interval", retry_interval, absl::Milliseconds(1), absl::Hours(1));
  duration("kompact.net.spin-before-block", spin_before_block, absl::ZeroDuration(), absl::Seconds(1));
  duration("kompact.net.heartbeat-interval", heartbeat_interval, absl::ZeroDuration(), absl::Hours(1));
  duration("kompact.net.heartbeat-timeout", heartbeat_timeout, absl::Milliseconds(1), absl::Hours(1));
  duration("kompact.net.handshake-timeout", handshake_timeout, absl::Milliseconds(1), absl::Hours(1));
  duration("kompact.net.shutdown-timeout", shutdown_timeout, absl::ZeroDuration(), absl::Hours(1));
  if (heartbeat_interval > absl::ZeroDuration() && heartbeat_timeout <= heartbeat_interval) {
    problems.push_back(absl::StrCat(
        "kompact.net.heartbeat-timeout (", absl::FormatDuration(heartbeat_timeout),
        ") must exceed kompact.net.heartbeat-interval (", absl::FormatDuration(heartbeat_interval), ")"));
  }
  if (max_frame_size < 1024 || max_frame_size > (1u << 30)) {
    problems.push_back(absl::StrCat("kompact.net.max-frame-size = ", max_frame_size,
                                    " is out of range, allowed: 1024 to ", 1u << 30));
  }
  if (max_handshake_frame_size < 64 || max_handshake_frame_size > max_frame_size) {
    problems.push_back(absl::StrCat("kompact.net.max-handshake-frame-size = ", max_handshake_frame_size,
                                    " is out of range, allowed: 64 to kompact.net.max-frame-size (",
                                    max_frame_size, ")"));
  }
  if (max_queued_messages == 0) problems.push_back("kompact.net.max-queued-messages must be at least 1");
  if (soft_connection_limit == 0 || soft_connection_limit > hard_connection_limit) {
    problems.push_back(absl::StrCat("kompact.net.soft-connection-limit = ", soft_connection_limit,
                                    " must be at least 1 and at most kompact.net.hard-connection-limit (",
                                    hard_connection_limit, ")"));
  }
  if (max_pending_connections == 0 || max_pending_connections > hard_connection_limit) {
    problems.push_back(absl::StrCat("kompact.net.max-pending-connections = ", max_pending_connections,
                                    " must be at least 1 and at most kompact.net.hard-connection-limit (",
                                    hard_connection_limit, ")"));
  }
  if (max_pending_connections > buffers.max_chunk_count / 2) {
    problems.push_back(absl::StrCat("kompact.net.max-pending-connections = ", max_pending_connections,
                                    " must be at most half of kompact.net.buffers.max-chunk-count (",
                                    buffers.max_chunk_count,
                                    "): each pending connection may hold a receive chunk"));
  }
  if (max_pending_connections_per_ip == 0 || max_pending_connections_per_ip > max_pending_connections ||
      max_pending_connections_per_ip > hard_connection_limit) {
    problems.push_back(absl::StrCat(
        "kompact.net.max-pending-connections-per-ip = ", max_pending_connections_per_ip,
        " must be at least 1 and at most kompact.net.max-pending-connections (", max_pending_connections,
        ") and kompact.net.hard-connection-limit (", hard_connection_limit, ")"));
  }
  if (absl::Status s = InitialBlockList().status(); !s.ok()) problems.emplace_back(s.message());
  if (absl::Status s = buffers.Validate(); !s.ok()) {
    problems.push_back(absl::StrCat("kompact.net.buffers: ", s.message()));
  }
  if (absl::Status s = tls.Validate(); !s.ok()) problems.emplace_back(s.message());
  if (tls.enabled && !tls.plaintext_udp && transport == kompact::Transport::kUdp) {
    problems.push_back(
        "kompact.net.transport = udp needs kompact.net.tls.plaintext-udp = true when kompact.net.tls.enabled "
        "(with TLS the UDP socket is not bound otherwise)");
  }
  if (problems.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("invalid network configuration: ", absl::StrJoin(problems, "; ")));
}

absl::StatusOr<NetworkConfig> NetworkConfig::FromConfig(const Config& config) {
  using namespace config_keys;  // NOLINT(build/namespaces)
  KOMPACT_RETURN_IF_ERROR(config.Validate(NetworkConfigEntries(), "kompact.net"));
  NetworkConfig c;
  {
    const absl::StatusOr<std::string> v = config.Get(kBindAddress);
    if (!v.ok()) return v.status();
    c.bind_address = *v;
  }
  {
    const absl::StatusOr<std::string> v = config.Get(kAdvertisedAddress);
    if (!v.ok()) return v.status();
    c.advertised_address = *v;
  }
  {
    const absl::StatusOr<std::string> v = config.Get(kTransport);
    if (!v.ok()) return v.status();
    c.transport = *v == "udp" ? kompact::Transport::kUdp : kompact::Transport::kTcp;
  }
  KOMPACT_ASSIGN_OR_RETURN(int64_t port, config.Get(kPort));
  c.port = static_cast<uint16_t>(port);
  KOMPACT_ASSIGN_OR_RETURN(int64_t advertised_port, config.Get(kAdvertisedPort));
  c.advertised_port = static_cast<uint16_t>(advertised_port);
  KOMPACT_ASSIGN_OR_RETURN(c.tcp_nodelay, config.Get(kTcpNoDelay));
  KOMPACT_ASSIGN_OR_RETURN(c.remote_implicit_routes, config.Get(kRemoteImplicitRoutes));
  KOMPACT_ASSIGN_OR_RETURN(c.spin_before_block, config.Get(kSpinBeforeBlock));
  KOMPACT_ASSIGN_OR_RETURN(c.retry_interval, config.Get(kRetryInterval));
  KOMPACT_ASSIGN_OR_RETURN(int64_t retries, config.Get(kMaxRetryAttempts));
  c.max_retry_attempts = static_cast<uint32_t>(retries);
  KOMPACT_ASSIGN_OR_RETURN(c.heartbeat_interval, config.Get(kHeartbeatInterval));
  KOMPACT_ASSIGN_OR_RETURN(c.heartbeat_timeout, config.Get(kHeartbeatTimeout));
  KOMPACT_ASSIGN_OR_RETURN(c.handshake_timeout, config.Get(kHandshakeTimeout));
  KOMPACT_ASSIGN_OR_RETURN(c.shutdown_timeout, config.Get(kShutdownTimeout));
  KOMPACT_ASSIGN_OR_RETURN(int64_t chunk, config.Get(kChunkSize));
  KOMPACT_ASSIGN_OR_RETURN(int64_t initial, config.Get(kInitialChunkCount));
  KOMPACT_ASSIGN_OR_RETURN(int64_t max_chunks, config.Get(kMaxChunkCount));
  c.buffers.chunk_size = static_cast<size_t>(chunk);
  c.buffers.initial_chunk_count = static_cast<size_t>(initial);
  c.buffers.max_chunk_count = static_cast<size_t>(max_chunks);
  KOMPACT_ASSIGN_OR_RETURN(int64_t frame, config.Get(kMaxFrameSize));
  c.max_frame_size = static_cast<uint32_t>(frame);
  KOMPACT_ASSIGN_OR_RETURN(int64_t handshake_frame, config.Get(kMaxHandshakeFrameSize));
  c.max_handshake_frame_size = static_cast<uint32_t>(handshake_frame);
  KOMPACT_ASSIGN_OR_RETURN(int64_t queued, config.Get(kMaxQueuedMessages));
  c.max_queued_messages = static_cast<uint32_t>(queued);
  KOMPACT_ASSIGN_OR_RETURN(int64_t soft, config.Get(kSoftConnectionLimit));
  KOMPACT_ASSIGN_OR_RETURN(int64_t hard, config.Get(kHardConnectionLimit));
  c.soft_connection_limit = static_cast<uint32_t>(soft);
  c.hard_connection_limit = static_cast<uint32_t>(hard);
  KOMPACT_ASSIGN_OR_RETURN(int64_t pending, config.Get(kMaxPendingConnections));
  KOMPACT_ASSIGN_OR_RETURN(int64_t pending_per_ip, config.Get(kMaxPendingConnectionsPerIp));
  c.max_pending_connections = static_cast<uint32_t>(pending);
  c.max_pending_connections_per_ip = static_cast<uint32_t>(pending_per_ip);
  KOMPACT_ASSIGN_OR_RETURN(int64_t messages_per_second, config.Get(kInboundMessagesPerSecond));
  KOMPACT_ASSIGN_OR_RETURN(int64_t bytes_per_second, config.Get(kInboundBytesPerSecond));
  c.inbound_messages_per_second = static_cast<uint64_t>(messages_per_second);
  c.inbound_bytes_per_second = static_cast<uint64_t>(bytes_per_second);
  KOMPACT_ASSIGN_OR_RETURN(c.blocked_systems, config.Get(kBlockedSystems));
  KOMPACT_ASSIGN_OR_RETURN(c.blocked_ips, config.Get(kBlockedIps));
  KOMPACT_ASSIGN_OR_RETURN(c.blocked_ip_nets, config.Get(kBlockedIpNets));
  KOMPACT_ASSIGN_OR_RETURN(c.allowed_systems, config.Get(kAllowedSystems));
  KOMPACT_ASSIGN_OR_RETURN(c.tls, TlsConfig::FromConfig(config));
  KOMPACT_RETURN_IF_ERROR(c.Validate());
  return c;
}

}  // namespace kompact::net
