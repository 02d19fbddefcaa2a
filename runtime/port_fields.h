// Port fields of a component (FEATURES.md C2): ProvidedPort<P> and RequiredPort<P>.
//
//   class Counter : public ComponentDefinition<Counter> {
//     ...
//     HandlerResult Handle(const Increment&) { port_.Trigger(CountChanged{++n_}); ... }
//     static constexpr auto Ports() { return kompact::PortList(&Counter::port_); }
//    private:
//     kompact::ProvidedPort<CounterPort> port_;
//   };
//
// A provided port receives P's requests and triggers P's indications; a required
// port receives indications and triggers requests. Trigger() delivers the event to
// every connected peer (a copy for all but the last, the original moved to the
// last); peers that died are pruned, never crash the sender.
//
// Thread-safety: Trigger, and everything else except Share(), only on the owning
// component's thread (inside its handlers). Connections are made with
// BiconnectComponents / ConnectPorts (runtime/channel.h) from any thread; they are
// applied on each component's own thread.
// Lifetime: port fields live and die with their component; links to peers hold
// weak references, so a port never keeps another component alive.
#ifndef KOMPACT_RUNTIME_PORT_FIELDS_H_
#define KOMPACT_RUNTIME_PORT_FIELDS_H_

#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/node_pool.h"
#include "glog/logging.h"
#include "runtime/component_core.h"
#include "runtime/internal/core_refs.h"
#include "runtime/internal/creation_context.h"
#include "runtime/internal/mpsc_queue.h"
#include "runtime/port.h"

namespace kompact {

template <PortType P>
class ProvidedPort;
template <PortType P>
class RequiredPort;

namespace runtime_internal {

template <typename Storage>
struct PortEventNode : QueueNode {
  template <typename... Args>
  explicit PortEventNode(Args&&... args) : event(std::forward<Args>(args)...) {}
  Storage event;
};

// Delivers `event` into `queue` of component `core`: counts it in the component's
// work first, so the queue (which lives in the component's definition) is only
// touched while the component is known to be alive. False if it was not accepted.
template <typename Storage, typename E>
bool DeliverPortEvent(ComponentCore* core, MpscQueue* queue, E&& event) {
  auto* node = base_internal::NewNode<PortEventNode<Storage>>(std::forward<E>(event));
  if (ABSL_PREDICT_TRUE(core->EnqueuePortEvent(*queue, node))) return true;
  base_internal::DeleteNode(node);
  return false;
}

// The receiving half of a port: a queue of incoming events in its component.
template <typename Storage>
class PortEndpoint {
 public:
  using Node = PortEventNode<Storage>;

  explicit PortEndpoint(ComponentCore& owner) : owner_(&owner) {}
  PortEndpoint(const PortEndpoint&) = delete;
  PortEndpoint& operator=(const PortEndpoint&) = delete;
  ~PortEndpoint() { Drain(); }

  ComponentCore& owner() const { return *owner_; }
  MpscQueue* queue() { return &queue_; }

  // Own thread.
  Node* Pop() { return static_cast<Node*>(queue_.Pop()); }
  uint32_t Drain() {
    uint32_t n = 0;
    while (QueueNode* node = queue_.Pop()) {
      base_internal::DeleteNode(static_cast<Node*>(node));
      ++n;
    }
    return n;
  }

 private:
  ComponentCore* owner_;
  MpscQueue queue_;
};

// The sending half: links to the peers' endpoints this port is connected to.
// Own thread only.
template <typename Storage>
class PortLinks {
 public:
  struct Link {
    WeakCoreRef peer;
    MpscQueue* queue;  // the peer endpoint's queue; used only via DeliverPortEvent
    uint64_t channel;
  };

  template <typename E>
  void Broadcast(E&& event) {
    const size_t n = links_.size();
    if (n == 0) return;
    bool prune = false;
    for (size_t i = 0; i + 1 < n; ++i) {
      if (!DeliverPortEvent<Storage>(links_[i].peer.get(), links_[i].queue, Storage(event))) {
        links_[i].queue = nullptr;
        prune = true;
      }
    }
    Link& last = links_[n - 1];
    if (!DeliverPortEvent<Storage>(last.peer.get(), last.queue, Storage(std::forward<E>(event)))) {
      last.queue = nullptr;
      prune = true;
    }
    if (prune) std::erase_if(links_, [](const Link& l) { return l.queue == nullptr; });
  }
  void Add(Link link) { links_.push_back(std::move(link)); }
  bool Remove(uint64_t channel) {
    return std::erase_if(links_, [channel](const Link& l) { return l.channel == channel; }) > 0;
  }
  size_t size() const { return links_.size(); }

 private:
  std::vector<Link> links_;
};

template <typename E, typename List>
struct IsEventOf;
template <typename E, typename... Ts>
struct IsEventOf<E, TypeList<Ts...>> : std::bool_constant<kIsOneOf<std::remove_cvref_t<E>, Ts...>> {};

uint64_t NextChannelId();

}  // namespace runtime_internal

// A reference to a provided port from outside its component: for triggering
// requests into it (KompactSystem::TriggerRequest) and for connecting it
// (ConnectPorts). Holds a weak reference to the component.
// Thread-safety: any thread.
template <PortType P>
class ProvidedPortRef {
 public:
  // An empty reference, or one to `port` of `component` and its request `queue` (Share()
  // makes these).
  ProvidedPortRef() = default;
  ProvidedPortRef(ComponentCore* component, ProvidedPort<P>* port, runtime_internal::MpscQueue* queue)
      : core_(component), port_(port), queue_(queue) {}
  // The component's core (its state stays readable after it died); nullptr if empty.
  ComponentCore* component() const { return core_.get(); }
  // False for an empty reference (true even once the component died).
  bool valid() const { return static_cast<bool>(core_); }
  // The port and its request queue (the runtime dereferences them only on the
  // port's own thread or after the component accepted an event, so it is alive):
  ProvidedPort<P>* port() const { return port_; }
  runtime_internal::MpscQueue* queue() const { return queue_; }

 private:
  runtime_internal::WeakCoreRef core_;
  ProvidedPort<P>* port_ = nullptr;
  runtime_internal::MpscQueue* queue_ = nullptr;
};

// A reference to a required port from outside its component (see ProvidedPortRef).
template <PortType P>
class RequiredPortRef {
 public:
  // An empty reference, or one to `port` of `component` and its indication `queue` (Share()
  // makes these).
  RequiredPortRef() = default;
  RequiredPortRef(ComponentCore* component, RequiredPort<P>* port, runtime_internal::MpscQueue* queue)
      : core_(component), port_(port), queue_(queue) {}
  // The component's core (its state stays readable after it died); nullptr if empty.
  ComponentCore* component() const { return core_.get(); }
  // False for an empty reference (true even once the component died).
  bool valid() const { return static_cast<bool>(core_); }
  // The port and its indication queue (dereferenced as for ProvidedPortRef):
  RequiredPort<P>* port() const { return port_; }
  runtime_internal::MpscQueue* queue() const { return queue_; }

 private:
  runtime_internal::WeakCoreRef core_;
  RequiredPort<P>* port_ = nullptr;
  runtime_internal::MpscQueue* queue_ = nullptr;
};

// A port of type P that the component provides (see the file comment): a member of the
// definition, listed in its Ports(), that can only be constructed while KompactSystem::Create
// constructs the component (elsewhere it aborts).
template <PortType P>
class ProvidedPort {
 public:
  using PortT = P;                                 // the port type
  using Incoming = typename P::RequestStorage;     // what a received request is stored as
  using Outgoing = typename P::IndicationStorage;  // what a triggered indication is stored as

  ProvidedPort() : incoming_(runtime_internal::CoreUnderConstruction("ProvidedPort")) {
    runtime_internal::NotePortConstructed();
  }
  ProvidedPort(const ProvidedPort&) = delete;
  ProvidedPort& operator=(const ProvidedPort&) = delete;

  // Delivers an indication to every connected required port. Own thread only.
  template <typename E>
  void Trigger(E&& indication) {
    static_assert(runtime_internal::IsEventOf<E, typename P::IndicationTypes>::value,
                  "ProvidedPort<P>::Trigger: this type is not one of P's indications");
    DCHECK(incoming_.owner().IsCurrent()) << "Trigger must be called on the owning component's thread";
    links_.Broadcast(std::forward<E>(indication));
  }

  // Number of connected required ports (own thread).
  size_t connections() const { return links_.size(); }
  // The component this port belongs to.
  ComponentCore& owner() const { return incoming_.owner(); }
  // A reference usable from any thread.
  ProvidedPortRef<P> Share() { return ProvidedPortRef<P>(&owner(), this, incoming_.queue()); }

  // ---- used by the runtime (own thread) ----
  // The queue of received events, and the links to the connected peers:
  runtime_internal::PortEndpoint<Incoming>& incoming() { return incoming_; }
  runtime_internal::PortLinks<Outgoing>& links() { return links_; }

 private:
  runtime_internal::PortEndpoint<Incoming> incoming_;
  runtime_internal::PortLinks<Outgoing> links_;
};

// A port of type P that the component requires (see the file comment); constructed like a
// ProvidedPort.
template <PortType P>
class RequiredPort {
 public:
  using PortT = P;                                 // the port type
  using Incoming = typename P::IndicationStorage;  // what a received indication is stored as
  using Outgoing = typename P::RequestStorage;     // what a triggered request is stored as

  RequiredPort() : incoming_(runtime_internal::CoreUnderConstruction("RequiredPort")) {
    runtime_internal::NotePortConstructed();
  }
  RequiredPort(const RequiredPort&) = delete;
  RequiredPort& operator=(const RequiredPort&) = delete;

  // Delivers a request to every connected provided port. Own thread only.
  template <typename E>
  void Trigger(E&& request) {
    static_assert(runtime_internal::IsEventOf<E, typename P::RequestTypes>::value,
                  "RequiredPort<P>::Trigger: this type is not one of P's requests");
    DCHECK(incoming_.owner().IsCurrent()) << "Trigger must be called on the owning component's thread";
    links_.Broadcast(std::forward<E>(request));
  }

  // Number of connected provided ports (own thread).
  size_t connections() const { return links_.size(); }
  // The component this port belongs to.
  ComponentCore& owner() const { return incoming_.owner(); }
  // A reference usable from any thread.
  RequiredPortRef<P> Share() { return RequiredPortRef<P>(&owner(), this, incoming_.queue()); }

  // Used by the runtime (own thread): the queue of received events, and the links to peers:
  runtime_internal::PortEndpoint<Incoming>& incoming() { return incoming_; }
  runtime_internal::PortLinks<Outgoing>& links() { return links_; }

 private:
  runtime_internal::PortEndpoint<Incoming> incoming_;
  runtime_internal::PortLinks<Outgoing> links_;
};

}  // namespace kompact

#endif  // KOMPACT_RUNTIME_PORT_FIELDS_H_
