// ComponentCore: the type-independent half of every component — identity, the
// atomic state word, reference counts, mailboxes, scheduling and the run loop.
// Users rarely touch it directly; they hold Component<C> handles
// (runtime/component.h) and write ComponentDefinition<C> subclasses.
//
// The state word (one std::atomic<uint64_t>) combines:
//   bits  0..27  work: messages, port events and timer expiries enqueued and not
//                yet handled (or parked)
//   bits 28..41  control: control events (lifecycle, connections, actions)
//                enqueued and not yet handled
//   bits 42..60  strong references (Component<C> handles, the supervisor,
//                ActorRefStrong, ...)
//   bits 61..62  LifecycleState
//   bit  63      dead: the definition is destroyed or being destroyed
// Enqueueing an event adds one to its counter first and pushes second, and
// schedules the component only when work and control were both zero (so a
// component is never on two threads at once: the run that brings them back to
// zero gives up ownership with that one atomic operation, and touches nothing
// after it). Only a run takes units out of the word, so the word is busy exactly
// while the component is scheduled or running. An event refused by a destroyed
// or faulty component therefore keeps its unit (counted in refused_, taken back
// by the next run, which it schedules if it made the 0 -> 1 step) instead of
// subtracting it: a subtraction by a bystander could empty the word while the
// component is still queued, and the next enqueue would queue it twice. Only
// events refused by a dead component (never scheduled again) are subtracted.
// A passive component parks its work — moves it out of the word,
// keeping the events queued — so it does not spin; control events are never
// parked. A component is destroyed when strong refs, work and control are all
// zero; a sender holding only a weak reference (ActorRef, port peers, timers)
// that finds it dead, destroyed or faulty drops its event.
//
// Memory: a component lives in one allocation (ComponentCell<C>) that holds this
// core and the definition. The definition is destroyed when the state word
// reaches zero; the allocation is freed when the weak count also reaches zero, so
// weak holders can always read the state word safely.
//
// Thread-safety: the Enqueue*/ref/lifecycle-query members are thread-safe and
// lock-free. Everything that touches the definition runs on the component's own
// thread (inside Run()); members marked "own thread" may only be called there.
#ifndef KOMPACT_RUNTIME_COMPONENT_CORE_H_
#define KOMPACT_RUNTIME_COMPONENT_CORE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>

#include "absl/base/optimization.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "base/log.h"
#include "base/uuid.h"
#include "executors/executor.h"
#include "runtime/handler_result.h"
#include "runtime/internal/mpsc_queue.h"
#include "runtime/lifecycle.h"
#include "runtime/supervision.h"
#include "timer/timer.h"

namespace kompact {

class ComponentCore;

namespace runtime_internal {

class SystemCore;
class DefinitionBase;
template <typename C>
class ComponentCell;
class Supervisor;
class ChildRegistry;
struct ComponentExtras;

// The state word layout (see the file comment).
inline constexpr uint64_t kWorkMask = (1ull << 28) - 1;
inline constexpr int kControlShift = 28;
inline constexpr uint64_t kControlUnit = 1ull << kControlShift;
inline constexpr uint64_t kControlMask = ((1ull << 14) - 1) << kControlShift;
inline constexpr int kRefShift = 42;
inline constexpr uint64_t kRefUnit = 1ull << kRefShift;
inline constexpr uint64_t kRefMask = ((1ull << 19) - 1) << kRefShift;
inline constexpr int kLifecycleShift = 61;
inline constexpr uint64_t kLifecycleMask = 3ull << kLifecycleShift;
inline constexpr uint64_t kDeadFlag = 1ull << 63;
// Work and control together: the component is scheduled or running iff non-zero.
inline constexpr uint64_t kBusyMask = kWorkMask | kControlMask;

inline uint32_t WorkOf(uint64_t s) { return static_cast<uint32_t>(s & kWorkMask); }
inline uint32_t ControlOf(uint64_t s) { return static_cast<uint32_t>((s & kControlMask) >> kControlShift); }
inline uint32_t RefsOf(uint64_t s) { return static_cast<uint32_t>((s & kRefMask) >> kRefShift); }
inline bool IsBusy(uint64_t s) { return (s & kBusyMask) != 0; }
// Aborts with a clear message when a counter would overflow into its neighbour.
[[noreturn]] void CounterOverflow(const char* what);
inline LifecycleState LifecycleOf(uint64_t s) {
  return static_cast<LifecycleState>((s & kLifecycleMask) >> kLifecycleShift);
}

// Something to run on a component's own thread, queued in its control stack.
struct ControlNode : QueueNode {
  enum class Kind : uint8_t {
    kLifecycle,  // Start/Stop/Kill; `done` gets the outcome
    kApply,      // run `apply` with exclusive access, whatever the state
    kResume,     // resume a task of this component (SpawnLocal, or BlockOn if `blocking`)
  };
  Kind kind = Kind::kApply;
  ControlEvent event = ControlEvent::kStart;
  bool blocking = false;
  Runnable* resumption = nullptr;
  absl::AnyInvocable<void(absl::Status) &&> done;
  absl::AnyInvocable<void(ComponentCore&) &&> apply;
};

// A timer expiry on its way to the component.
struct TimerNode : QueueNode {
  TimerId id;
};

// For catch (...) blocks around user handlers: a description of the exception in
// flight ("handler threw <type>: <what>"), and the recoverable fault it becomes.
std::string DescribeCurrentException();
HandlerResult CurrentExceptionResult();

// What stopped a batch of event handling early.
struct RunInterrupt {
  std::optional<HandlerResult> result;  // the non-OK result of the last handler
};

}  // namespace runtime_internal

// Produces the recovery action for a faulty component (FEATURES.md V2,
// runtime/supervision.h). Called at most once per fault.
using RecoveryFunction = absl::AnyInvocable<RecoveryHandler(FaultContext) &&>;

// The type-independent half of a component (see the file comment); the executor runs it.
class ComponentCore : public Runnable {
 public:
  ComponentCore(const ComponentCore&) = delete;
  ComponentCore& operator=(const ComponentCore&) = delete;

  // ---- identity and state (any thread) ----------------------------------------------
  // The component's unique id (also its unique path's last segment).
  const Uuid& id() const { return id_; }
  // The definition's type name, demangled (e.g. "examples::Counter").
  virtual std::string_view type_name() const = 0;
  // The current lifecycle state.
  LifecycleState lifecycle() const {
    return runtime_internal::LifecycleOf(state_.load(std::memory_order_acquire));
  }
  // True if lifecycle() is kActive.
  bool IsActive() const { return lifecycle() == LifecycleState::kActive; }
  // True if lifecycle() is kDestroyed, or the definition is destroyed or being destroyed.
  bool IsDestroyed() const {
    const uint64_t s = state_.load(std::memory_order_acquire);
    return runtime_internal::LifecycleOf(s) == LifecycleState::kDestroyed ||
           (s & runtime_internal::kDeadFlag) != 0;
  }
  // True if lifecycle() is kFaulty.
  bool IsFaulty() const { return lifecycle() == LifecycleState::kFaulty; }
  // Events (including control events) queued and not yet handled, not counting
  // parked ones (approximate; for tests and introspection).
  uint32_t pending_work() const {
    const uint64_t s = state_.load(std::memory_order_relaxed);
    return runtime_internal::WorkOf(s) + runtime_internal::ControlOf(s);
  }

  // The internals of the system this component belongs to.
  runtime_internal::SystemCore& system_core() const { return *system_; }
  // The executor the component runs on (a thread of its own for CreateDedicated).
  Executor& executor() const { return *executor_; }

  // ---- references (any thread) -------------------------------------------------------
  // Takes a strong reference (aborts if the count would overflow).
  void AddStrongRef() {
    const uint64_t old = state_.fetch_add(runtime_internal::kRefUnit, std::memory_order_relaxed);
    if (ABSL_PREDICT_FALSE((old & runtime_internal::kRefMask) == runtime_internal::kRefMask)) {
      runtime_internal::CounterOverflow("strong references");
    }
  }
  // Drops a strong reference; dropping the last one destroys the definition once no work or
  // control event is left.
  void ReleaseStrongRef();
  // Upgrades a weak reference: fails once the component is destroyed (killed),
  // even while handles keep its definition alive.
  bool TryAddStrongRef();
  // Take / drop a weak reference, which keeps the allocation (the state word readable) but not
  // the definition alive; dropping the last one frees the allocation:
  void AddWeakRef() { weak_.fetch_add(1, std::memory_order_relaxed); }
  void ReleaseWeakRef();

  // ---- enqueueing (any thread) -------------------------------------------------------
  // Each returns false if the component no longer accepts events (dead,
  // destroyed or faulty); the node then still belongs to the caller. An actor message, a
  // timer expiry:
  bool EnqueueMessage(runtime_internal::QueueNode* node) {
    return Enqueue([&] { messages_.Push(node); });
  }
  bool EnqueueTimer(runtime_internal::TimerNode* node) {
    return Enqueue([&] { timers_.Push(node); });
  }
  // `queue` must belong to one of this component's ports.
  bool EnqueuePortEvent(runtime_internal::MpscQueue& queue, runtime_internal::QueueNode* node) {
    return Enqueue([&] { queue.Push(node); });
  }
  // Control events are accepted while the definition is alive (not dead), even
  // when destroyed or faulty, so that their `done` callbacks always run.
  bool EnqueueControl(runtime_internal::ControlNode* node);

  // Sends a lifecycle event; `done` (may be empty) receives OK once the transition
  // happened, or an error saying why it did not (e.g. already destroyed).
  void SendLifecycle(ControlEvent event, absl::AnyInvocable<void(absl::Status) &&> done = nullptr);
  // Runs `fn` on the component's own thread with exclusive access, whatever its
  // state (used for connections and definition access). If the component no longer
  // accepts events, `fn` is destroyed unrun and false is returned.
  bool RunOnOwnThread(absl::AnyInvocable<void(ComponentCore&) &&> fn);
  // Queues the resumption of one of this component's tasks (runtime/async.h).
  // Blocking resumptions run while the component is blocked; others wait for
  // the block to end. kFailedPrecondition once the component is dead.
  absl::Status ScheduleResumption(Runnable& resumption, bool blocking);
  // True while the component is blocked on a BlockOn task (own thread).
  bool blocked() const { return blocked_; }
  // The lazily created state that async tasks need (runtime/async.h).
  runtime_internal::ComponentExtras& extras_for_async() { return extras(); }

  // The component running on this thread right now, or nullptr.
  static ComponentCore* Current();
  // True if this component is running on the calling thread.
  bool IsCurrent() const { return Current() == this; }

  // ---- own thread ---------------------------------------------------------------------
  // The per-component logger: the system's, with ctype and cid context.
  const Logger& logger();
  // Replaces the recovery function (any thread; FEATURES.md V2).
  void SetRecoveryFunction(RecoveryFunction fn);
  // Marks the component for destruction after the current handler (Suicide()).
  void RequestSuicide();

  // Timers (own thread): the callback runs on this component's thread.
  using TimerCallback = absl::AnyInvocable<HandlerResult(ComponentCore&, TimerId)>;
  // Run `callback` after `delay` (once), or after `delay` and then every `period`; cancelled when
  // the component dies. Errors as for Timer::ScheduleOnce / SchedulePeriodic (kInvalidArgument
  // for a bad duration, kFailedPrecondition once the timer is shut down):
  [[nodiscard]] absl::StatusOr<TimerId> ScheduleOnce(absl::Duration delay, TimerCallback callback);
  [[nodiscard]] absl::StatusOr<TimerId> SchedulePeriodic(absl::Duration delay, absl::Duration period,
                                                         TimerCallback callback);
  // Cancels a timer of this component; unknown, fired or cancelled ids are ignored.
  void CancelTimer(TimerId id);

  // Runnable: the executor calls this. Never call it directly.
  void Run() final;

 protected:
  // A passive component of `system` on `executor` (supervised or not), holding one strong
  // reference for its creator to adopt. Only `ComponentCell<C>` derives from it.
  ComponentCore(runtime_internal::SystemCore* system, Executor* executor, bool supervised);
  virtual ~ComponentCore();

  // ---- implemented by ComponentCell<C> (own thread) -----------------------------------
  // Runs the definition's handler of a lifecycle event (start, stop, kill).
  virtual HandlerResult InvokeLifecycle(ControlEvent event) = 0;
  // Handles messages and port events (FEATURES.md C5): `budget` events in all,
  // of which up to `message_share` messages before the port events (then messages
  // again if budget is left). Stops early at a non-OK result (returned in
  // `interrupt`). Returns how many were handled.
  virtual uint32_t ProcessEvents(uint32_t budget, uint32_t message_share,
                                 runtime_internal::RunInterrupt& interrupt) = 0;
  // Destroy every queued message and port event without handling; return the count.
  virtual uint32_t DropQueuedEvents() = 0;
  // Destroys the definition (when the state word reaches zero).
  virtual void DestroyDefinition() = 0;
  // Frees the whole allocation, this core included (when the weak count reaches zero).
  virtual void FreeCell() = 0;

 public:
  // The definition object; use on the own thread, or while the component is not
  // running (e.g. after the system terminated).
  virtual runtime_internal::DefinitionBase* definition() = 0;
  // FEATURES.md C10: the first port field of type `port_type` (a ProvidedPort<P>*
  // if `provided`, else a RequiredPort<P>*), or nullptr. Any thread; the pointer
  // is valid while the definition lives.
  virtual void* FindPort(const std::type_info& port_type, bool provided) = 0;
  // The actor message type (typeid(Never) for components that are not actors).
  virtual const std::type_info& message_type() const = 0;
  // Whether path-addressed messages can be queued here (the definition has
  // ReceiveNetwork or is a NetworkActor; runtime/network_actor.h). Any thread.
  virtual bool ReceivesNetworkMessages() const = 0;

 protected:
  // For the ProcessEvents of `ComponentCell<C>` (own thread): the actor mailbox, and the round-robin
  // position among the ports:
  runtime_internal::MpscQueue& message_queue() { return messages_; }
  uint16_t& port_cursor() { return port_cursor_; }

 private:
  friend class runtime_internal::SystemCore;
  friend class runtime_internal::Supervisor;
  friend class runtime_internal::ChildRegistry;
  template <typename C>
  friend class runtime_internal::ComponentCell;

  // Adds one unit of work, runs `push`, schedules on 0 -> 1. See the file comment.
  template <typename Push>
  bool Enqueue(Push&& push) {
    const uint64_t old = state_.fetch_add(1, std::memory_order_acq_rel);
    if (ABSL_PREDICT_FALSE(!AcceptsEvents(old))) {
      Refuse(old);
      return false;
    }
    if (ABSL_PREDICT_FALSE(runtime_internal::WorkOf(old) == runtime_internal::kWorkMask)) {
      runtime_internal::CounterOverflow("queued events");
    }
    push();
    if (!runtime_internal::IsBusy(old)) Schedule(ScheduleHint::kWake);
    return true;
  }
  // A component without strong references still accepts events while it has
  // work (e.g. it was started and its handle dropped before the supervisor took
  // it over); it is destroyed when both reach zero, its queues drained.
  static bool AcceptsEvents(uint64_t old) {
    if ((old & runtime_internal::kDeadFlag) != 0) return false;
    const LifecycleState l = runtime_internal::LifecycleOf(old);
    return l == LifecycleState::kPassive || l == LifecycleState::kActive;
  }
  // The refusal half of Enqueue (`old`: the word before its increment): a dead
  // component's unit is subtracted; any other's goes to refused_ and the
  // component is scheduled if the unit made it busy. See the file comment.
  ABSL_ATTRIBUTE_NOINLINE void Refuse(uint64_t old);
  // Takes back the units of refused events (own thread); returns how many.
  uint32_t TakeRefused() {
    return refused_.load(std::memory_order_relaxed) == 0 ? 0
                                                         : refused_.exchange(0, std::memory_order_acquire);
  }
  void Schedule(ScheduleHint hint);
  ABSL_ATTRIBUTE_NOINLINE void ScheduleRefused();
  // Ends a run: subtracts what it consumed (`work` units and `control` events)
  // with one atomic operation, which gives up ownership if nothing is left.
  // Destroys the definition if also unreferenced. True if work remains.
  bool FinishRun(uint32_t work, uint32_t control);
  // Destroys the definition if refs, work and control are zero and nobody else did.
  void MaybeDestroy(uint64_t observed);
  void Destroy();

  void SetLifecycle(LifecycleState state);
  // Ends a run of a passive or blocked component: gives up ownership and moves
  // the remaining work to parked_ (the events stay queued) and the `deferred`
  // control events (held aside while blocked) to parked_control_. Fails,
  // changing nothing, if control events other than the `control` consumed and
  // `deferred` ones are outstanding; the caller must then handle them first.
  bool TryParkAndFinish(uint32_t work, uint32_t control, uint32_t deferred);
  void UnparkWork();

  // Run-loop pieces (own thread).
  // Returns how many control nodes were handled; adds to `deferred` those set
  // aside because the component is blocked.
  uint32_t RunControlEvents(bool& stop, uint32_t& deferred);
  // BlockOn (runtime/async.h): marks the component blocked, keeps the blocked
  // lifecycle event and its `lifecycle_done` (if a lifecycle handler blocked) for
  // when the block ends, and starts the blocking task `result` carries (its first
  // step is queued as a blocking resumption).
  void StartBlocking(HandlerResult result, std::optional<ControlEvent> lifecycle_event,
                     absl::AnyInvocable<void(absl::Status) &&> lifecycle_done);
  // If the blocking task has completed: ends the block, puts the events set aside
  // back in front of `rest` and applies the task's result (sets `stop` if
  // processing must stop); a result that blocks again starts a new block, which
  // keeps the blocked lifecycle event, else that event's `lifecycle_done` is
  // called. Returns the nodes to handle next (`rest` if the component is not
  // blocked or the task is still running).
  runtime_internal::QueueNode* FinishBlockingIfDone(runtime_internal::QueueNode* rest, bool& stop);
  // Ends a block because of Kill; returns the set-aside control events dropped.
  uint32_t AbortBlocking();
  uint32_t RunTimers(uint32_t max, runtime_internal::RunInterrupt& interrupt);
  // Cancels every timer of the component and forgets its callbacks (a destroyed or
  // faulty component's timers never fire; T3).
  void CancelAllTimers(runtime_internal::ComponentExtras& extras);
  // Deletes the timer expiries queued and not yet handled; returns how many.
  uint32_t DropTimerExpiries();
  // Applies a handler result; returns true if processing must stop.
  bool ApplyResult(HandlerResult result, ControlEvent* lifecycle_event);
  void BecomeDestroyed(bool run_on_kill, bool notify_supervisor);
  void BecomeFaulty(const absl::Status& fault, FaultSeverity severity);
  // Destroys every queued event and takes back refused_; returns the units to
  // subtract from the state word.
  uint32_t DropEverything();
  runtime_internal::ComponentExtras& extras();
  runtime_internal::ComponentExtras* extras_if_present() const {
    return extras_.load(std::memory_order_acquire);
  }

  std::atomic<uint64_t> state_;
  std::atomic<uint32_t> weak_{1};     // +1 while the definition is alive
  uint32_t parked_ = 0;               // own thread: work moved out of the state word
  uint32_t parked_control_ = 0;       // own thread: deferred control events moved out of it
  std::atomic<uint32_t> refused_{0};  // units of refused events still in the word
  runtime_internal::MpscQueue messages_;
  runtime_internal::MpscStack control_;
  runtime_internal::MpscStack timers_;
  Uuid id_;
  runtime_internal::SystemCore* system_;
  Executor* executor_;
  std::atomic<runtime_internal::ComponentExtras*> extras_{nullptr};
  // Intrusive list of the system's supervised children (runtime/internal/child_registry.h).
  ComponentCore* supervision_prev_ = nullptr;
  ComponentCore* supervision_next_ = nullptr;
  uint16_t port_cursor_ = 0;  // own thread: round-robin resume position
  bool supervised_;
  bool blocked_ = false;  // own thread: a BlockOn task is running
};

}  // namespace kompact

#endif  // KOMPACT_RUNTIME_COMPONENT_CORE_H_
