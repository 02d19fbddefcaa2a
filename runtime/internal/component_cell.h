// ComponentCell<C>: the single allocation holding a component's core and its
// definition C, and the typed half of the run loop (message and port dispatch,
// compile-time handler checks). Created only by KompactSystem::Create.
//
// Thread-safety and lifetime: see runtime/component_core.h. The definition lives
// in a union so the cell controls when it is destroyed (when the state word says
// so) independently of when the memory is freed (when the weak count says so).
#ifndef KOMPACT_RUNTIME_INTERNAL_COMPONENT_CELL_H_
#define KOMPACT_RUNTIME_INTERNAL_COMPONENT_CELL_H_

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"
#include "base/node_pool.h"
#include "runtime/actor_path.h"
#include "runtime/component_core.h"
#include "runtime/component_definition.h"
#include "runtime/internal/creation_context.h"
#include "runtime/internal/message_node.h"
#include "runtime/internal/owned_asks.h"
#include "runtime/internal/path_message_delivery.h"
#include "runtime/never.h"
#include "runtime/port_fields.h"

namespace kompact {

// Calls handlers of definitions; befriend it to keep handlers private.
class Access {
 public:
  template <typename C, typename Tag, typename E>
  static constexpr bool kHasTagged = requires(C& c, E&& e) {
    c.Handle(Tag{}, std::forward<E>(e));
  };
  template <typename C, typename E>
  static constexpr bool kHasUntagged = requires(C& c, E&& e) {
    c.Handle(std::forward<E>(e));
  };
  template <typename C, typename M>
  static constexpr bool kHasReceiveLocal = requires(C& c, M&& m) {
    c.ReceiveLocal(std::forward<M>(m));
  };

  template <typename C, typename Tag, typename E>
  static HandlerResult Handle(C& c, E&& e) {
    if constexpr (kHasTagged<C, Tag, E>) {
      return c.Handle(Tag{}, std::forward<E>(e));
    } else {
      return c.Handle(std::forward<E>(e));
    }
  }
  template <typename C, typename M>
  static HandlerResult ReceiveLocal(C& c, M&& m) {
    return c.ReceiveLocal(std::forward<M>(m));
  }

  // Path-addressed messages (runtime/network_actor.h).
  template <typename C>
  static constexpr bool kHasReceiveNetwork = requires(C& c, NetMessage&& m) {
    c.ReceiveNetwork(std::move(m));
  };
  template <typename C, typename M>
  static constexpr bool kHasReceive = requires(C& c, std::optional<ActorPath>&& s, M&& m) {
    c.Receive(std::move(s), std::forward<M>(m));
  };
  template <typename C>
  static constexpr bool kHasOnError = requires(C& c, absl::Status&& e) {
    c.OnError(std::move(e));
  };
  template <typename C>
  static HandlerResult ReceiveNetwork(C& c, NetMessage&& m) {
    return c.ReceiveNetwork(std::move(m));
  }
  // `sender` is std::nullopt or an ActorPath (constructing the parameter directly
  // avoids a GCC maybe-uninitialized false positive on moved std::optionals).
  template <typename C, typename S, typename M>
  static HandlerResult Receive(C& c, S&& sender, M&& m) {
    return c.Receive(std::forward<S>(sender), std::forward<M>(m));
  }
  template <typename C>
  static HandlerResult OnError(C& c, absl::Status&& e) {
    return c.OnError(std::move(e));
  }
};

namespace runtime_internal {

// The demangled name of T, computed once.
template <typename T>
std::string_view TypeName() {
  static const std::string name = [] {
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> demangled(
        abi::__cxa_demangle(typeid(T).name(), nullptr, nullptr, &status), std::free);
    return status == 0 && demangled ? std::string(demangled.get()) : std::string(typeid(T).name());
  }();
  return name;
}

// ---- port list introspection -----------------------------------------------------------

template <typename Entry>
struct PortEntryTraits;
template <typename C, typename P>
struct PortEntryTraits<ProvidedPort<P> C::*> {
  using Component = C;
  using PortT = P;
  static constexpr bool kProvided = true;
  static constexpr bool kIgnored = false;
  using Incoming = typename P::RequestStorage;
  using IncomingTypes = typename P::RequestTypes;
};
template <typename C, typename P>
struct PortEntryTraits<RequiredPort<P> C::*> {
  using Component = C;
  using PortT = P;
  static constexpr bool kProvided = false;
  static constexpr bool kIgnored = false;
  using Incoming = typename P::IndicationStorage;
  using IncomingTypes = typename P::IndicationTypes;
};
template <typename Field>
struct PortEntryTraits<IgnoredPort<Field>> : PortEntryTraits<Field> {
  static constexpr bool kIgnored = true;
};

template <typename Entry>
constexpr auto FieldOf(Entry entry) {
  if constexpr (PortEntryTraits<Entry>::kIgnored) {
    return entry.field;
  } else {
    return entry;
  }
}

// Fails to compile, naming the component, port and event, when a handler is missing.
template <typename Component, typename PortT, typename Event, bool kProvided>
struct MissingHandler {
  static_assert(sizeof(Component) == 0,
                "missing port handler: a component provides (kProvided = true) or requires (false) "
                "this PortT but has no accessible Handle(Event) for this Event type; add "
                "`HandlerResult Handle(const Event&)` (public, or befriend kompact::Access), or list "
                "the port as kompact::Ignore(&C::port_)");
  static constexpr bool value = false;
};

template <typename C, auto kField, typename Traits, typename E>
constexpr void CheckHandler() {
  using Tag = std::conditional_t<Traits::kProvided, Provided<kField>, Required<kField>>;
  if constexpr (!Access::kHasTagged<C, Tag, E> && !Access::kHasUntagged<C, E>) {
    static_assert(MissingHandler<C, typename Traits::PortT, E, Traits::kProvided>::value);
  }
}

template <typename C, auto kField, typename Traits, typename... Es>
constexpr void CheckHandlers(TypeList<Es...>) {
  (CheckHandler<C, kField, Traits, Es>(), ...);
}

template <typename C, size_t... Is>
constexpr bool CheckAllPortHandlers(std::index_sequence<Is...>) {
  (
      [] {
        constexpr auto entry = std::get<Is>(C::Ports().entries);
        using Traits = PortEntryTraits<std::remove_cv_t<decltype(entry)>>;
        static_assert(std::is_base_of_v<typename Traits::Component, C>,
                      "Ports() lists a member of another class");
        if constexpr (!Traits::kIgnored) {
          CheckHandlers<C, FieldOf(entry), Traits>(typename Traits::IncomingTypes{});
        }
      }(),
      ...);
  return true;
}

// C is a network actor (runtime/network_actor.h): it declares NetworkDeserialiser.
template <typename C>
concept IsNetworkActor = requires {
  typename C::NetworkDeserialiser;
};
// C can be sent path-addressed messages (and so registered at a path).
template <typename C>
inline constexpr bool kReceivesNetwork = Access::kHasReceiveNetwork<C> || IsNetworkActor<C>;

template <typename C>
class ComponentCell final : public ComponentCore {
 public:
  using Message = typename MessageTypeOf<C>::type;
  static constexpr auto kPorts = C::Ports();
  static constexpr size_t kNumPorts = decltype(kPorts)::kSize;
  static_assert(kNumPorts < 65535, "too many ports");
  static_assert(CheckAllPortHandlers<C>(std::make_index_sequence<kNumPorts>{}));
  static constexpr bool kNetworkActor = IsNetworkActor<C>;
  static_assert(std::is_same_v<Message, Never> || Access::kHasReceiveLocal<C, Message> || kNetworkActor,
                "an actor component (one that declares `using Message = M;`) needs "
                "`HandlerResult ReceiveLocal(M)` (public, or befriend kompact::Access)");
  static_assert(!(kNetworkActor && Access::kHasReceiveNetwork<C>),
                "a NetworkActor receives path messages through Receive(sender, M); it must not also "
                "define ReceiveNetwork(NetMessage)");
  static_assert(
      !kNetworkActor || Access::kHasReceive<C, Message>,
      "a NetworkActor<M> needs `HandlerResult Receive(std::optional<kompact::ActorPath> sender, M)` "
      "(public, or befriend kompact::Access)");

  // Allocates a cell and constructs C(args...) in it. The returned core carries one
  // strong reference, owned by the caller.
  template <typename... Args>
  static ComponentCell* Create(SystemCore* system, Executor* executor, bool supervised, Args&&... args) {
    auto* cell = new ComponentCell(system, executor, supervised);
    int ports_constructed = 0;
    try {
      CreationScope scope(cell);
      std::construct_at(&cell->definition_, std::forward<Args>(args)...);
      ports_constructed = scope.ports_constructed();
    } catch (...) {
      cell->ReleaseStrongRefWithoutDefinition();
      throw;  // the user's constructor threw: let the caller of Create see it
    }
    // An unlisted port would silently collect events nobody handles.
    CHECK_EQ(ports_constructed, static_cast<int>(kNumPorts))
        << TypeName<C>() << " has " << ports_constructed << " port fields but its Ports() lists " << kNumPorts
        << "; list every ProvidedPort/RequiredPort member in Ports()";
    return cell;
  }

  // Cells come from the per-thread block pools (no malloc per component).
  static void* operator new(size_t size) {
    static_assert(alignof(C) <= 64, "component definitions aligned to more than 64 bytes are not supported");
    DCHECK_EQ(size, sizeof(ComponentCell));
    return base_internal::AllocateNodeBlock<sizeof(ComponentCell)>();
  }
  static void operator delete(void* block) { base_internal::FreeNodeBlock<sizeof(ComponentCell)>(block); }

  C& typed_definition() { return definition_; }
  DefinitionBase* definition() override { return &definition_; }
  std::string_view type_name() const override { return TypeName<C>(); }
  const std::type_info& message_type() const override { return typeid(Message); }

  bool ReceivesNetworkMessages() const override { return kReceivesNetwork<C>; }

  void* FindPort(const std::type_info& port_type, bool provided) override {
    if constexpr (kNumPorts == 0) {
      return nullptr;
    } else {
      return [&]<size_t... Is>(std::index_sequence<Is...>) {
        void* found = nullptr;
        ((found = found != nullptr ? found : MatchPort<Is>(port_type, provided)), ...);
        return found;
      }
      (std::make_index_sequence<kNumPorts>{});
    }
  }

 protected:
  HandlerResult InvokeLifecycle(ControlEvent event) override {
    switch (event) {
      case ControlEvent::kStart:
        return static_cast<DefinitionBase&>(definition_).OnStart();
      case ControlEvent::kStop:
        return static_cast<DefinitionBase&>(definition_).OnStop();
      case ControlEvent::kKill:
        return static_cast<DefinitionBase&>(definition_).OnKill();
    }
    return Handled::kOk;
  }

  uint32_t ProcessEvents(uint32_t budget, uint32_t message_share, RunInterrupt& interrupt) override {
    const uint32_t messages = message_share > 0 ? ProcessMessages(message_share, interrupt) : 0;
    uint32_t count = messages;
    if (!interrupt.result && count < budget) count += ProcessPortEvents(budget - count, interrupt);
    // Messages again only if the first pass stopped at its share (more may wait);
    // one that arrived since is handled on the next run.
    if (!interrupt.result && count < budget && (messages == message_share || message_share == 0)) {
      count += ProcessMessages(budget - count, interrupt);
    }
    return count;
  }

 private:
  uint32_t ProcessMessages(uint32_t max, RunInterrupt& interrupt) {
    if constexpr (std::is_same_v<Message, Never> && !kReceivesNetwork<C>) {
      return 0;  // nothing can be queued: no actor type, and registration refuses C
    } else {
      uint32_t count = 0;
      while (count < max) {
        auto* node = static_cast<MessageNodeBase*>(message_queue().Pop());
        if (node == nullptr) break;
        ++count;
        HandlerResult result = Handled::kOk;
        if (node->kind == MessageKind::kNetwork) {
          auto* network = static_cast<PathMessageNode*>(node);
          try {
            result = HandleNetwork(std::move(network->message));
          } catch (...) {
            result = CurrentExceptionResult();
          }
          base_internal::DeleteNode(network);
        } else if constexpr (!std::is_same_v<Message, Never>) {
          auto* local = static_cast<LocalMessageNode<Message>*>(node);
          // Asks are relayed, so that killing this component fails the ones it keeps.
          if constexpr (kHoldsAsk<Message>) RelayAsks(*this, local->message);
          try {
            if constexpr (Access::kHasReceiveLocal<C, Message>) {
              result = Access::ReceiveLocal(definition_, std::move(local->message));
            } else {  // a network actor: local messages have no sender
              result = Access::Receive(definition_, std::nullopt, std::move(local->message));
            }
          } catch (...) {
            result = CurrentExceptionResult();
          }
          base_internal::DeleteNode(local);
        }
        if (!result.ok() && !Continue(std::move(result), interrupt)) break;
      }
      return count;
    }
  }

  uint32_t ProcessPortEvents(uint32_t max, RunInterrupt& interrupt) {
    if constexpr (kNumPorts == 0) {
      return 0;
    } else {
      uint32_t count = 0;
      size_t index = port_cursor();
      if (index >= kNumPorts) index = 0;
      size_t empty_in_a_row = 0;
      while (count < max && empty_in_a_row < kNumPorts) {
        if (PollPort(index, interrupt, std::make_index_sequence<kNumPorts>{})) {
          ++count;
          empty_in_a_row = 0;
        } else {
          ++empty_in_a_row;
        }
        index = index + 1 == kNumPorts ? 0 : index + 1;
        if (interrupt.result) break;
      }
      port_cursor() = static_cast<uint16_t>(index);
      return count;
    }
  }

 protected:
  uint32_t DropQueuedEvents() override {
    uint32_t n = 0;
    if constexpr (!std::is_same_v<Message, Never> || kReceivesNetwork<C>) {
      // Messages accepted but never handled are dead letters too, so that every
      // message sent is either handled or counted.
      while (auto* node = static_cast<MessageNodeBase*>(message_queue().Pop())) {
        if (node->kind == MessageKind::kNetwork) {
          base_internal::DeleteNode(static_cast<PathMessageNode*>(node));
          ReportDeadLetter(this, "path message dropped with the queue of a destroyed or faulty component");
        } else if constexpr (!std::is_same_v<Message, Never>) {
          base_internal::DeleteNode(static_cast<LocalMessageNode<Message>*>(node));
          ReportDeadLetter(this, "actor message dropped with the queue of a destroyed or faulty component");
        }
        ++n;
      }
    }
    if constexpr (kNumPorts > 0) {
      n += DrainPorts(std::make_index_sequence<kNumPorts>{});
    }
    return n;
  }

  void DestroyDefinition() override { std::destroy_at(&definition_); }
  void FreeCell() override { delete this; }

 private:
  ComponentCell(SystemCore* system, Executor* executor, bool supervised)
      : ComponentCore(system, executor, supervised) {}
  ~ComponentCell() override {}  // the definition is destroyed explicitly

  // For a constructor that threw: the definition never existed.
  void ReleaseStrongRefWithoutDefinition() {
    state_.store(kDeadFlag, std::memory_order_relaxed);
    ReleaseWeakRef();
  }

  // A path-addressed message: ReceiveNetwork, or a network actor's Receive/OnError.
  HandlerResult HandleNetwork(NetMessage&& message) {
    if constexpr (Access::kHasReceiveNetwork<C>) {
      return Access::ReceiveNetwork(definition_, std::move(message));
    } else if constexpr (kNetworkActor) {
      using D = typename C::NetworkDeserialiser;
      absl::Status error;
      if (message.ser_id() != D::kSerId) {
        error = absl::InvalidArgumentError(
            absl::StrCat("network actor ", AsAbsl(TypeName<C>()), " received a message with SerId ",
                         message.ser_id(), " from ", message.sender().ToString(), "; it reads SerId ",
                         D::kSerId, " (", AsAbsl(TypeName<Message>()), ")"));
      } else {
        absl::StatusOr<Message> value = message.data().template TryDeserialiseUnchecked<Message, D>();
        if (value.ok()) return Access::Receive(definition_, message.TakeSender(), *std::move(value));
        error = value.status();
      }
      if constexpr (Access::kHasOnError<C>) {
        return Access::OnError(definition_, std::move(error));
      } else {
        KLOG(logger(), WARNING) << "could not decode a network message: " << error;
        return Handled::kOk;
      }
    } else {
      // Unreachable: such components cannot be registered (ReceivesNetworkMessages()).
      ReportDeadLetter(this, "network message to a component without a network handler");
      return Handled::kOk;
    }
  }

  bool Continue(HandlerResult result, RunInterrupt& interrupt) {
    if (result.kind() == HandlerResult::Kind::kError && result.severity() == FaultSeverity::kBenign) {
      KLOG(logger(), WARNING) << "handler reported a benign error: " << result.status();
      return true;
    }
    interrupt.result = std::move(result);
    return false;
  }

  template <size_t I>
  void* MatchPort(const std::type_info& port_type, bool provided) {
    constexpr auto entry = std::get<I>(kPorts.entries);
    using Traits = PortEntryTraits<std::remove_cv_t<decltype(entry)>>;
    if (Traits::kProvided != provided || typeid(typename Traits::PortT) != port_type) return nullptr;
    return &(definition_.*FieldOf(entry));
  }

  template <size_t... Is>
  bool PollPort(size_t index, RunInterrupt& interrupt, std::index_sequence<Is...>) {
    bool handled = false;
    ((index == Is ? (handled = PollPortAt<Is>(interrupt), true) : false) || ...);
    return handled;
  }

  template <size_t I>
  bool PollPortAt(RunInterrupt& interrupt) {
    constexpr auto entry = std::get<I>(kPorts.entries);
    using Traits = PortEntryTraits<std::remove_cv_t<decltype(entry)>>;
    constexpr auto field = FieldOf(entry);
    auto& port = definition_.*field;
    if constexpr (Traits::IncomingTypes::kSize == 0) {
      (void)port;
      (void)interrupt;
      return false;  // nothing can arrive on this port
    } else {
      auto* node = port.incoming().Pop();
      if (node == nullptr) return false;
      if constexpr (Traits::kIgnored) {
        base_internal::DeleteNode(node);
        return true;
      } else {
        using Tag = std::conditional_t<Traits::kProvided, Provided<field>, Required<field>>;
        HandlerResult result = Handled::kOk;
        try {
          if constexpr (TypeListIsVariant<typename Traits::IncomingTypes>()) {
            result = std::visit(
                [this](auto&& event) -> HandlerResult {
                  return Access::Handle<C, Tag>(definition_, std::move(event));
                },
                std::move(node->event));
          } else {
            result = Access::Handle<C, Tag>(definition_, std::move(node->event));
          }
        } catch (...) {
          result = CurrentExceptionResult();
        }
        base_internal::DeleteNode(node);
        if (!result.ok()) Continue(std::move(result), interrupt);
        return true;
      }
    }
  }

  template <typename List>
  static constexpr bool TypeListIsVariant() {
    return List::kSize > 1;
  }

  template <size_t... Is>
  uint32_t DrainPorts(std::index_sequence<Is...>) {
    return (0u + ... + (definition_.*FieldOf(std::get<Is>(kPorts.entries))).incoming().Drain());
  }

  union {
    C definition_;
  };
};

}  // namespace runtime_internal
}  // namespace kompact

#endif  // KOMPACT_RUNTIME_INTERNAL_COMPONENT_CELL_H_
