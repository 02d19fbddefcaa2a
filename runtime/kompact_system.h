// KompactSystem: a running Kompact system (FEATURES.md R3) — creates components
// and drives their lifecycle, owns the executor, the timer, the supervisor and the
// dead-letter box.
//
//   absl::StatusOr<KompactSystem> system = KompactConfig().Build();
//   Component<HelloWorld> c = system->Create<HelloWorld>();
//   system->Start(c);
//   system->AwaitTermination();
//
// A KompactSystem is a cheap handle (copies share one system), like Kompact's.
// Components created with Create are supervised: once started, the system keeps
// them alive until they are killed or the system shuts down.
//
// Thread-safety: every member may be called from any thread, including from
// inside handlers, except the blocking ones (Shutdown, KillSystem,
// AwaitTermination and Wait on the returned futures), which must not be called on
// an executor thread (they would block a worker; use ShutdownAsync, Then or
// co_await there). Lifetime: the system's internals live while any handle or
// component refers to them; Shutdown/KillSystem end its threads.
#ifndef KOMPACT_RUNTIME_KOMPACT_SYSTEM_H_
#define KOMPACT_RUNTIME_KOMPACT_SYSTEM_H_

#include <concepts>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/config.h"
#include "base/log.h"
#include "executors/executor.h"
#include "executors/future.h"
#include "executors/spawn.h"
#include "executors/task.h"
#include "runtime/actor_path.h"
#include "runtime/component.h"
#include "runtime/component_definition.h"
#include "runtime/internal/component_cell.h"
#include "runtime/internal/core_refs.h"
#include "runtime/internal/system_core.h"
#include "runtime/port_fields.h"
#include "runtime/routing_policy.h"
#include "timer/timer.h"

namespace kompact {

// A component to register at a path (KompactSystem::Register...): a handle, or the
// definition itself from inside its handlers (`system().Register(*this)`). Typed
// forms check at compile time that the component can receive path-addressed
// messages (runtime/network_actor.h); AnyComponent is checked at registration.
class RegistrationTarget {
 public:
  // From a typed handle, from a definition (`*this` in a handler), or from a type-erased handle:
  template <typename C>
  RegistrationTarget(const Component<C>& component) : core_(component.core()) {  // NOLINT
    static_assert(runtime_internal::kReceivesNetwork<C>,
                  "only components that receive path-addressed messages can be registered: define "
                  "`HandlerResult ReceiveNetwork(kompact::NetMessage)` or derive kompact::NetworkActor<M>");
  }
  template <typename C>
  RegistrationTarget(const ComponentDefinition<C>& self) : core_(&self.core()) {  // NOLINT
    static_assert(runtime_internal::kReceivesNetwork<C>,
                  "only components that receive path-addressed messages can be registered: define "
                  "`HandlerResult ReceiveNetwork(kompact::NetMessage)` or derive kompact::NetworkActor<M>");
  }
  RegistrationTarget(const AnyComponent& component) : core_(component.core()) {}  // NOLINT
  // The component to register.
  ComponentCore* core() const { return core_; }

 private:
  ComponentCore* core_;
};

// A handle to a running system (see the file comment); KompactConfig::Build creates one.
class KompactSystem {
 public:
  // A new handle to `core` (used by KompactConfig::Build and components).
  explicit KompactSystem(runtime_internal::SystemCore* core);
  KompactSystem(const KompactSystem& other);
  KompactSystem(KompactSystem&& other) noexcept;
  KompactSystem& operator=(KompactSystem other) noexcept;
  ~KompactSystem();

  // ---- creating components ------------------------------------------------------------
  // Constructs C(args...) as a new, passive, supervised component on the system's
  // executor. A constructor that throws propagates to the caller.
  template <ComponentDefinitionType C, typename... Args>
  Component<C> Create(Args&&... args) const {
    return Component<C>(runtime_internal::StrongCoreRef::Adopt(runtime_internal::ComponentCell<C>::Create(
        core_, &core_->executor(), /*supervised=*/true, std::forward<Args>(args)...)));
  }
  // Type-erased creation (FEATURES.md C10): the same, returning AnyComponent.
  template <ComponentDefinitionType C, typename... Args>
  AnyComponent CreateErased(Args&&... args) const {
    return Create<C>(std::forward<Args>(args)...);
  }
  // A component without a supervisor: nobody keeps it alive after start but its
  // handles, and a fault in it poisons the system (Kompact's create_unsupervised).
  template <ComponentDefinitionType C, typename... Args>
  Component<C> CreateUnsupervised(Args&&... args) const {
    return Component<C>(runtime_internal::StrongCoreRef::Adopt(runtime_internal::ComponentCell<C>::Create(
        core_, &core_->executor(), /*supervised=*/false, std::forward<Args>(args)...)));
  }
  // A component with an OS thread of its own (Kompact's create_dedicated).
  // Errors: kResourceExhausted if the thread cannot be started.
  template <ComponentDefinitionType C, typename... Args>
  absl::StatusOr<Component<C>> CreateDedicated(Args&&... args) const {
    return CreateDedicatedOn<C>(-1, std::forward<Args>(args)...);
  }
  // The same, with the thread pinned to processing unit `cpu` (a unit the process
  // cannot use is a logged warning, not an error).
  template <ComponentDefinitionType C, typename... Args>
  absl::StatusOr<Component<C>> CreateDedicatedPinned(int cpu, Args&&... args) const {
    return CreateDedicatedOn<C>(cpu, std::forward<Args>(args)...);
  }

  // ---- lifecycle (FEATURES.md C6) ----------------------------------------------------------
  // Each sends a control event and returns at once; the …Notify variants return a
  // future completed (OK) once the transition happened, or failed if it cannot
  // happen (e.g. the component is destroyed or became faulty). Start, Stop and Kill:
  void Start(const AnyComponent& component) const;
  [[nodiscard]] Future<void> StartNotify(const AnyComponent& component) const;
  void Stop(const AnyComponent& component) const;
  [[nodiscard]] Future<void> StopNotify(const AnyComponent& component) const;
  void Kill(const AnyComponent& component) const;
  [[nodiscard]] Future<void> KillNotify(const AnyComponent& component) const;

  // ---- triggering from outside (FEATURES.md C11) --------------------------------------------
  // Delivers a request into a provided port / an indication into a required port,
  // as if a connected peer had triggered it. kFailedPrecondition if the component
  // no longer accepts events, kInvalidArgument for an empty port reference:
  template <PortType P, typename E>
  absl::Status TriggerRequest(const ProvidedPortRef<P>& port, E&& request) const {
    static_assert(runtime_internal::IsEventOf<E, typename P::RequestTypes>::value,
                  "TriggerRequest: this type is not one of P's requests");
    return Deliver<typename P::RequestStorage>(port.component(), port.queue(), std::forward<E>(request));
  }
  template <PortType P, typename E>
  absl::Status TriggerIndication(const RequiredPortRef<P>& port, E&& indication) const {
    static_assert(runtime_internal::IsEventOf<E, typename P::IndicationTypes>::value,
                  "TriggerIndication: this type is not one of P's indications");
    return Deliver<typename P::IndicationStorage>(port.component(), port.queue(),
                                                  std::forward<E>(indication));
  }

  // ---- tasks (FEATURES.md C8) ------------------------------------------------------------
  // Runs `task` on the system's executor (Kompact's system.spawn).
  template <typename T>
  [[nodiscard]] JoinHandle<T> Spawn(Task<T> task) const {
    return kompact::Spawn(core_->executor(), std::move(task));
  }

  // ---- shutting down (FEATURES.md R3, V1, V4) ----------------------------------------------
  // Graceful: kills every supervised component (waiting for their OnKill), then
  // the system components, stops the timer and joins the executor's threads.
  // kFailedPrecondition if called on an executor thread. Idempotent.
  [[nodiscard]] absl::Status Shutdown() const;
  // Shutdown on a separate thread; returns at once. Callable from handlers.
  void ShutdownAsync() const;
  // Immediate: stops the timer and the executor without killing components first.
  [[nodiscard]] absl::Status KillSystem() const;
  // Blocks until the system has terminated (after a shutdown, a kill, or poisoning),
  // without polling.
  void AwaitTermination() const;
  // The same with a bound; false on timeout.
  [[nodiscard]] bool AwaitTerminationFor(absl::Duration timeout) const;
  // A future completed when the system has terminated.
  [[nodiscard]] Future<void> Terminated() const;
  // True once the system has terminated (Terminated() is complete).
  bool IsTerminated() const;
  // True after a fault that the system could not recover from (V4).
  bool IsPoisoned() const { return core_->poisoned(); }

  // ---- actor paths (FEATURES.md P1-P5, R3; runtime/actor_path.h) --------------------------
  // Served by the system's dispatcher (runtime/dispatcher.h). The futures are
  // complete when returned (registration never waits for other components), so
  // handlers may call these too. Without a dispatcher they fail with
  // kFailedPrecondition (kNoDispatcherError); a component of another system, or
  // one without a network handler, is kInvalidArgument.

  // Registers the component's unique path `<system>#<id>` (again: no-op).
  [[nodiscard]] Future<ActorPath> Register(RegistrationTarget component) const;
  // Registers the named path `<system>/<alias>` ("a/b"). kAlreadyExists if the path
  // is taken (by a component or a routing policy); kInvalidArgument for a bad alias.
  [[nodiscard]] Future<ActorPath> RegisterByAlias(RegistrationTarget component, std::string_view alias) const;
  // The same, replacing what is registered there.
  [[nodiscard]] Future<ActorPath> UpdateAliasRegistration(RegistrationTarget component,
                                                          std::string_view alias) const;
  // Removes what is registered at exactly `path` (a component, or a routing policy;
  // the subtree below stays). kNotFound if nothing is.
  [[nodiscard]] Future<void> Deregister(const ActorPath& path) const;
  // Routes messages sent to `<system>/<path>` (and to `…/*` or `…/?` if the policy
  // broadcasts or selects) over every component registered below it.
  // kAlreadyExists if the path is taken, unless `update`.
  [[nodiscard]] Future<ActorPath> SetRoutingPolicy(std::shared_ptr<const RoutingPolicy> policy,
                                                   std::string_view path, bool update = false) const;
  // The same, taking the policy by value.
  template <std::derived_from<RoutingPolicy> P>
  [[nodiscard]] Future<ActorPath> SetRoutingPolicy(P policy, std::string_view path,
                                                   bool update = false) const {
    return SetRoutingPolicy(std::shared_ptr<const RoutingPolicy>(std::make_shared<P>(std::move(policy))),
                            path, update);
  }
  // The unique path of a component of this system (registered or not).
  ActorPath ActorPathFor(const AnyComponent& component) const;
  // This system's address (local://127.0.0.1:0 without a dispatcher).
  kompact::SystemPath SystemPath() const;
  // Where messages sent by the system itself come from; messages sent to it are
  // dead letters.
  ActorPath DeadletterPath() const;

  // ---- introspection ---------------------------------------------------------------------
  // The system label (kompact.runtime.label, or the generated default), on every log line.
  const std::string& label() const { return core_->label(); }
  // The configuration the system was built from (every source; user keys included).
  const Config& config() const { return core_->config(); }
  // The system's logger (its lines carry the label; level kompact.runtime.log-level).
  const Logger& logger() const { return core_->logger(); }
  // Events a component handles per run before it yields (kompact.runtime.throughput).
  uint32_t throughput() const { return core_->throughput(); }
  // Of those, the actor messages handled before the port events get their turn:
  // throughput() x kompact.runtime.message-priority, at least 1.
  uint32_t max_messages() const { return core_->max_messages(); }
  // The executor that runs the components (not those created with CreateDedicated).
  Executor& executor() const { return core_->executor(); }
  // The system's timer (the one components' ScheduleOnce / SchedulePeriodic use).
  Timer& timer() const { return core_->timer(); }
  // Messages that could not be delivered (R4).
  uint64_t dead_letters() const { return core_->dead_letters(); }
  // The system's dispatcher (runtime/dispatcher.h), nullptr without one; e.g.
  // `static_cast<const net::NetworkDispatcher*>(system.dispatcher())->stats()`.
  // Valid while the system lives.
  Dispatcher* dispatcher() const;

  // The shared internals (for the runtime itself).
  runtime_internal::SystemCore* core() const { return core_; }

 private:
  template <ComponentDefinitionType C, typename... Args>
  absl::StatusOr<Component<C>> CreateDedicatedOn(int cpu, Args&&... args) const {
    absl::StatusOr<Executor*> executor = core_->CreateDedicatedExecutor(cpu);
    if (!executor.ok()) return executor.status();
    return Component<C>(runtime_internal::StrongCoreRef::Adopt(runtime_internal::ComponentCell<C>::Create(
        core_, *executor, /*supervised=*/true, std::forward<Args>(args)...)));
  }

  template <typename Storage, typename E>
  static absl::Status Deliver(ComponentCore* component, runtime_internal::MpscQueue* queue, E&& event) {
    if (component == nullptr) return absl::InvalidArgumentError("trigger on an empty port reference");
    if (runtime_internal::DeliverPortEvent<Storage>(component, queue, std::forward<E>(event))) {
      return absl::OkStatus();
    }
    return absl::FailedPreconditionError(
        absl::StrCat("component ", component->id().ToString(), " does not accept events (it is ",
                     AsAbsl(LifecycleStateName(component->lifecycle())), ")"));
  }

  runtime_internal::SystemCore* core_;
};

}  // namespace kompact

#endif  // KOMPACT_RUNTIME_KOMPACT_SYSTEM_H_
