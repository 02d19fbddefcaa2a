#include "net/network_core.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/absl_compat.h"
#include "net/frame.h"

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
      delivery_(registry),
      transport_(std::move(transport)),
      receive_pool_(std::move(receive_pool)),
      tick_(TickOf(config)) {
  context_.local_system = local_system;
  context_.local_incarnation = Uuid::Random();
  context_.max_frame_size = config.max_frame_size;
  context_.receive_pool = &receive_pool_;
  context_.logger = context.logger().WithContext("net", local_system.ToString());
}

NetworkCore::~NetworkCore() { Shutdown(); }

absl::Status NetworkCore::Start() {
  Transport::Callbacks callbacks;
  callbacks.on_accept = [this](std::unique_ptr<Stream> s) { OnAccept(std::move(s)); };
  callbacks.on_wake = [this] { OnWake(); };
  callbacks.on_datagram = [this](const Endpoint& from, std::span<const uint8_t> d) { OnDatagram(from, d); };
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
    c->Flush();
    // At shutdown, Bye follows the last queued message.
    if (shutting_down_ && peer.pending.empty() && c->established())
      c->CloseGracefully("the system is shutting down");
    return;
  }
  if (!peer.pending.empty() && peer.dialling == nullptr && !peer.retry_scheduled && !shutting_down_) {
    StartDial(peer);
  }
}

// ---- network thread: connection lifecycle --------------------------------------------------

void NetworkCore::StartDial(Peer& peer) {
  peer.state = Peer::State::kConnecting;
  std::unique_ptr<Connection> c = Connection::Dialled(context_, *this, peer.key);
  absl::StatusOr<std::unique_ptr<Stream>> stream = transport_->Dial(Endpoint::Of(peer.key), c.get());
  if (!stream.ok()) {
    AttemptFailed(peer, stream.status());
    return;
  }
  c->Attach(*std::move(stream));
  peer.dialling = c.get();
  Connection* raw = c.get();
  connections_.emplace(raw, Entry{std::move(c), &peer});
  stats_.open_connections.fetch_add(1, std::memory_order_relaxed);
}

void NetworkCore::AttemptFailed(Peer& peer, const absl::Status& why) {
  stats_.connect_failures.fetch_add(1, std::memory_order_relaxed);
  peer.last_error = why;
  ++peer.attempts;
  if (shutting_down_) {
    DropPending(peer, absl::StrCat("the system shut down while connecting to ", peer.key.ToString()),
                stats_.dropped_shutdown);
    return;
  }
  if (peer.attempts > config_.max_retry_attempts) {
    KLOG(context_.logger, WARNING) << "giving up on " << peer.key << " after " << peer.attempts
                                   << " connection attempts (last error: " << why << "); dropping "
                                   << peer.pending.count << " queued messages";
    DropPending(peer,
                absl::StrCat("unreachable after ", peer.attempts, " connection attempts: ", why.message()),
                stats_.dropped_unreachable);
    peer.attempts = 0;
    peer.state = Peer::State::kIdle;
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
  std::unique_ptr<Connection> c = Connection::Accepted(context_, *this, std::move(stream));
  Connection* raw = c.get();
  connections_.emplace(raw, Entry{std::move(c), nullptr});
  stats_.open_connections.fetch_add(1, std::memory_order_relaxed);
}

void NetworkCore::OnEstablished(Connection& c) {
  auto it = connections_.find(&c);
  if (it == connections_.end()) return;
  Peer* peer = it->second.peer;
  if (shutting_down_ && (peer == nullptr || peer->dialling != &c)) {
    c.CloseGracefully("the system is shutting down");
    return;
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
  if (peer->retry_scheduled) {
    dispatcher_context_.timer().Cancel(peer->retry_timer);
    peer->retry_scheduled = false;
  }
  TakeInbox(*peer);
  Pump(*peer);
}

void NetworkCore::OnMessage(Connection& /*connection*/, NetMessage&& message) {
  stats_.messages_received.fetch_add(1, std::memory_order_relaxed);
  if (ABSL_PREDICT_TRUE(IsLocal(message.receiver().system()))) {
    delivery_.Deliver(std::move(message));
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

void NetworkCore::OnClosed(Connection& c, const absl::Status& why, bool graceful) {
  auto it = connections_.find(&c);
  if (it == connections_.end()) return;
  Peer* peer = it->second.peer;
  graveyard_.push_back(std::move(it->second.connection));
  connections_.erase(it);
  stats_.open_connections.fetch_sub(1, std::memory_order_relaxed);
  transport_->Post([this] { Reap(); });
  if (!why.ok() && absl::IsDataLoss(why)) stats_.protocol_errors.fetch_add(1, std::memory_order_relaxed);
  if (peer != nullptr) {
    if (peer->dialling == &c) {
      peer->dialling = nullptr;
      if (peer->active == nullptr) AttemptFailed(*peer, why);
    } else if (peer->active == &c) {
      peer->active = nullptr;
      peer->state = Peer::State::kIdle;
      if (graceful) {
        stats_.connections_closed.fetch_add(1, std::memory_order_relaxed);
        KLOG(context_.logger, INFO) << "connection with " << peer->key << " (session " << c.session()
                                    << ") closed";
        if (shutting_down_) {
          DropPending(*peer, "the system shut down before it could be sent", stats_.dropped_shutdown);
        } else {
          Pump(*peer);  // what is still queued dials again
        }
      } else {
        stats_.connections_lost.fetch_add(1, std::memory_order_relaxed);
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

void NetworkCore::Tick() {
  Reap();
  const uint32_t handshake_ticks = TicksFor(config_.handshake_timeout, tick_);
  const uint32_t closing_ticks = TicksFor(config_.shutdown_timeout, tick_);
  const bool heartbeats = config_.heartbeat_interval > absl::ZeroDuration();
  const uint32_t silent_limit = TicksFor(config_.heartbeat_timeout, tick_);
  std::vector<Connection*> all;
  all.reserve(connections_.size());
  for (auto& [c, entry] : connections_) all.push_back(c);
  for (Connection* c : all) {
    if (!connections_.contains(c)) continue;
    ++c->ticks_alive;
    const bool heard = c->TakeReceivedSinceTick();
    if (c->stalled()) c->RetryRead();
    if (c->closed()) continue;
    switch (c->state()) {
      case Connection::State::kConnecting:
      case Connection::State::kHandshake:
        if (c->ticks_alive >= handshake_ticks) {
          c->Close(
              absl::DeadlineExceededError(absl::StrCat("no handshake with ", c->remote_address(), " within ",
                                                       absl::FormatDuration(config_.handshake_timeout))));
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
    registry_.DeliverLocally(std::move(message));
  } else {
    DeadLetter(message, "arrived over UDP but is addressed to another system");
  }
}

// ---- shutdown -----------------------------------------------------------------------------

void NetworkCore::BeginShutdown() {
  shutting_down_ = true;
  // Connections that are established close after what is queued for them; a dial
  // in progress may still finish and flush; anything else queued is dropped.
  std::vector<Connection*> inbound;
  for (auto& [c, entry] : connections_) {
    if (entry.peer == nullptr) inbound.push_back(c);
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
  {
    std::unique_lock<std::mutex> lock(shutdown_mu_);
    if (!shutdown_cv_.wait_for(lock, absl::ToChronoNanoseconds(config_.shutdown_timeout),
                               [&] { return all_closed_; })) {
      KLOG(context_.logger, WARNING) << "shutdown: connections still open after " << config_.shutdown_timeout
                                     << "; closing them";
    }
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
