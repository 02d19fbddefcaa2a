#include "net/network_core.h"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/absl_compat.h"
#include "base/status.h"
#include "net/frame.h"
#include "net/refusal.h"

namespace kompact::net {
namespace {

// UDP payloads: the largest datagram IPv4 carries.
constexpr size_t kMaxDatagram = 65507;

absl::Duration TickOf(const NetworkConfig& c) {
  absl::Duration t = c.heartbeat_interval > absl::ZeroDuration() ? c.heartbeat_interval : absl::Seconds(1);
  return std::min(t, absl::Seconds(1));
}

uint32_t TicksFor(absl::Duration d, absl::Duration tick) {
  return static_cast<uint32_t>(std::max<int64_t>(1, absl::Ceil(d, tick) / tick));
}

// Prefetches the cache lines of `node` after its first (which holds `next`).
inline void PrefetchNode(const OutNode* node) {
  const char* p = reinterpret_cast<const char*>(node);
  for (size_t off = 64; off < sizeof(OutNode); off += 64) __builtin_prefetch(p + off);
}

}  // namespace

NetworkCore::NetworkCore(const DispatcherContext& context, const NetworkConfig& config,
                         const PathRegistry& registry, std::unique_ptr<Transport> transport,
                         SystemPath local_system, BufferPool receive_pool)
    : dispatcher_context_(context),
      config_(config),
      registry_(registry),
      remote_origin_(config.remote_implicit_routes ? RouteOrigin::kRemoteImplicit : RouteOrigin::kRemote),
      transport_(std::move(transport)),
      receive_pool_(std::move(receive_pool)),
      tick_(TickOf(config)) {
  context_.local_system = local_system;
  context_.local_incarnation = Uuid::Random();
  context_.max_frame_size = config.max_frame_size;
  context_.max_handshake_frame_size = config.max_handshake_frame_size;
  context_.inbound_rate_limit =
      InboundRateLimit{config.inbound_messages_per_second, config.inbound_bytes_per_second};
  context_.large_frame_bytes_reserved = &stats_.large_frame_bytes_reserved;
  context_.large_frame_bytes_reserved_peak = &stats_.large_frame_bytes_reserved_peak;
  context_.receive_pool = &receive_pool_;
  context_.logger = context.logger().WithContext("net", local_system.ToString());
  absl::StatusOr<BlockList> blocks = config.InitialBlockList();  // validated by the dispatcher
  if (blocks.ok()) blocks_ = *std::move(blocks);
  if (config.tls.enabled) {
    absl::StatusOr<std::vector<TlsPin>> pins = config.tls.Pins();  // validated by the dispatcher
    if (pins.ok()) pins_ = *std::move(pins);
  }
}

NetworkCore::~NetworkCore() { Shutdown(); }

absl::Status NetworkCore::Start() {
  Transport::Callbacks callbacks;
  callbacks.on_accept = [this](std::unique_ptr<Stream> s) { OnAccept(std::move(s)); };
  callbacks.on_wake = [this] { OnWake(); };
  callbacks.on_datagram = [this](const Endpoint& from, std::span<const uint8_t> d) { OnDatagram(from, d); };
  callbacks.on_fault = [this](std::string_view what, bool fatal) { OnTransportFault(what, fatal); };
  KOMPACT_RETURN_IF_ERROR(transport_->Start(std::move(callbacks)));
  absl::StatusOr<TimerId> tick = dispatcher_context_.timer().SchedulePeriodic(tick_, tick_, [this](TimerId) {
    transport_->Post([this] { Tick(); });
    return TimerReturn::kReschedule;
  });
  if (!tick.ok()) return Annotate(tick.status(), "starting the network tick");
  tick_timer_ = *tick;
  tick_started_ = true;
  return absl::OkStatus();
}

// ---- sending (any thread) -----------------------------------------------------------------

bool NetworkCore::IsLocal(const SystemPath& system) const {
  return system.SameEndpoint(context_.local_system) || system.transport() == kompact::Transport::kLocal;
}

void NetworkCore::DeadLetter(const NetMessage& message, std::string_view why) {
  dispatcher_context_.DeadLetter(message, why);
}

void NetworkCore::Send(NetMessage&& message) {
  if (ABSL_PREDICT_FALSE(shut_down_.load(std::memory_order_acquire))) {
    stats_.dropped_shutdown.fetch_add(1, std::memory_order_relaxed);
    DeadLetter(message, "the network layer has shut down");
    return;
  }
  if (message.receiver().system().transport() == kompact::Transport::kUdp) {
    SendUdp(std::move(message));
    return;
  }
  Peer& peer = peers_.FindOrCreate(message.receiver().system());
  if (peer.Push(std::move(message))) Schedule(peer);
}

void NetworkCore::Schedule(Peer& peer) {
  {
    std::lock_guard<std::mutex> lock(ready_mu_);
    ready_.push_back(&peer);
  }
  transport_->Wake();
}

void NetworkCore::SendUdp(NetMessage&& message) {
  udp_inbox_.Push(base_internal::NewNode<OutNode>(std::move(message)));
  if (!udp_scheduled_.exchange(true, std::memory_order_seq_cst)) transport_->Wake();
}

// ---- network thread: batches --------------------------------------------------------------

void NetworkCore::OnWake() {
  Reap();
  std::vector<Peer*> ready;
  {
    std::lock_guard<std::mutex> lock(ready_mu_);
    ready.swap(ready_);
  }
  for (Peer* peer : ready) {
    TakeInbox(*peer);
    Pump(*peer);
  }
  if (udp_scheduled_.load(std::memory_order_relaxed) || !udp_pending_.empty()) PumpUdp();
}

void NetworkCore::TakeInbox(Peer& peer) {
  peer.scheduled.store(false, std::memory_order_seq_cst);
  for (auto* n = peer.inbox.TakeAll(); n != nullptr;) {
    auto* node = static_cast<OutNode*>(n);
    n = n->next.load(std::memory_order_relaxed);
    // The node was written on the sender's core: fetch the rest of it now, in
    // parallel, so that Encode does not wait for each line in turn.
    PrefetchNode(node);
    if (ABSL_PREDICT_FALSE(peer.pending.count >= config_.max_queued_messages)) {
      stats_.dropped_queue_full.fetch_add(1, std::memory_order_relaxed);
      DeadLetter(node->message, absl::StrCat("the queue for ", peer.key.ToString(), " is full (",
                                             config_.max_queued_messages, " messages)"));
      base_internal::DeleteNode(node);
    } else {
      peer.pending.Append(node);
    }
  }
}

void NetworkCore::Pump(Peer& peer) {
  if (ABSL_PREDICT_FALSE(!blocks_.empty()) && Blocked(peer)) {
    DropBlocked(peer, /*report=*/false);
    return;
  }
  Connection* c = peer.active;
  if (c != nullptr && c->established()) {
    uint64_t sent = 0;
    while (!peer.pending.empty() && c->WantsMore()) {
      OutNode* node = peer.pending.PopFront();
      absl::Status s = c->Encode(node->message);
      if (ABSL_PREDICT_FALSE(!s.ok())) {
        stats_.dropped_unserialisable.fetch_add(1, std::memory_order_relaxed);
        KLOG(context_.logger, WARNING) << "dropping a message for " << peer.key << ": " << s;
        DeadLetter(node->message, absl::StrCat("cannot be sent: ", s.message()));
      } else {
        ++sent;
      }
      base_internal::DeleteNode(node);
    }
    stats_.messages_sent.fetch_add(sent, std::memory_order_relaxed);
    if (sent > 0) c->last_used = ++use_clock_;
    c->Flush();
    // At shutdown, Bye follows the last queued message.
    if (shutting_down_ && peer.pending.empty() && c->established())
      c->CloseGracefully("the system is shutting down");
    return;
  }
  if ((!peer.pending.empty() || peer.wanted) && peer.dialling == nullptr && !peer.retry_scheduled &&
      !shutting_down_) {
    StartDial(peer);
  }
}

// ---- network thread: connection lifecycle --------------------------------------------------

void NetworkCore::StartDial(Peer& peer) {
  if (Blocked(peer)) {
    DropBlocked(peer, /*report=*/false);
    return;
  }
  peer.state = Peer::State::kConnecting;
  if (connections_.size() >= config_.hard_connection_limit) {
    stats_.refused_hard_limit.fetch_add(1, std::memory_order_relaxed);
    KLOG(context_.logger, WARNING) << "not dialling " << peer.key << ": the hard connection limit of "
                                   << config_.hard_connection_limit << " open connections is reached";
    Emit(HardConnectionLimitReached{connections_.size(), config_.hard_connection_limit, peer.key.ToString()});
    AttemptFailed(peer, absl::ResourceExhaustedError(absl::StrCat("the hard connection limit (",
                                                                  config_.hard_connection_limit,
                                                                  " open connections) is reached")));
    return;
  }
  std::unique_ptr<Connection> c = Connection::Dialled(context_, *this, peer.key);
  absl::StatusOr<std::unique_ptr<Stream>> stream = transport_->Dial(Endpoint::Of(peer.key), c.get());
  if (!stream.ok()) {
    AttemptFailed(peer, stream.status());
    return;
  }
  c->Attach(*std::move(stream));
  peer.dialling = c.get();
  Connection* raw = c.get();
  raw->serial = ++connection_serial_;
  connections_.emplace(raw, Entry{std::move(c), &peer});
  stats_.open_connections.fetch_add(1, std::memory_order_relaxed);
}

void NetworkCore::AttemptFailed(Peer& peer, const absl::Status& why) {
  stats_.connect_failures.fetch_add(1, std::memory_order_relaxed);
  peer.last_error = why;
  ++peer.attempts;
  if (Blocked(peer)) {
    peer.attempts = 0;
    peer.state = Peer::State::kIdle;
    DropBlocked(peer, /*report=*/true);
    return;
  }
  if (shutting_down_) {
    DropPending(peer, absl::StrCat("the system shut down while connecting to ", peer.key.ToString()),
                stats_.dropped_shutdown);
    return;
  }
  if (peer.attempts > config_.max_retry_attempts) {
    KLOG(context_.logger, WARNING) << "giving up on " << peer.key << " after " << peer.attempts
                                   << " connection attempts (last error: " << why << "); dropping "
                                   << peer.pending.count << " queued messages";
    const std::string reason =
        absl::StrCat("unreachable after ", peer.attempts, " connection attempts: ", why.message());
    const uint64_t dropped = peer.pending.count;
    DropPending(peer, reason, stats_.dropped_unreachable);
    peer.attempts = 0;
    peer.state = Peer::State::kIdle;
    peer.wanted = false;
    Emit(ConnectionDropped{peer.key, dropped, reason});
    return;
  }
  KLOG(context_.logger, DEBUG) << "connection attempt " << peer.attempts << " to " << peer.key << " failed ("
                               << why << "); retrying in " << config_.retry_interval;
  peer.retry_scheduled = true;
  Peer* p = &peer;
  absl::StatusOr<TimerId> timer =
      dispatcher_context_.timer().ScheduleOnce(config_.retry_interval, [this, p](TimerId) {
        transport_->Post([this, p] {
          p->retry_scheduled = false;
          if (p->active == nullptr && p->dialling == nullptr && !shutting_down_) StartDial(*p);
        });
      });
  if (timer.ok()) {
    peer.retry_timer = *timer;
  } else {
    peer.retry_scheduled = false;
  }
}

void NetworkCore::DropPending(Peer& peer, std::string_view why, std::atomic<uint64_t>& counter) {
  while (OutNode* node = peer.pending.PopFront()) {
    counter.fetch_add(1, std::memory_order_relaxed);
    DeadLetter(node->message, why);
    base_internal::DeleteNode(node);
  }
}

bool NetworkCore::Preferred(const Connection& c) const {
  // The connection dialled by the system with the smaller incarnation id survives.
  const bool we_are_smaller = context_.local_incarnation < c.remote_incarnation();
  return (c.role() == Connection::Role::kDialler) == we_are_smaller;
}

void NetworkCore::OnAccept(std::unique_ptr<Stream> stream) {
  if (shutting_down_) return;  // dropping the stream closes it
  if (ABSL_PREDICT_FALSE(!blocks_.empty()) && blocks_.IsIpBlocked(stream->remote().ip)) {
    stats_.refused_blocked.fetch_add(1, std::memory_order_relaxed);
    KLOG(context_.logger, WARNING) << "refusing the connection from " << stream->remote().ToString()
                                   << ": its IP address is blocked";
    return;
  }
  if (connections_.size() >= config_.hard_connection_limit) {
    stats_.refused_hard_limit.fetch_add(1, std::memory_order_relaxed);
    KLOG(context_.logger, WARNING) << "refusing the connection from " << stream->remote().ToString()
                                   << ": the hard connection limit of " << config_.hard_connection_limit
                                   << " open connections is reached";
    Emit(HardConnectionLimitReached{connections_.size(), config_.hard_connection_limit,
                                    stream->remote().ToString()});
    return;
  }
  const IpAddress ip = stream->remote().ip;
  std::unique_ptr<Connection> c = Connection::Accepted(context_, *this, std::move(stream));
  Connection* raw = c.get();
  raw->serial = ++connection_serial_;
  connections_.emplace(raw, Entry{std::move(c), nullptr});
  stats_.open_connections.fetch_add(1, std::memory_order_relaxed);
  if (std::optional<std::string> beyond = PendingLimitExceeded(ip)) {
    // Refused at once, through the same close path as every refusal (OnClosed
    // counts, logs and indicates it); nothing was read from it.
    raw->Close(RefusalError(RefusalReason::kPendingLimit, *beyond), wire::CONNECTION_LIMIT);
    return;
  }
  raw->pending = true;
  ++pending_inbound_;
  ++pending_by_ip_[ip.ToString()];
}

std::optional<std::string> NetworkCore::PendingLimitExceeded(const IpAddress& ip) const {
  if (pending_inbound_ >= config_.max_pending_connections) {
    return absl::StrCat(pending_inbound_, " inbound connections are waiting for their handshake, the limit (",
                        "kompact.net.max-pending-connections) is ", config_.max_pending_connections);
  }
  const auto it = pending_by_ip_.find(ip.ToString());
  if (it != pending_by_ip_.end() && it->second >= config_.max_pending_connections_per_ip) {
    return absl::StrCat(
        it->second, " inbound connections from ", ip.ToString(),
        " are waiting for their handshake, the limit (kompact.net.max-pending-connections-per-ip) is ",
        config_.max_pending_connections_per_ip);
  }
  return std::nullopt;
}

void NetworkCore::ReleasePending(Connection& c) {
  if (!std::exchange(c.pending, false)) return;
  --pending_inbound_;
  const std::optional<Endpoint> socket = c.remote_endpoint();
  if (!socket.has_value()) return;
  auto it = pending_by_ip_.find(socket->ip.ToString());
  if (it != pending_by_ip_.end() && --it->second == 0) pending_by_ip_.erase(it);
}

absl::Status NetworkCore::Admit(const Connection& c) {
  if (!pins_.empty()) KOMPACT_RETURN_IF_ERROR(CheckPin(c));
  if (ABSL_PREDICT_TRUE(blocks_.empty())) return absl::OkStatus();
  const std::optional<Endpoint> socket = c.remote_endpoint();
  const bool blocked = socket.has_value() ? blocks_.IsBlockedConnection(c.remote_system(), socket->ip)
                                          : blocks_.IsBlocked(c.remote_system());
  if (!blocked) return absl::OkStatus();
  stats_.refused_blocked.fetch_add(1, std::memory_order_relaxed);
  return absl::PermissionDeniedError(
      absl::StrCat(c.remote_system().ToString(), " is blocked by ", context_.local_system.ToString()));
}

absl::Status NetworkCore::CheckPin(const Connection& c) const {
  for (const TlsPin& pin : pins_) {
    if (pin.system != c.remote_system()) continue;
    const PeerIdentity* identity = c.peer_identity();
    if (identity != nullptr && pin.pattern.Matches(*identity)) return absl::OkStatus();
    return RefusalError(
        RefusalReason::kPinMismatch,
        absl::StrCat("the peer ", c.remote_address(), " announces ", c.remote_system().ToString(),
                     " but its certificate (", identity != nullptr ? identity->ToString() : "none",
                     ") does not match the identity pinned for it: ", pin.pattern.text()));
  }
  return absl::OkStatus();
}

void NetworkCore::OnEstablished(Connection& c) {
  auto it = connections_.find(&c);
  if (it == connections_.end()) return;
  ReleasePending(c);
  Peer* peer = it->second.peer;
  if (shutting_down_ && (peer == nullptr || peer->dialling != &c)) {
    c.CloseGracefully("the system is shutting down");
    return;
  }
  if (const PeerIdentity* identity = c.peer_identity(); identity != nullptr) {
    // A dialled peer chose this session id: it must not be another session's (and
    // with it, that session's identity).
    absl::Status added = identities_.Add(c.session(), std::make_shared<const PeerIdentity>(*identity));
    if (!added.ok()) {
      KLOG(context_.logger, WARNING) << "closing the connection with " << c.remote_address() << " ("
                                     << c.remote_system() << "): " << added.message();
      c.Close(absl::DataLossError(absl::StrCat("the peer ", c.remote_address(), " chose a session id that ",
                                               "is taken: ", added.message())));
      return;
    }
    c.identity_known = true;
  }
  if (peer == nullptr) {
    peer = &peers_.FindOrCreate(c.remote_system());
    it->second.peer = peer;
  }
  if (peer->dialling == &c) peer->dialling = nullptr;
  stats_.connections_established.fetch_add(1, std::memory_order_relaxed);
  Connection* old = peer->active;
  if (old != nullptr && old != &c && old->established()) {
    const bool new_incarnation = old->remote_incarnation() != c.remote_incarnation();
    const bool keep_new = new_incarnation || Preferred(c) || !Preferred(*old);
    stats_.merged.fetch_add(1, std::memory_order_relaxed);
    if (!keep_new) {
      KLOG(context_.logger, DEBUG) << "second connection with " << peer->key << " (session " << c.session()
                                   << ") closed: session " << old->session() << " is kept";
      c.CloseGracefully("merged: a simultaneous connection is kept");
      return;
    }
    KLOG(context_.logger, DEBUG) << "connection with " << peer->key << " (session " << old->session()
                                 << ") replaced by session " << c.session();
    peer->active = &c;
    if (new_incarnation) {
      old->Close(absl::UnavailableError("the peer restarted (new incarnation)"));
    } else {
      old->CloseGracefully("merged: a simultaneous connection is kept");
    }
  } else {
    peer->active = &c;
  }
  KLOG(context_.logger, INFO) << "connected to " << peer->key << " at " << c.remote_address() << " (session "
                              << c.session() << ")";
  peer->state = Peer::State::kConnected;
  peer->attempts = 0;
  peer->wanted = false;
  c.last_used = ++use_clock_;
  c.announced = true;
  const PeerIdentity* identity = c.peer_identity();
  Emit(ConnectionEstablished{peer->key, c.session(), c.remote_address(),
                             identity != nullptr ? identity->ToString() : std::string(), c.security()});
  if (peer->retry_scheduled) {
    dispatcher_context_.timer().Cancel(peer->retry_timer);
    peer->retry_scheduled = false;
  }
  TakeInbox(*peer);
  Pump(*peer);
  if (peer->active == &c && c.established()) EnforceSoftLimit(c);
}

void NetworkCore::OnMessage(Connection& /*connection*/, NetMessage&& message) {
  stats_.messages_received.fetch_add(1, std::memory_order_relaxed);
  if (ABSL_PREDICT_TRUE(IsLocal(message.receiver().system()))) {
    registry_.DeliverLocally(std::move(message), remote_origin_);
    return;
  }
  DeadLetter(message, absl::StrCat("arrived over the network at ", context_.local_system.ToString(),
                                   " but is addressed to another system"));
}

void NetworkCore::OnWritable(Connection& c) {
  auto it = connections_.find(&c);
  if (it == connections_.end() || it->second.peer == nullptr) return;
  if (it->second.peer->active == &c) {
    TakeInbox(*it->second.peer);
    Pump(*it->second.peer);
  }
}

void NetworkCore::OnThrottled(Connection& c, absl::Duration wait, bool new_episode) {
  if (shutting_down_) {
    c.LiftInboundRateLimit();
    return;
  }
  stats_.throttled_reads.fetch_add(1, std::memory_order_relaxed);
  auto it = connections_.find(&c);
  if (new_episode && it != connections_.end()) {
    const SystemPath system = it->second.peer != nullptr ? it->second.peer->key : c.remote_system();
    KLOG(context_.logger, INFO) << "the connection with " << system << " at " << c.remote_address()
                                << " (session " << c.session()
                                << ") exceeds its inbound rate limit: reading it pauses";
    Emit(InboundRateLimited{system, c.session(), c.remote_address()});
  }
  // Resumed by a one-shot timer; the serial tells a later connection at the same
  // address apart from this one.
  Connection* raw = &c;
  const uint64_t serial = c.serial;
  absl::StatusOr<TimerId> timer =
      dispatcher_context_.timer().ScheduleOnce(wait, [this, raw, serial](TimerId) {
        transport_->Post([this, raw, serial] {
          resume_timers_.erase(serial);
          auto found = connections_.find(raw);
          if (found != connections_.end() && raw->serial == serial) raw->ResumeReading();
        });
      });
  if (timer.ok()) {
    resume_timers_[serial] = *timer;
  } else {
    KLOG(context_.logger, WARNING) << "cannot schedule resuming " << c.remote_address() << ": "
                                   << timer.status() << "; resuming it at once";
    c.ResumeReading();
  }
}

void NetworkCore::ReportRefusal(const Connection& c, const Peer* peer, RefusalReason reason,
                                const absl::Status& why) {
  stats_.connections_refused.fetch_add(1, std::memory_order_relaxed);
  const uint64_t count =
      stats_.refused_by_reason[static_cast<size_t>(reason)].fetch_add(1, std::memory_order_relaxed) + 1;
  const bool inbound = c.role() == Connection::Role::kAcceptor;
  const SystemPath system = peer != nullptr ? peer->key : c.remote_system();
  const std::string named = system == SystemPath() ? std::string("system not known yet") : system.ToString();
  KLOG(context_.logger, WARNING) << (inbound ? "refused the inbound connection from "
                                             : "refused the outbound connection to ")
                                 << c.remote_address() << " (" << named << "): " << RefusalReasonName(reason)
                                 << ": " << why.message();
  Emit(ConnectionRefused{c.remote_address(), system, inbound, reason, std::string(why.message()), count});
}

void NetworkCore::OnClosed(Connection& c, const absl::Status& why, bool graceful) {
  auto it = connections_.find(&c);
  if (it == connections_.end()) return;
  Peer* peer = it->second.peer;
  ReleasePending(c);
  graveyard_.push_back(std::move(it->second.connection));
  connections_.erase(it);
  stats_.open_connections.fetch_sub(1, std::memory_order_relaxed);
  transport_->Post([this] { Reap(); });
  if (c.identity_known) identities_.Retire(c.session());
  if (c.protocol_error() || (!why.ok() && absl::IsDataLoss(why)))
    stats_.protocol_errors.fetch_add(1, std::memory_order_relaxed);
  // A refusal (net/refusal.h) of a connection that never carried a session: counted,
  // logged and indicated here, for every reason, before the dialler's retries.
  if (!c.announced) {
    if (const std::optional<RefusalReason> reason = RefusalOf(why)) ReportRefusal(c, peer, *reason, why);
  }
  if (!why.ok() && absl::IsInternal(why)) stats_.connection_faults.fetch_add(1, std::memory_order_relaxed);
  // The session announced by ConnectionEstablished ends here, whether or not it is
  // still the one in use (a merge or a restarted peer may have replaced it).
  // Counters first: whoever reacts to the indication sees them updated.
  if (peer != nullptr && peer->active == &c) {
    (graceful ? stats_.connections_closed : stats_.connections_lost).fetch_add(1, std::memory_order_relaxed);
  }
  if (c.announced && peer != nullptr) {
    if (graceful) {
      Emit(ConnectionClosed{peer->key, c.session()});
    } else {
      stats_.unacknowledged_at_loss.fetch_add(c.unacknowledged(), std::memory_order_relaxed);
      Emit(ConnectionLost{peer->key, c.session(), std::string(why.message()), c.unacknowledged()});
    }
  }
  if (peer != nullptr) {
    if (peer->dialling == &c) {
      peer->dialling = nullptr;
      if (peer->active == nullptr) AttemptFailed(*peer, why);
    } else if (peer->active == &c) {
      peer->active = nullptr;
      peer->state = Peer::State::kIdle;
      if (!shutting_down_ && Blocked(*peer)) {
        KLOG(context_.logger, INFO) << "connection with " << peer->key << " (session " << c.session()
                                    << ") closed: the system is blocked";
        DropBlocked(*peer, /*report=*/true);
      } else if (graceful) {
        KLOG(context_.logger, INFO) << "connection with " << peer->key << " (session " << c.session()
                                    << ") closed";
        if (shutting_down_) {
          DropPending(*peer, "the system shut down before it could be sent", stats_.dropped_shutdown);
        } else {
          Pump(*peer);  // what is still queued dials again
        }
      } else {
        KLOG(context_.logger, WARNING) << "lost the connection with " << peer->key << " (session "
                                       << c.session() << "): " << why << "; reconnecting";
        peer->attempts = 0;
        if (shutting_down_) {
          DropPending(*peer, "the system shut down before it could be sent", stats_.dropped_shutdown);
        } else if (peer->dialling == nullptr) {
          StartDial(*peer);
        }
      }
    }
  } else if (!why.ok() && !c.established()) {
    KLOG(context_.logger, DEBUG) << "inbound connection from " << c.remote_address()
                                 << " closed before its handshake: " << why;
  }
  if (shutting_down_ && connections_.empty()) {
    std::lock_guard<std::mutex> lock(shutdown_mu_);
    all_closed_ = true;
    shutdown_cv_.notify_all();
  }
}

void NetworkCore::Reap() { graveyard_.clear(); }

// ---- network thread: the tick --------------------------------------------------------------

std::vector<Connection*> NetworkCore::ConnectionsInOrder() const {
  std::vector<Connection*> all;
  all.reserve(connections_.size());
  for (const auto& [c, entry] : connections_) all.push_back(c);
  std::sort(all.begin(), all.end(),
            [](const Connection* a, const Connection* b) { return a->serial < b->serial; });
  return all;
}

void NetworkCore::Tick() {
  ++ticks_;
  Reap();
  const uint32_t handshake_ticks = TicksFor(config_.handshake_timeout, tick_);
  const uint32_t closing_ticks = TicksFor(config_.shutdown_timeout, tick_);
  const bool heartbeats = config_.heartbeat_interval > absl::ZeroDuration();
  const uint32_t silent_limit = TicksFor(config_.heartbeat_timeout, tick_);
  for (Connection* c : ConnectionsInOrder()) {
    if (!connections_.contains(c)) continue;
    ++c->ticks_alive;
    // A connection paused by its inbound rate limit is not silent: we are not reading it.
    const bool heard = c->TakeReceivedSinceTick() || c->throttled();
    if (heard) c->last_used = ++use_clock_;
    if (c->stalled()) c->RetryRead();
    if (c->closed()) continue;
    switch (c->state()) {
      case Connection::State::kConnecting:
      case Connection::State::kHandshake:
        if (c->ticks_alive >= handshake_ticks) {
          stats_.handshake_timeouts.fetch_add(1, std::memory_order_relaxed);
          c->Close(RefusalError(
              RefusalReason::kHandshakeTimeout,
              absl::StrCat("no handshake within ", absl::FormatDuration(config_.handshake_timeout), " from ",
                           c->remote_address())));
        }
        break;
      case Connection::State::kEstablished:
        c->silent_ticks = heard ? 0 : c->silent_ticks + 1;
        if (heartbeats && c->silent_ticks >= silent_limit) {
          c->Close(absl::UnavailableError(absl::StrCat("nothing received from ", c->remote_address(), " for ",
                                                       absl::FormatDuration(c->silent_ticks * tick_),
                                                       " (heartbeat timeout)")));
          break;
        }
        if (heartbeats) c->HeartbeatIfIdle();
        break;
      case Connection::State::kClosing:
        if (++c->closing_ticks >= closing_ticks) {
          c->Close(absl::DeadlineExceededError("the peer did not answer Bye in time"));
        }
        break;
      case Connection::State::kClosed:
        break;
    }
  }
}

// ---- UDP ----------------------------------------------------------------------------------

void NetworkCore::PumpUdp() {
  udp_scheduled_.store(false, std::memory_order_seq_cst);
  for (auto* n = udp_inbox_.TakeAll(); n != nullptr;) {
    auto* node = static_cast<OutNode*>(n);
    n = n->next.load(std::memory_order_relaxed);
    udp_pending_.Append(node);
  }
  if (udp_pending_.empty()) return;
  // Encode every pending message into its own datagram buffer.
  std::vector<OutNode*> nodes;
  std::vector<Transport::Datagram> datagrams;
  size_t used = 0;
  for (OutNode* node = udp_pending_.head; node != nullptr;
       node = static_cast<OutNode*>(node->next.load(std::memory_order_relaxed))) {
    nodes.push_back(node);
  }
  if (udp_buffers_.size() < nodes.size()) udp_buffers_.resize(nodes.size());
  std::vector<size_t> encoded;  // index into nodes, for the datagrams
  for (size_t i = 0; i < nodes.size(); ++i) {
    const NetMessage& m = nodes[i]->message;
    std::vector<uint8_t>& buf = udp_buffers_[used];
    buf.clear();
    VectorBufMut payload;
    absl::Status s = m.data().SerialiseTo(payload);
    DataFrameHead head;
    head.receiver = PathRef{0, &m.receiver()};
    head.sender = PathRef{0, &m.sender()};
    head.ser_id = static_cast<uint64_t>(m.ser_id());
    head.seq = 1;
    if (s.ok()) s = AppendDataFrameHead(head, payload.bytes().size(), config_.max_frame_size, buf);
    if (s.ok() && buf.size() + payload.bytes().size() > kMaxDatagram) {
      s = absl::ResourceExhaustedError(absl::StrCat("a ", buf.size() + payload.bytes().size(),
                                                    "-byte frame does not fit a UDP datagram (at most ",
                                                    kMaxDatagram, " bytes)"));
    }
    if (!s.ok()) {
      stats_.datagrams_dropped.fetch_add(1, std::memory_order_relaxed);
      DeadLetter(m, absl::StrCat("cannot be sent over UDP: ", s.message()));
      continue;
    }
    buf.insert(buf.end(), payload.bytes().begin(), payload.bytes().end());
    datagrams.push_back(Transport::Datagram{Endpoint::Of(m.receiver().system()), buf});
    encoded.push_back(i);
    ++used;
  }
  const size_t sent = transport_->SendDatagrams(datagrams, [&](size_t index, const absl::Status& s) {
    stats_.datagrams_dropped.fetch_add(1, std::memory_order_relaxed);
    DeadLetter(nodes[encoded[index]]->message, absl::StrCat("UDP send failed: ", s.message()));
  });
  stats_.datagrams_sent.fetch_add(sent, std::memory_order_relaxed);
  // Everything up to the last sent (or refused) datagram is done; unencodable ones
  // before it too. What would block stays queued for the next wake-up.
  const size_t done_nodes = sent == datagrams.size() ? nodes.size() : encoded[sent];
  for (size_t i = 0; i < done_nodes; ++i) base_internal::DeleteNode(udp_pending_.PopFront());
}

void NetworkCore::OnDatagram(const Endpoint& from, std::span<const uint8_t> datagram) {
  auto reject = [&](const absl::Status& why) {
    stats_.datagrams_dropped.fetch_add(1, std::memory_order_relaxed);
    KLOG(context_.logger, WARNING) << "dropping a " << datagram.size() << "-byte datagram from "
                                   << from.ToString() << ": " << why;
  };
  if (datagram.size() < kFrameHeaderSize) {
    reject(absl::DataLossError("shorter than a frame header"));
    return;
  }
  absl::StatusOr<FrameHeader> header = DecodeFrameHeader(datagram, config_.max_frame_size);
  if (!header.ok()) {
    reject(header.status());
    return;
  }
  if (header->type != FrameType::kData || header->length != datagram.size() - kFrameHeaderSize) {
    reject(absl::DataLossError(absl::StrCat("expected one whole Data frame, got a ",
                                            AsAbsl(FrameTypeName(header->type)), " frame of ", header->length,
                                            " bytes")));
    return;
  }
  std::span<const uint8_t> body = datagram.subspan(kFrameHeaderSize);
  absl::StatusOr<DecodedDataHeader> head = DecodeDataHeader(body);
  if (!head.ok()) {
    reject(head.status());
    return;
  }
  if (!head->receiver.path || !head->sender.path) {
    reject(absl::DataLossError("UDP Data frames must carry full paths"));
    return;
  }
  std::span<const uint8_t> payload = body.subspan(head->payload_offset);
  NetMessage message(*std::move(head->sender.path), *std::move(head->receiver.path),
                     NetData::FromBytes(static_cast<SerId>(head->ser_id),
                                        std::vector<uint8_t>(payload.begin(), payload.end())));
  stats_.datagrams_received.fetch_add(1, std::memory_order_relaxed);
  if (IsLocal(message.receiver().system())) {
    registry_.DeliverLocally(std::move(message), remote_origin_);
  } else {
    DeadLetter(message, "arrived over UDP but is addressed to another system");
  }
}

// ---- control plane ---------------------------------------------------------------------------

uint64_t NetworkCore::AddStatusListener(NetworkStatusListener listener) {
  std::lock_guard<std::mutex> lock(listeners_mu_);
  const uint64_t id = next_listener_id_++;
  listeners_.emplace_back(id, std::move(listener));
  has_listeners_.store(true, std::memory_order_release);
  return id;
}

void NetworkCore::RemoveStatusListener(uint64_t id) {
  std::lock_guard<std::mutex> lock(listeners_mu_);
  std::erase_if(listeners_, [id](const auto& entry) { return entry.first == id; });
  has_listeners_.store(!listeners_.empty(), std::memory_order_release);
}

void NetworkCore::Emit(NetworkStatusIndication indication) {
  if (!has_listeners_.load(std::memory_order_acquire)) return;
  std::lock_guard<std::mutex> lock(listeners_mu_);
  for (auto& [id, listener] : listeners_) listener(indication);
}

void NetworkCore::Request(NetworkStatusRequest request) {
  if (shut_down_.load(std::memory_order_acquire)) return;
  transport_->Post([this, request = std::move(request)]() mutable { Apply(request); });
}

void NetworkCore::InjectNetworkThreadFault(std::string what) {
  transport_->Post([what = std::move(what)] { throw std::runtime_error(what); });
}

void NetworkCore::PoisonSystem(std::string_view reason) { dispatcher_context_.Poison(reason); }

bool NetworkCore::Blocked(Peer& peer) {
  if (peer.blocks_version != blocks_.version()) {
    peer.blocked = blocks_.IsBlocked(peer.key);
    peer.blocks_version = blocks_.version();
  }
  return peer.blocked;
}

void NetworkCore::DropBlocked(Peer& peer, bool report) {
  const std::string reason = absl::StrCat(peer.key.ToString(), " is blocked");
  const uint64_t dropped = peer.pending.count;
  DropPending(peer, reason, stats_.dropped_blocked);
  const bool wanted = std::exchange(peer.wanted, false);
  if (peer.retry_scheduled) {
    dispatcher_context_.timer().Cancel(peer.retry_timer);
    peer.retry_scheduled = false;
  }
  if (report || dropped > 0 || wanted) Emit(ConnectionDropped{peer.key, dropped, reason});
}

void NetworkCore::ApplyBlockRules() {
  std::vector<Connection*> refused;
  for (Connection* c : ConnectionsInOrder()) {
    const Entry& entry = connections_.at(c);
    if (c->closed()) continue;
    const std::optional<Endpoint> socket = c->remote_endpoint();
    bool blocked;
    if (entry.peer != nullptr) {
      blocked = socket.has_value() ? blocks_.IsBlockedConnection(entry.peer->key, socket->ip)
                                   : blocks_.IsBlocked(entry.peer->key);
    } else if (c->established()) {
      blocked = socket.has_value() && blocks_.IsBlockedConnection(c->remote_system(), socket->ip);
    } else {
      blocked = socket.has_value() && blocks_.IsIpBlocked(socket->ip);
    }
    if (blocked) refused.push_back(c);
  }
  for (Connection* c : refused) {
    if (!connections_.contains(c) || c->closed()) continue;
    stats_.refused_blocked.fetch_add(1, std::memory_order_relaxed);
    KLOG(context_.logger, WARNING) << "closing the connection with " << c->remote_address() << " ("
                                   << c->remote_system() << "): blocked";
    c->Close(absl::PermissionDeniedError(absl::StrCat(c->remote_system().ToString(), " is blocked by ",
                                                      context_.local_system.ToString())),
             wire::BLOCKED);
  }
  // Blocked systems without a connection: drop what waits for them.
  peers_.ForEach([&](Peer& peer) {
    if (peer.active == nullptr && peer.dialling == nullptr && Blocked(peer) &&
        (!peer.pending.empty() || peer.wanted || peer.retry_scheduled)) {
      peer.attempts = 0;
      peer.state = Peer::State::kIdle;
      DropBlocked(peer, /*report=*/true);
    }
  });
}

void NetworkCore::EnforceSoftLimit(const Connection& added) {
  size_t established = 0;
  Connection* lru = nullptr;
  for (Connection* c : ConnectionsInOrder()) {
    const Entry& entry = connections_.at(c);
    if (entry.peer == nullptr || entry.peer->active != c || !c->established()) continue;
    ++established;
    if (c == &added) continue;
    // Traffic since the last look counts as use now.
    const uint64_t frames = c->counters().frames_in + c->counters().frames_out;
    if (frames != c->frames_seen) {
      c->frames_seen = frames;
      c->last_used = ++use_clock_;
    }
    if (lru == nullptr || c->last_used < lru->last_used) lru = c;
  }
  if (established <= config_.soft_connection_limit || lru == nullptr) return;
  stats_.evicted_soft_limit.fetch_add(1, std::memory_order_relaxed);
  const SystemPath evicted = connections_[lru].peer->key;
  KLOG(context_.logger, INFO) << established << " established connections exceed the soft limit of "
                              << config_.soft_connection_limit << ": closing the least recently used, with "
                              << evicted << " (session " << lru->session() << ")";
  Emit(SoftConnectionLimitExceeded{established, config_.soft_connection_limit, evicted});
  lru->CloseGracefully("the soft connection limit is exceeded");
}

ConnectionsSnapshot NetworkCore::Snapshot() {
  ConnectionsSnapshot snapshot;
  for (Connection* c : ConnectionsInOrder()) {
    const Entry& entry = connections_.at(c);
    if (c->closed()) continue;
    ConnectionInfo info;
    info.system = entry.peer != nullptr ? entry.peer->key : c->remote_system();
    info.session = c->session();
    switch (c->state()) {
      case Connection::State::kConnecting:
        info.state = ConnectionInfo::State::kConnecting;
        break;
      case Connection::State::kHandshake:
        info.state = ConnectionInfo::State::kHandshake;
        break;
      case Connection::State::kEstablished:
        info.state = ConnectionInfo::State::kEstablished;
        break;
      case Connection::State::kClosing:
      case Connection::State::kClosed:
        info.state = ConnectionInfo::State::kClosing;
        break;
    }
    info.inbound = c->role() == Connection::Role::kAcceptor;
    info.active = entry.peer != nullptr && entry.peer->active == c;
    info.remote_address = c->remote_address();
    if (info.active) info.queued_messages = entry.peer->pending.count;
    info.buffered_bytes = c->buffered_bytes();
    info.messages_in = c->counters().messages_in;
    info.messages_out = c->counters().messages_out;
    info.bytes_in = c->counters().bytes_in;
    info.bytes_out = c->counters().bytes_out;
    snapshot.connections.push_back(std::move(info));
  }
  peers_.ForEach([&](Peer& peer) {
    TakeInbox(peer);
    if (!peer.pending.empty() && (peer.active == nullptr || !peer.active->established()))
      snapshot.waiting.push_back(peer.key);
  });
  return snapshot;
}

void NetworkCore::Apply(NetworkStatusRequest& request) {
  if (shutting_down_ || failed_) return;
  struct Visitor {
    NetworkCore& core;
    void Rules(bool changed) {
      if (changed) core.ApplyBlockRules();
    }
    void operator()(const ConnectSystem& r) {
      if (core.IsLocal(r.system)) {
        KLOG(core.context_.logger, WARNING) << "ConnectSystem " << r.system << ": that is this system";
        return;
      }
      Peer& peer = core.peers_.FindOrCreate(r.system);
      peer.wanted = true;
      core.TakeInbox(peer);
      core.Pump(peer);
      if (peer.active != nullptr && peer.active->established()) peer.wanted = false;
    }
    void operator()(const DisconnectSystem& r) {
      Peer* peer = core.peers_.Find(r.system);
      if (peer == nullptr || peer->active == nullptr || !peer->active->established()) {
        KLOG(core.context_.logger, WARNING) << "DisconnectSystem " << r.system << ": not connected";
        return;
      }
      peer->wanted = false;
      core.TakeInbox(*peer);
      core.Pump(*peer);  // what is queued goes out before Bye
      if (peer->active != nullptr && peer->active->established())
        peer->active->CloseGracefully("DisconnectSystem was requested");
    }
    void operator()(const BlockSystem& r) {
      const bool changed = core.blocks_.BlockSystem(r.system);
      core.Emit(BlockedSystem{r.system});
      Rules(changed);
    }
    void operator()(const BlockIp& r) {
      const bool changed = core.blocks_.BlockNet(IpNet(r.ip));
      core.Emit(BlockedIp{r.ip});
      Rules(changed);
    }
    void operator()(const BlockIpNet& r) {
      const bool changed = core.blocks_.BlockNet(r.net);
      core.Emit(BlockedIpNet{r.net});
      Rules(changed);
    }
    void operator()(const AllowSystem& r) {
      core.blocks_.AllowSystem(r.system);
      core.Emit(AllowedSystem{r.system});
    }
    void operator()(const AllowIp& r) {
      core.blocks_.AllowNet(IpNet(r.ip));
      core.Emit(AllowedIp{r.ip});
    }
    void operator()(const AllowIpNet& r) {
      core.blocks_.AllowNet(r.net);
      core.Emit(AllowedIpNet{r.net});
    }
    void operator()(const QueryConnections&) { core.Emit(core.Snapshot()); }
  };
  std::visit(Visitor{*this}, request);
}

void NetworkCore::OnTransportFault(std::string_view what, bool fatal) {
  if (failed_) return;
  // Time in ticks of the system's timer, not the clock: a simulated system's
  // restarts count in virtual time.
  const uint64_t window = TicksFor(kRestartWindow, tick_);
  std::erase_if(restarts_, [&](uint64_t t) { return ticks_ - t > window; });
  if (!fatal && static_cast<int>(restarts_.size()) >= kMaxRestarts) fatal = true;
  // Every connection is suspect after a fault outside them: close them all.
  const std::vector<Connection*> all = ConnectionsInOrder();
  const std::string reason = absl::StrCat("the network thread failed: ", AsAbsl(what));
  for (Connection* c : all) {
    if (connections_.contains(c) && !c->closed()) c->Close(absl::UnavailableError(reason));
  }
  if (fatal) {
    failed_ = true;
    KLOG(context_.logger, ERROR) << reason << "; giving up (" << restarts_.size() << " restarts within "
                                 << kRestartWindow << ")";
    // The status provider poisons the system once it has passed the indication on
    // (poisoning first would kill it before it could); without one, poison now.
    if (has_listeners_.load(std::memory_order_acquire)) {
      Emit(CriticalNetworkFailure{reason, /*recovered=*/false});
    } else {
      PoisonSystem(reason);
    }
    return;
  }
  restarts_.push_back(ticks_);
  stats_.network_thread_restarts.fetch_add(1, std::memory_order_relaxed);
  KLOG(context_.logger, ERROR) << reason << "; restarted with fresh connections";
  // Senders whose batch was in flight: take their queues again.
  peers_.ForEach([&](Peer& peer) {
    TakeInbox(peer);
    Pump(peer);
  });
  Emit(CriticalNetworkFailure{reason, /*recovered=*/true});
}

// ---- shutdown -----------------------------------------------------------------------------

void NetworkCore::BeginShutdown() {
  shutting_down_ = true;
  // The closing handshake is read at full speed (the timers that resume throttled
  // connections may not run any more).
  if (context_.inbound_rate_limit.enabled()) {
    for (const auto& [serial, timer] : resume_timers_) dispatcher_context_.timer().Cancel(timer);
    resume_timers_.clear();
    for (Connection* c : ConnectionsInOrder()) c->LiftInboundRateLimit();
  }
  // Connections that are established close after what is queued for them; a dial
  // in progress may still finish and flush; anything else queued is dropped.
  std::vector<Connection*> inbound;
  for (Connection* c : ConnectionsInOrder()) {
    if (connections_.at(c).peer == nullptr) inbound.push_back(c);
  }
  for (Connection* c : inbound) c->Close(absl::CancelledError("the system is shutting down"));
  peers_.ForEach([&](Peer& peer) {
    TakeInbox(peer);
    if (peer.retry_scheduled) {
      dispatcher_context_.timer().Cancel(peer.retry_timer);
      peer.retry_scheduled = false;
    }
    if (peer.active != nullptr && peer.active->established()) {
      Pump(peer);  // ends with Bye once the queue is empty
    } else if (peer.dialling == nullptr) {
      DropPending(peer, "the system shut down before it could be sent", stats_.dropped_shutdown);
    }
  });
  if (connections_.empty()) {
    std::lock_guard<std::mutex> lock(shutdown_mu_);
    all_closed_ = true;
    shutdown_cv_.notify_all();
  }
}

void NetworkCore::Shutdown() {
  if (shut_down_.exchange(true, std::memory_order_acq_rel)) return;
  if (tick_started_) dispatcher_context_.timer().Cancel(tick_timer_);
  transport_->Post([this] { BeginShutdown(); });
  const auto all_closed = [&] {
    std::lock_guard<std::mutex> lock(shutdown_mu_);
    return all_closed_;
  };
  // A simulated transport runs the network thread's events here; a threaded one
  // has its own thread, so this thread waits.
  std::optional<bool> closed = transport_->DriveUntil(all_closed, config_.shutdown_timeout);
  if (!closed.has_value()) {
    std::unique_lock<std::mutex> lock(shutdown_mu_);
    closed = shutdown_cv_.wait_for(lock, absl::ToChronoNanoseconds(config_.shutdown_timeout),
                                   [&] { return all_closed_; });
  }
  if (!*closed) {
    KLOG(context_.logger, WARNING) << "shutdown: connections still open after " << config_.shutdown_timeout
                                   << "; closing them";
  }
  transport_->Stop();
  // The network thread is gone: close what is left from here.
  stats_.open_connections.fetch_sub(static_cast<int64_t>(connections_.size()), std::memory_order_relaxed);
  for (auto& [c, entry] : connections_) graveyard_.push_back(std::move(entry.connection));
  connections_.clear();
  graveyard_.clear();
  // Whatever is still queued (pushed concurrently with shutdown) becomes dead letters.
  peers_.ForEach([&](Peer& peer) {
    TakeInbox(peer);
    DropPending(peer, "the system shut down before it could be sent", stats_.dropped_shutdown);
  });
  udp_scheduled_.store(false);
  for (auto* n = udp_inbox_.TakeAll(); n != nullptr;) {
    auto* node = static_cast<OutNode*>(n);
    n = n->next.load(std::memory_order_relaxed);
    udp_pending_.Append(node);
  }
  while (OutNode* node = udp_pending_.PopFront()) {
    stats_.dropped_shutdown.fetch_add(1, std::memory_order_relaxed);
    DeadLetter(node->message, "the system shut down before it could be sent");
    base_internal::DeleteNode(node);
  }
}

}  // namespace kompact::net
