// NetworkCore: the protocol engine of the network dispatcher. It owns the
// transport (and so the network thread), the peers, every connection and the
// UDP queue, and implements the connection lifecycle (FEATURES.md N3, N5, N8):
//
//  * Sending (any thread, Send): a message for another system is pushed into that
//    peer's lock-free queue; the first push of a batch schedules the peer and wakes
//    the network thread (one wake-up per batch). The network thread encodes the
//    batch into the peer's connection and writes it with one syscall.
//  * No connection: the first message starts a dial; messages queue (up to
//    max_queued_messages; beyond, each is a counted dead letter) while it connects.
//    A failed attempt is retried every retry_interval; after max_retry_attempts the
//    queue is dropped, every message a counted dead letter naming the peer and the
//    last error. The next message starts a new cycle.
//  * Loss of an established connection (error, end of stream without Bye, or no
//    frame for heartbeat_timeout) starts the same reconnect cycle; a graceful close
//    (Bye) does not.
//  * Simultaneous dials: when a second connection to the same system is
//    established, both systems keep the one dialled by the system with the smaller
//    incarnation id (a peer with a new incarnation always replaces the old one);
//    the other is closed gracefully (Bye after everything written on it), so its
//    messages are still delivered.
//  * Inbound Data frames are delivered on the network thread through the path
//    registry (routing policies included), each NetMessage carrying its session id.
//  * Control plane (FEATURES.md N4; net/network_status.h says when each status
//    indication is emitted): block and allow rules (net/block_list.h) refuse
//    connections before their handshake completes and drop what is queued for a
//    blocked system as counted dead letters; the soft connection limit closes the
//    least recently used connection gracefully, the hard limit refuses new ones.
//  * Refusals (net/refusal.h): a connection closed with a RefusalError status before
//    it carried a session (a TLS refusal, the handshake timeout, a handshake frame
//    above kompact.net.max-handshake-frame-size, the pending-connection limits, an
//    Error frame from the peer during the handshake) is counted by reason, logged
//    once (WARNING, with the peer's address, the direction, the reason and the
//    detail) and indicated (ConnectionRefused) in OnClosed, before a dialler's
//    retry logic runs. Inbound connections accepted but not yet established are
//    limited in total and per IP (max_pending_connections{,_per_ip}): beyond,
//    they are refused at accept.
//  * Inbound rate limit (opt-in): an established connection that used up its
//    InboundBudget stops reading; a one-shot timer resumes it (InboundRateLimited
//    once per throttling episode).
//  * Failure isolation (N6): a serialiser that fails or throws drops that one
//    message (counted, logged); an exception while handling one connection closes
//    that connection only; an exception elsewhere on the network thread restarts
//    it — every connection is closed (ConnectionLost), queues are kept and dial
//    again, CriticalNetworkFailure{recovered} is emitted. More than
//    kMaxRestarts restarts within kRestartWindow, or a failure of the event loop
//    itself, emit CriticalNetworkFailure{!recovered} and poison the system.
//
// The state machine takes time only from the system's Timer (a periodic tick and
// one-shot retry timers, both posted to the network thread), never from the clock.
//
// Thread-safety: Send, Shutdown and stats() from any thread; everything else runs
// on the network thread. Lifetime: owned by the NetworkDispatcher; Shutdown() must
// be called before destruction.
#ifndef KOMPACT_NET_NETWORK_CORE_H_
#define KOMPACT_NET_NETWORK_CORE_H_

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/uuid.h"
#include "net/block_list.h"
#include "net/connection.h"
#include "net/network_config.h"
#include "net/network_status.h"
#include "net/peer.h"
#include "net/peer_table.h"
#include "net/refusal.h"
#include "net/session_identities.h"
#include "net/transport.h"
#include "routing/path_registry.h"
#include "runtime/dispatcher.h"
#include "serialisation/buffer_pool.h"

namespace kompact::net {

// Counters of one system's network layer (monotonic; read at any time).
struct NetworkStats {
  std::atomic<int64_t> open_connections{0};          // a gauge: connections not yet closed
  std::atomic<uint64_t> connections_established{0};  // handshakes completed (merged ones included)
  std::atomic<uint64_t> connections_lost{0};         // connections in use that closed other than gracefully
  std::atomic<uint64_t> connections_closed{0};       // gracefully
  std::atomic<uint64_t> connect_failures{0};         // failed dial or handshake attempts
  std::atomic<uint64_t> protocol_errors{0};          // connections closed for malformed input
  std::atomic<uint64_t> merged{0};                   // connections closed by simultaneous-dial merging
  std::atomic<uint64_t> messages_sent{0};            // messages encoded into a TCP connection
  std::atomic<uint64_t> messages_received{0};        // Data frames received over TCP
  std::atomic<uint64_t> dropped_unreachable{0};      // queued for a peer that could not be reached
  std::atomic<uint64_t> dropped_queue_full{0};       // beyond max_queued_messages
  std::atomic<uint64_t> dropped_unserialisable{0};   // the serialiser failed or the frame was too large
  std::atomic<uint64_t> dropped_shutdown{0};         // still queued when the system shut down
  std::atomic<uint64_t> datagrams_sent{0};           // UDP datagrams written
  std::atomic<uint64_t> datagrams_received{0};       // well-formed UDP Data frames received
  std::atomic<uint64_t> datagrams_dropped{0};        // malformed in, or refused out
  std::atomic<uint64_t> dropped_blocked{0};          // queued for, or sent to, a blocked system
  std::atomic<uint64_t> refused_blocked{0};          // connections refused or closed by a block rule
  std::atomic<uint64_t> refused_hard_limit{0};       // connections refused at the hard limit
  std::atomic<uint64_t> evicted_soft_limit{0};       // connections closed by the soft limit
  std::atomic<uint64_t> connection_faults{0};        // connections closed by an exception
  std::atomic<uint64_t> network_thread_restarts{0};  // after an exception outside a connection
  // Summed over lost connections: messages sent that the peer had not
  // acknowledged (an upper bound of what the losses cost).
  std::atomic<uint64_t> unacknowledged_at_loss{0};
  // Connections refused before they carried a session (ConnectionRefused), in
  // total and by RefusalReason (index: the reason's value; see refused_by()).
  std::atomic<uint64_t> connections_refused{0};
  // The same by RefusalReason (index: the reason's value).
  std::array<std::atomic<uint64_t>, kRefusalReasonCount> refused_by_reason{};
  std::atomic<uint64_t> handshake_timeouts{0};  // connections cut at kompact.net.handshake-timeout
  std::atomic<uint64_t> throttled_reads{0};     // reads paused by the inbound rate limit
  // A gauge and its high-water mark: bytes reserved for frames larger than a
  // receive chunk that are being read (grown as their bytes arrive).
  std::atomic<uint64_t> large_frame_bytes_reserved{0};
  // The high-water mark of large_frame_bytes_reserved.
  std::atomic<uint64_t> large_frame_bytes_reserved_peak{0};

  // Connections refused for `reason` so far.
  uint64_t refused_by(RefusalReason reason) const {
    return refused_by_reason[static_cast<size_t>(reason)].load(std::memory_order_relaxed);
  }
};

// Receives the status indications (network thread; must not block).
using NetworkStatusListener = absl::AnyInvocable<void(const NetworkStatusIndication&)>;

// The protocol engine of one system's network layer (see the file comment).
class NetworkCore final : public ConnectionOwner {
 public:
  // `transport` is bound already (local_system names its real port).
  NetworkCore(const DispatcherContext& context, const NetworkConfig& config, const PathRegistry& registry,
              std::unique_ptr<Transport> transport, SystemPath local_system, BufferPool receive_pool);
  ~NetworkCore() override;

  // Starts the network thread and the tick timer.
  [[nodiscard]] absl::Status Start();
  // Closes every connection gracefully (flushing what was queued, Bye) and waits
  // up to shutdown_timeout for them, then stops the network thread; what could not
  // be sent is counted as dead letters. Idempotent; not from the network thread.
  void Shutdown();

  // Sends `message` to its receiver's (remote) system. Any thread.
  void Send(NetMessage&& message);

  // Whether `system` is this one (same address and port, any transport; or local://).
  bool IsLocal(const SystemPath& system) const;

  // The counters, updated as they happen.
  const NetworkStats& stats() const { return stats_; }
  // The verified identities of this system's TLS sessions (any thread).
  const SessionIdentities& identities() const { return identities_; }

  // ---- control plane (any thread) ----------------------------------------------------
  // Adds a receiver of every status indication from now on; returns its id.
  uint64_t AddStatusListener(NetworkStatusListener listener);
  // After this returns, the listener is never called again.
  void RemoveStatusListener(uint64_t id);
  // Applies `request` on the network thread (answers go to the listeners). Ignored
  // after Shutdown.
  void Request(NetworkStatusRequest request);
  // Poisons the system (V4) after a fatal network failure: called by the status
  // provider once it has triggered CriticalNetworkFailure{!recovered}, or by the
  // core itself when nobody listens.
  void PoisonSystem(std::string_view reason);
  // Fault injection for tests (N6): throws `what` from a task on the network thread.
  void InjectNetworkThreadFault(std::string what);

  // Network thread restarts allowed within kRestartWindow; the next fault is fatal.
  static constexpr int kMaxRestarts = 5;
  // The window of kMaxRestarts, in the time of the system's Timer.
  static constexpr absl::Duration kRestartWindow = absl::Seconds(10);
  // This system's incarnation id (sent in Hello / HelloAck).
  const Uuid& incarnation() const { return context_.local_incarnation; }
  // This system's own path, as advertised in Hello / HelloAck.
  const SystemPath& local_system() const { return context_.local_system; }

  // ConnectionOwner (network thread).
  absl::Status Admit(const Connection& connection) override;
  // A RefusalError(kPinMismatch) if the system `connection` announces has a pinned
  // identity that its certificate does not match; else OK.
  absl::Status CheckPin(const Connection& connection) const;
  void OnEstablished(Connection& connection) override;
  void OnMessage(Connection& connection, NetMessage&& message) override;
  void OnWritable(Connection& connection) override;
  void OnThrottled(Connection& connection, absl::Duration wait, bool new_episode) override;
  void OnClosed(Connection& connection, const absl::Status& why, bool graceful) override;

 private:
  struct Entry {
    std::unique_ptr<Connection> connection;
    Peer* peer = nullptr;  // null for an inbound connection before its Hello
  };

  void Schedule(Peer& peer);
  void SendUdp(NetMessage&& message);
  void DeadLetter(const NetMessage& message, std::string_view why);

  // ---- network thread ----
  void OnWake();
  void OnAccept(std::unique_ptr<Stream> stream);
  void OnDatagram(const Endpoint& from, std::span<const uint8_t> datagram);
  void TakeInbox(Peer& peer);
  void Pump(Peer& peer);
  void StartDial(Peer& peer);
  void AttemptFailed(Peer& peer, const absl::Status& why);
  void DropPending(Peer& peer, std::string_view why, std::atomic<uint64_t>& counter);
  void Tick();
  // Every connection, oldest first: iteration that acts (closes, emits, counts)
  // goes in this order, not the hash map's, so a simulated run is reproducible.
  std::vector<Connection*> ConnectionsInOrder() const;
  void PumpUdp();
  void Reap();
  void BeginShutdown();
  bool Preferred(const Connection& c) const;
  // Control plane (network thread).
  void Emit(NetworkStatusIndication indication);
  void Apply(NetworkStatusRequest& request);
  bool Blocked(Peer& peer);
  // Closes what the block rules now refuse and drops what is queued for blocked systems.
  void ApplyBlockRules();
  // Drops what is queued for blocked `peer`; ConnectionDropped if `report` or any was.
  void DropBlocked(Peer& peer, bool report);
  void EnforceSoftLimit(const Connection& added);
  ConnectionsSnapshot Snapshot();
  void OnTransportFault(std::string_view what, bool fatal);
  // Counts, logs and indicates a connection closed with refusal `reason` (OnClosed).
  void ReportRefusal(const Connection& c, const Peer* peer, RefusalReason reason, const absl::Status& why);
  // Whether an inbound connection from `ip` is beyond the pending-connection
  // limits; if so, the refusal's detail.
  std::optional<std::string> PendingLimitExceeded(const IpAddress& ip) const;
  // `c` no longer waits for its handshake (established or closed): off the pending counts.
  void ReleasePending(Connection& c);

  const DispatcherContext dispatcher_context_;
  const NetworkConfig config_;
  const PathRegistry& registry_;
  // How messages from other systems are routed (NetworkConfig::remote_implicit_routes).
  const RouteOrigin remote_origin_;
  std::unique_ptr<Transport> transport_;
  BufferPool receive_pool_;
  ConnectionContext context_;
  const absl::Duration tick_;
  NetworkStats stats_;
  PeerTable peers_;
  std::atomic<bool> shut_down_{false};  // Send refuses after this
  TimerId tick_timer_{};
  bool tick_started_ = false;

  // Ready peers: the batch hand-off from senders to the network thread (one lock per
  // batch, not per message).
  std::mutex ready_mu_;
  std::vector<Peer*> ready_ ABSL_GUARDED_BY(ready_mu_);

  // UDP: one queue for every destination.
  runtime_internal::MpscStack udp_inbox_;
  std::atomic<bool> udp_scheduled_{false};

  // Status listeners (rarely changed; emitting takes the lock once per indication).
  std::mutex listeners_mu_;
  std::vector<std::pair<uint64_t, NetworkStatusListener>> listeners_ ABSL_GUARDED_BY(listeners_mu_);
  uint64_t next_listener_id_ ABSL_GUARDED_BY(listeners_mu_) = 1;
  std::atomic<bool> has_listeners_{false};

  // ---- network thread ----
  BlockList blocks_;
  // kompact.net.tls.pinned-identities (checked in Admit; empty without TLS).
  std::vector<TlsPin> pins_;
  SessionIdentities identities_;
  uint64_t use_clock_ = 0;          // orders connection activity (soft limit LRU)
  uint64_t ticks_ = 0;              // ticks so far: the clock of the restart window
  std::vector<uint64_t> restarts_;  // ticks_ at network thread restarts within kRestartWindow
  bool failed_ = false;             // gave up after a fatal fault
  absl::flat_hash_map<Connection*, Entry> connections_;
  // Inbound connections accepted and not yet established: in total and by IP
  // (IpAddress::ToString; entries are erased at zero).
  uint32_t pending_inbound_ = 0;
  absl::flat_hash_map<std::string, uint32_t> pending_by_ip_;
  // The one-shot timers that resume throttled connections, by connection serial
  // (cancelled at shutdown).
  absl::flat_hash_map<uint64_t, TimerId> resume_timers_;
  uint64_t connection_serial_ = 0;
  std::vector<std::unique_ptr<Connection>> graveyard_;
  OutList udp_pending_;
  std::vector<std::vector<uint8_t>> udp_buffers_;
  bool shutting_down_ = false;

  // Shutdown's wait for the last connection.
  std::mutex shutdown_mu_;
  std::condition_variable shutdown_cv_;
  bool all_closed_ ABSL_GUARDED_BY(shutdown_mu_) = false;
};

}  // namespace kompact::net

#endif  // KOMPACT_NET_NETWORK_CORE_H_
