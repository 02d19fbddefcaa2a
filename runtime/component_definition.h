// ComponentDefinition<Self>: the base class of every user component
// (FEATURES.md C1-C3, C6, C9, C12).
//
//   class Counter : public kompact::ComponentDefinition<Counter> {
//    public:
//     HandlerResult OnStart() override { KLOG(log(), INFO) << "started"; return Handled::kOk; }
//     HandlerResult Handle(const Increment&) { port_.Trigger(CountChanged{++count_}); return Handled::kOk; }
//     HandlerResult Handle(const Reset&) { count_ = 0; return Handled::kOk; }
//     static constexpr auto Ports() { return kompact::PortList(&Counter::port_); }
//    private:
//     kompact::ProvidedPort<CounterPort> port_;
//     int64_t count_ = 0;
//   };
//
// Handlers: for every port listed in Ports(), a component needs a `Handle(E)` (by
// value, const& or &&) for each event type E that arrives on it — the requests of
// a provided port, the indications of a required port. A missing handler is a
// compile error naming the component, port and event. Where two ports deliver the
// same type, a tag picks the port: `Handle(kompact::Provided<&C::a_>, const E&)` /
// `Handle(kompact::Required<&C::b_>, const E&)`; the tagged overload wins over an
// untagged one. `kompact::Ignore(&C::port_)` in the list drops everything that
// arrives on that port (Kompact's ignore_requests!/ignore_indications!).
// Handlers may be private if the class declares `friend class kompact::Access;`.
//
// Lifecycle: OnStart/OnStop/OnKill default to Handled::kOk (ignore_lifecycle!);
// derive from InfoLifecycle<Self> to log them at INFO (info_lifecycle!).
//
// Context (C9), callable from handlers (the component's own thread): log(),
// system(), config(), id(), Suicide(), timers, SetRecoveryFunction(), core().
//
// Definitions are created only by KompactSystem::Create<C>(args...), which passes
// `args` to C's constructor.
#ifndef KOMPACT_RUNTIME_COMPONENT_DEFINITION_H_
#define KOMPACT_RUNTIME_COMPONENT_DEFINITION_H_

#include <cstddef>
#include <functional>
#include <tuple>
#include <type_traits>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/config.h"
#include "base/log.h"
#include "base/uuid.h"
#include "runtime/actor_ref.h"
#include "runtime/component_core.h"
#include "runtime/handler_result.h"
#include "runtime/internal/creation_context.h"
#include "runtime/port_fields.h"
#include "runtime/supervision.h"
#include "timer/timer.h"

namespace kompact {

class ActorPath;
class KompactSystem;
class AnyComponent;

// Tags selecting the port a handler is for (see the file comment).
template <auto kField>
struct Provided {};
template <auto kField>
struct Required {};

// Marks a port in Ports() whose incoming events are dropped.
template <typename Field>
struct IgnoredPort {
  Field field;  // the pointer to the port member
};
// `Ignore(&C::port_)`: the Ports() entry that ignores `port_`.
template <typename Field>
constexpr IgnoredPort<Field> Ignore(Field field) {
  return IgnoredPort<Field>{field};
}

// The ports of a component, as pointers to its port members (and Ignore(...)).
template <typename... Entries>
struct PortList {
  static constexpr size_t kSize = sizeof...(Entries);  // the number of entries
  // With no entries this is the default constructor.
  constexpr explicit PortList(Entries... port_entries) : entries(port_entries...) {}
  std::tuple<Entries...> entries;  // the entries, in order
};
// `PortList(&C::a_, &C::b_)` deduces its entry types.
template <typename... Entries>
PortList(Entries...) -> PortList<Entries...>;

// Befriend this to keep handlers private.
class Access;

namespace runtime_internal {

// The non-template part of every definition.
class DefinitionBase {
 public:
  DefinitionBase(const DefinitionBase&) = delete;
  DefinitionBase& operator=(const DefinitionBase&) = delete;
  virtual ~DefinitionBase() = default;

  // ---- lifecycle (override as needed) ---------------------------------------------------
  virtual HandlerResult OnStart() { return Handled::kOk; }
  virtual HandlerResult OnStop() { return Handled::kOk; }
  virtual HandlerResult OnKill() { return Handled::kOk; }

  // ---- context (own thread) -----------------------------------------------------------
  // Logger with system label, component type and id on every line.
  const Logger& log() const { return core_->logger(); }
  // The system this component belongs to.
  KompactSystem system() const;
  // The system's configuration (user keys included; see base/config.h).
  const Config& config() const;
  const Uuid& id() const { return core_->id(); }
  // A handle to this component (e.g. to connect it to a child with
  // BiconnectComponents); include runtime/component.h to use it. Do not keep it
  // in the definition: a component holding a strong handle to itself never dies.
  AnyComponent component() const;
  // This component's unique actor path (registered or not; runtime/actor_path.h).
  ActorPath actor_path() const;
  // Kills this component once the current handler returns (lazily, through a Kill
  // control event).
  void Suicide() { core_->RequestSuicide(); }
  // Replaces the recovery function (FEATURES.md V2). Any thread.
  void SetRecoveryFunction(RecoveryFunction fn) { core_->SetRecoveryFunction(std::move(fn)); }
  // Cancels a timer started with ScheduleOnce/SchedulePeriodic.
  void CancelTimer(TimerId id) { core_->CancelTimer(id); }
  ComponentCore& core() const { return *core_; }

 protected:
  DefinitionBase() : core_(&CoreUnderConstruction("ComponentDefinition")) {}

 private:
  ComponentCore* core_;
};

}  // namespace runtime_internal

namespace runtime_internal {
// The actor message type of C: C::Message if declared (see Actor<M>), else Never.
template <typename C>
struct MessageTypeOf {
  using type = Never;
};
template <typename C>
requires requires { typename C::Message; }
struct MessageTypeOf<C> {
  using type = typename C::Message;
};
}  // namespace runtime_internal

// The base class of the definition `Self` of a component (see the file comment): lifecycle
// hooks, context, ports and timers.
template <typename Self>
class ComponentDefinition : public runtime_internal::DefinitionBase {
 public:
  // This component's own actor reference (ActorRef<Never> if it is not an actor).
  auto actor_ref() const { return ActorRef<typename runtime_internal::MessageTypeOf<Self>::type>(&core()); }

  // No ports unless the component declares its own Ports().
  static constexpr PortList<> Ports() { return PortList<>(); }

  // Runs `callback(Self&, TimerId) -> HandlerResult` on this component's thread
  // after `delay` (FEATURES.md T2). Cancelled automatically when the component dies.
  template <typename F>
  [[nodiscard]] absl::StatusOr<TimerId> ScheduleOnce(absl::Duration delay, F&& callback) {
    static_assert(std::is_invocable_r_v<HandlerResult, F&, Self&, TimerId>,
                  "ScheduleOnce: the callback must be callable as f(Self&, TimerId) -> HandlerResult");
    return core().ScheduleOnce(delay, Wrap(std::forward<F>(callback)));
  }
  // Runs `callback` after `delay` and then every `period` (no drift).
  template <typename F>
  [[nodiscard]] absl::StatusOr<TimerId> SchedulePeriodic(absl::Duration delay, absl::Duration period,
                                                         F&& callback) {
    static_assert(std::is_invocable_r_v<HandlerResult, F&, Self&, TimerId>,
                  "SchedulePeriodic: the callback must be callable as f(Self&, TimerId) -> HandlerResult");
    return core().SchedulePeriodic(delay, period, Wrap(std::forward<F>(callback)));
  }

 protected:
  ComponentDefinition() = default;

 private:
  template <typename F>
  static ComponentCore::TimerCallback Wrap(F&& callback) {
    return [f = std::forward<F>(callback)](ComponentCore& core, TimerId id) mutable -> HandlerResult {
      return std::invoke(f, static_cast<Self&>(*core.definition()), id);
    };
  }
};

// Kompact's info_lifecycle!: logs start, stop and kill at INFO.
template <typename Self>
class InfoLifecycle : public ComponentDefinition<Self> {
 public:
  // Log "Starting...", "Stopping..." and "Killing..." and return Handled::kOk:
  HandlerResult OnStart() override {
    KLOG(this->log(), INFO) << "Starting...";
    return Handled::kOk;
  }
  HandlerResult OnStop() override {
    KLOG(this->log(), INFO) << "Stopping...";
    return Handled::kOk;
  }
  HandlerResult OnKill() override {
    KLOG(this->log(), INFO) << "Killing...";
    return Handled::kOk;
  }
};

template <typename C>
concept ComponentDefinitionType =
    std::is_base_of_v<runtime_internal::DefinitionBase, C> && !std::is_abstract_v<C>;

}  // namespace kompact

#endif  // KOMPACT_RUNTIME_COMPONENT_DEFINITION_H_
