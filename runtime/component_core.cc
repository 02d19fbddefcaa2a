#include "runtime/component_core.h"

#include <exception>
#include <string>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"
#include "base/node_pool.h"
#include "glog/logging.h"
#include "runtime/internal/component_core_impl.h"
#include "runtime/internal/component_extras.h"
#include "runtime/internal/system_core.h"

namespace kompact {

using runtime_internal::ComponentExtras;
using runtime_internal::ControlNode;
using runtime_internal::DropControlList;
using runtime_internal::DropControlNode;
using runtime_internal::IsBusy;
using runtime_internal::kDeadFlag;
using runtime_internal::kLifecycleMask;
using runtime_internal::kLifecycleShift;
using runtime_internal::kRefUnit;
using runtime_internal::LifecycleOf;
using runtime_internal::QueueNode;
using runtime_internal::RefsOf;
using runtime_internal::RunInterrupt;
using runtime_internal::WorkOf;

namespace {

thread_local ComponentCore* current_component = nullptr;

class CurrentComponentScope {
 public:
  explicit CurrentComponentScope(ComponentCore* c) : previous_(current_component) { current_component = c; }
  ~CurrentComponentScope() { current_component = previous_; }

 private:
  ComponentCore* previous_;
};

// Why an Ask held by a destroyed component failed (docs/ask.md).
absl::Status AsksFailedError(const ComponentCore& core) {
  return absl::CancelledError(absl::StrCat("the component that received this Ask (", AsAbsl(core.type_name()),
                                           " ", core.id().ToString(),
                                           ") was destroyed or became faulty before replying"));
}

// Fails the Asks the component received and has not answered (if any).
void FailOwnedAsks(const ComponentCore& core, ComponentExtras& extras) {
  if (!extras.owned_asks.empty()) extras.owned_asks.FailAll(AsksFailedError(core));
}

}  // namespace

namespace runtime_internal {
std::string DescribeCurrentException() {
  try {
    throw;
  } catch (const std::exception& e) {
    return absl::StrCat("handler threw ", typeid(e).name(), ": ", e.what());
  } catch (...) {
    return "handler threw a non-std::exception value";
  }
}

HandlerResult CurrentExceptionResult() {
  return HandlerResult::Recoverable(absl::InternalError(DescribeCurrentException()));
}
void AddOwnedAsk(ComponentCore& core, OwnedAsk* ask) { core.extras_for_async().owned_asks.Add(ask); }

void CounterOverflow(const char* what) {
  LOG(FATAL) << "component state word overflow: too many " << what
             << " for one component (see runtime/component_core.h for the limits)";
  std::abort();
}
}  // namespace runtime_internal

namespace {
using runtime_internal::CurrentExceptionResult;
using runtime_internal::DescribeCurrentException;

absl::Status NotAcceptingError(const ComponentCore& c, std::string_view what) {
  return absl::FailedPreconditionError(absl::StrCat(AsAbsl(what), ": component ", c.id().ToString(), " (",
                                                    AsAbsl(c.type_name()), ") is ",
                                                    AsAbsl(LifecycleStateName(c.lifecycle()))));
}

}  // namespace

ComponentCore::ComponentCore(runtime_internal::SystemCore* system, Executor* executor, bool supervised)
    : state_(kRefUnit | (static_cast<uint64_t>(LifecycleState::kPassive) << kLifecycleShift)),
      id_(Uuid::Random()),
      system_(system),
      executor_(executor),
      supervised_(supervised) {
  system_->Ref();
}

ComponentCore::~ComponentCore() {
  delete extras_.load(std::memory_order_relaxed);
  system_->Unref();
}

ComponentCore* ComponentCore::Current() { return current_component; }

// ---- references ------------------------------------------------------------------------

void ComponentCore::ReleaseStrongRef() {
  const uint64_t old = state_.fetch_sub(kRefUnit, std::memory_order_acq_rel);
  DCHECK_GT(RefsOf(old), 0u) << "strong reference count underflow on " << id_;
  if (RefsOf(old) == 1 && !IsBusy(old)) MaybeDestroy(old - kRefUnit);
}

bool ComponentCore::TryAddStrongRef() {
  uint64_t cur = state_.load(std::memory_order_acquire);
  // A destroyed component is not upgraded either, even while a handle keeps its
  // definition alive (ActorRef::Hold()).
  while ((cur & kDeadFlag) == 0 && LifecycleOf(cur) != LifecycleState::kDestroyed) {
    if (state_.compare_exchange_weak(cur, cur + kRefUnit, std::memory_order_acq_rel,
                                     std::memory_order_acquire)) {
      return true;
    }
  }
  return false;
}

void ComponentCore::ReleaseWeakRef() {
  if (weak_.fetch_sub(1, std::memory_order_acq_rel) == 1) FreeCell();
}

void ComponentCore::MaybeDestroy(uint64_t observed) {
  uint64_t cur = observed;
  while (RefsOf(cur) == 0 && !IsBusy(cur) && (cur & kDeadFlag) == 0) {
    if (state_.compare_exchange_weak(cur, cur | kDeadFlag, std::memory_order_acq_rel,
                                     std::memory_order_acquire)) {
      Destroy();
      return;
    }
  }
}

void ComponentCore::Destroy() {
  // The dead flag is set: nobody enqueues any more and nobody runs us.
  DCHECK_EQ(refused_.load(std::memory_order_acquire), 0u)
      << "refused events outlived the last run of " << id_;
  ComponentExtras* extras = extras_if_present();
  if (extras != nullptr) CancelAllTimers(*extras);
  DropEverything();
  const auto why_dropped = [this] { return NotAcceptingError(*this, "control event dropped"); };
  DropControlList(control_.TakeAll(), why_dropped);
  if (extras != nullptr) {
    DropControlList(extras->deferred_head, why_dropped);
    extras->deferred_head = extras->deferred_tail = nullptr;
    extras->blocking_join.reset();
  }
  DestroyDefinition();
  // Asks whose promise the definition passed on are failed with it.
  if (extras != nullptr) FailOwnedAsks(*this, *extras);
  // A dedicated component's thread has nothing left to do; the system joins it.
  if (executor_ != &system_->executor()) executor_->ShutdownAsync();
  ReleaseWeakRef();
}

// ---- enqueueing --------------------------------------------------------------------------

void ComponentCore::Refuse(uint64_t old) {
  if ((old & kDeadFlag) != 0) {
    // Nobody runs or schedules a dead component: the unit can simply go.
    state_.fetch_sub(1, std::memory_order_relaxed);
    return;
  }
  // Destroyed or faulty but still alive: only a run may take the unit out.
  refused_.fetch_add(1, std::memory_order_release);
  if (!IsBusy(old)) Schedule(ScheduleHint::kWake);
}

bool ComponentCore::EnqueueControl(ControlNode* node) {
  const uint64_t old = state_.fetch_add(runtime_internal::kControlUnit, std::memory_order_acq_rel);
  if ((old & kDeadFlag) != 0) {
    // Control events are refused only once dead (never scheduled again).
    state_.fetch_sub(runtime_internal::kControlUnit, std::memory_order_relaxed);
    return false;
  }
  if (ABSL_PREDICT_FALSE(runtime_internal::ControlOf(old) ==
                         (runtime_internal::kControlMask >> runtime_internal::kControlShift))) {
    runtime_internal::CounterOverflow("queued control events");
  }
  control_.Push(node);
  if (!IsBusy(old)) Schedule(ScheduleHint::kWake);
  return true;
}

void ComponentCore::SendLifecycle(ControlEvent event, absl::AnyInvocable<void(absl::Status) &&> done) {
  auto* node = base_internal::NewNode<ControlNode>();
  node->kind = ControlNode::Kind::kLifecycle;
  node->event = event;
  node->done = std::move(done);
  if (!EnqueueControl(node)) {
    if (node->done) {
      std::move(node->done)(event == ControlEvent::kKill
                                ? absl::OkStatus()  // already gone: the kill has happened
                                : NotAcceptingError(*this, ControlEventName(event)));
    }
    base_internal::DeleteNode(node);
  }
}

absl::Status ComponentCore::ScheduleResumption(Runnable& resumption, bool blocking) {
  const LifecycleState state = lifecycle();
  if (state == LifecycleState::kDestroyed || state == LifecycleState::kFaulty) {
    return NotAcceptingError(*this, "task resumption");  // the task is cancelled
  }
  auto* node = base_internal::NewNode<ControlNode>();
  node->kind = ControlNode::Kind::kResume;
  node->blocking = blocking;
  node->resumption = &resumption;
  if (!EnqueueControl(node)) {
    base_internal::DeleteNode(node);
    return NotAcceptingError(*this, "task resumption");
  }
  return absl::OkStatus();
}

bool ComponentCore::RunOnOwnThread(absl::AnyInvocable<void(ComponentCore&) &&> fn) {
  auto* node = base_internal::NewNode<ControlNode>();
  node->kind = ControlNode::Kind::kApply;
  node->apply = std::move(fn);
  if (!EnqueueControl(node)) {
    base_internal::DeleteNode(node);
    return false;
  }
  return true;
}

void ComponentCore::Schedule(ScheduleHint hint) {
  if (ABSL_PREDICT_TRUE(executor_->TrySchedule(*this, hint))) return;
  ScheduleRefused();
}

void ComponentCore::ScheduleRefused() {
  // The executor is shut down: we own the component (it is busy), so act as
  // the consumer and drop everything; handlers never run again.
  CORE_LOG(DEBUG) << "executor refused component " << id_ << ": " << executor_->RefusalError();
  CurrentComponentScope scope(this);
  for (;;) {
    UnparkWork();
    uint32_t control = blocked_ ? AbortBlocking() : 0;
    control += DropControlList(control_.TakeAll(),
                               [] { return absl::CancelledError("the system's executor has shut down"); });
    const uint32_t work = DropEverything();
    if (!FinishRun(work, control)) return;
    // Events still being pushed: drop them once they are visible.
    std::this_thread::yield();
  }
}

// ---- lifecycle bits -----------------------------------------------------------------------

void ComponentCore::SetLifecycle(LifecycleState state) {
  uint64_t cur = state_.load(std::memory_order_relaxed);
  uint64_t next;
  do {
    next = (cur & ~kLifecycleMask) | (static_cast<uint64_t>(state) << kLifecycleShift);
  } while (!state_.compare_exchange_weak(cur, next, std::memory_order_acq_rel, std::memory_order_relaxed));
}

bool ComponentCore::TryParkAndFinish(uint32_t work, uint32_t control, uint32_t deferred) {
  const uint32_t parked_before = parked_;
  const uint32_t parked_control_before = parked_control_;
  uint64_t cur = state_.load(std::memory_order_acquire);
  for (;;) {
    if (runtime_internal::ControlOf(cur) != control + deferred) {
      parked_ = parked_before;
      parked_control_ = parked_control_before;
      return false;  // more control events: handle them first
    }
    const uint32_t all_work = WorkOf(cur);
    // Written before the exchange that gives up ownership, never after it.
    parked_ = parked_before + (all_work - work);
    parked_control_ = parked_control_before + deferred;
    const uint64_t next = cur - all_work - (control + deferred) * runtime_internal::kControlUnit;
    if (state_.compare_exchange_weak(cur, next, std::memory_order_acq_rel, std::memory_order_acquire)) {
      if (RefsOf(next) == 0) MaybeDestroy(next);
      return true;
    }
  }
}

void ComponentCore::UnparkWork() {
  if (parked_ == 0) return;
  state_.fetch_add(parked_, std::memory_order_acq_rel);
  parked_ = 0;
}

bool ComponentCore::FinishRun(uint32_t work, uint32_t control) {
  const uint64_t consumed = work + control * runtime_internal::kControlUnit;
  const uint64_t old = state_.fetch_sub(consumed, std::memory_order_acq_rel);
  DCHECK(WorkOf(old) >= work && runtime_internal::ControlOf(old) >= control)
      << "work count underflow on " << id_;
  const uint64_t now = old - consumed;
  if (IsBusy(now)) return true;
  if (RefsOf(now) == 0) MaybeDestroy(now);
  return false;
}

// ---- the run loop ---------------------------------------------------------------------------

void ComponentCore::Run() {
  DCHECK(IsBusy(state_.load(std::memory_order_relaxed)) &&
         (state_.load(std::memory_order_relaxed) & kDeadFlag) == 0)
      << "component " << id_ << " run without queued work: it was scheduled twice";
  CurrentComponentScope scope(this);
  uint32_t control_taken = 0;  // control events consumed by this run
  uint32_t work_taken = 0;     // other events consumed by this run
  uint32_t deferred = 0;       // control events set aside (blocked) by this run
  bool stop = false;
  LifecycleState state;
  for (;;) {
    const uint32_t seen_deferred = deferred;
    const uint32_t control = control_.IsEmpty() ? 0 : RunControlEvents(stop, deferred);
    control_taken += control;
    state = lifecycle();
    const bool parks = (state == LifecycleState::kPassive || blocked_) &&
                       state != LifecycleState::kDestroyed && state != LifecycleState::kFaulty;
    if (!parks || stop) break;
    // A passive or blocked component keeps its events queued without spinning:
    // their work is parked until Start or the end of the block. Nothing may be
    // touched once parked.
    if (TryParkAndFinish(work_taken, control_taken, deferred)) return;
    // A control event is counted but not handled yet (maybe still being pushed).
    if (control == 0 && deferred == seen_deferred) std::this_thread::yield();
  }
  uint32_t& taken = work_taken;
  if (state == LifecycleState::kDestroyed || state == LifecycleState::kFaulty) {
    taken += DropEverything();
  } else if (!stop) {
    const uint32_t max_events = system_->throughput();
    const uint32_t max_messages = system_->max_messages();
    RunInterrupt interrupt;
    // Timers first, then messages up to their share, then port events round-robin,
    // then messages again until the budget is spent (FEATURES.md C5). The Process*
    // functions catch exceptions per handler, so counts are always exact.
    // The common case (no timer due) is two loads, not a call.
    ComponentExtras* ex = extras_if_present();
    uint32_t count = timers_.IsEmpty() && (ex == nullptr || ex->pending_timers == nullptr)
                         ? 0
                         : RunTimers(max_events, interrupt);
    if (!interrupt.result && count < max_events) {
      count += ProcessEvents(max_events - count, max_messages > count ? max_messages - count : 0, interrupt);
    }
    taken += count;
    if (interrupt.result) {
      ApplyResult(std::move(*interrupt.result), nullptr);
      state = lifecycle();
      if (state == LifecycleState::kDestroyed || state == LifecycleState::kFaulty) taken += DropEverything();
    }
  }
  if (FinishRun(work_taken, control_taken)) Schedule(ScheduleHint::kYield);
}

uint32_t ComponentCore::RunControlEvents(bool& stop, uint32_t& deferred) {
  uint32_t taken = 0;
  QueueNode* n = control_.TakeAll();
  while (n != nullptr) {
    auto* node = static_cast<ControlNode*>(n);
    n = n->next.load(std::memory_order_relaxed);
    // While blocked only the blocking task's resumptions run (and Kill, which
    // ends the block); everything else waits, in order.
    if (blocked_ && !(node->kind == ControlNode::Kind::kResume && node->blocking) &&
        !(node->kind == ControlNode::Kind::kLifecycle && node->event == ControlEvent::kKill)) {
      ComponentExtras& ex = extras();
      node->next.store(nullptr, std::memory_order_relaxed);
      if (ex.deferred_tail != nullptr) {
        ex.deferred_tail->next.store(node, std::memory_order_relaxed);
      } else {
        ex.deferred_head = node;
      }
      ex.deferred_tail = node;
      ++deferred;
      continue;
    }
    ++taken;
    if (node->kind == ControlNode::Kind::kApply) {
      try {
        std::move(node->apply)(*this);
      } catch (...) {
        KLOG(logger(), ERROR) << "control action: " << DescribeCurrentException();
      }
      base_internal::DeleteNode(node);
      continue;
    }
    if (node->kind == ControlNode::Kind::kResume) {
      const LifecycleState state = lifecycle();
      if (state == LifecycleState::kDestroyed || state == LifecycleState::kFaulty) {
        DropControlNode(node, NotAcceptingError(*this, "task resumption"));  // died meanwhile
        continue;
      }
      const bool blocking = node->blocking;
      Runnable* resumption = node->resumption;
      base_internal::DeleteNode(node);
      resumption->Run();  // resumes the task here; exceptions end in its join future
      if (blocking) {
        QueueNode* next = FinishBlockingIfDone(n, stop);
        if (next != n) {
          deferred = 0;  // the set-aside events are back in the state word and the list
          n = next;
        }
      }
      continue;
    }
    const LifecycleState state = lifecycle();
    absl::Status outcome = absl::OkStatus();
    ControlEvent event = node->event;
    if (event == ControlEvent::kKill && blocked_) {
      taken += AbortBlocking();
      deferred = 0;  // they were dropped and are counted in `taken`
    }
    const bool applicable = (event == ControlEvent::kStart && state == LifecycleState::kPassive) ||
                            (event == ControlEvent::kStop && state == LifecycleState::kActive) ||
                            (event == ControlEvent::kKill &&
                             (state == LifecycleState::kPassive || state == LifecycleState::kActive));
    if (!applicable) {
      if (!(event == ControlEvent::kKill && state == LifecycleState::kDestroyed) &&
          !(event == ControlEvent::kStart && state == LifecycleState::kActive) &&
          !(event == ControlEvent::kStop && state == LifecycleState::kPassive)) {
        outcome = NotAcceptingError(*this, ControlEventName(event));
      }
      CORE_LOG(DEBUG) << "ignoring " << event << " in state " << state;
    } else {
      switch (event) {
        case ControlEvent::kStart:
          SetLifecycle(LifecycleState::kActive);
          break;
        case ControlEvent::kStop:
          SetLifecycle(LifecycleState::kPassive);
          break;
        case ControlEvent::kKill:
          SetLifecycle(LifecycleState::kDestroyed);
          break;
      }
      CORE_LOG(DEBUG) << "handling " << event;
      HandlerResult result = Handled::kOk;
      try {
        result = InvokeLifecycle(event);
      } catch (...) {
        result = CurrentExceptionResult();
      }
      if (result.kind() == HandlerResult::Kind::kBlockOn && event != ControlEvent::kKill) {
        // The transition completes when the task does (FEATURES.md C8).
        StartBlocking(std::move(result), event, std::move(node->done));
        base_internal::DeleteNode(node);
        continue;
      }
      if (ApplyResult(std::move(result), &event)) stop = true;
      const LifecycleState after = lifecycle();
      if (after == LifecycleState::kFaulty) {
        outcome = absl::AbortedError(absl::StrCat("component ", id_.ToString(), " became faulty during ",
                                                  AsAbsl(ControlEventName(event))));
      } else if (event == ControlEvent::kStart && after == LifecycleState::kDestroyed) {
        outcome = NotAcceptingError(*this, "Start");
      }
    }
    if (node->done) std::move(node->done)(std::move(outcome));
    base_internal::DeleteNode(node);
  }
  return taken;
}

bool ComponentCore::ApplyResult(HandlerResult result, ControlEvent* lifecycle_event) {
  switch (result.kind()) {
    case HandlerResult::Kind::kOk:
      break;
    case HandlerResult::Kind::kShutdown:
      if (lifecycle_event != nullptr && *lifecycle_event == ControlEvent::kKill) break;  // same as OK
      CORE_LOG(DEBUG) << "shutting down via Handled::kShutdown";
      BecomeDestroyed(/*run_on_kill=*/true, /*notify_supervisor=*/true);
      return true;
    case HandlerResult::Kind::kBlockOn:
      // Nothing else of this component runs until the task completes (C8).
      StartBlocking(std::move(result), std::nullopt, nullptr);
      return true;
    case HandlerResult::Kind::kError:
      switch (result.severity()) {
        case FaultSeverity::kBenign:
          KLOG(logger(), WARNING) << "handler reported a benign error: " << result.status();
          break;
        case FaultSeverity::kRecoverable:
        case FaultSeverity::kUnrecoverable:
          BecomeFaulty(result.status(), result.severity());
          return true;
      }
      break;
  }
  if (lifecycle_event != nullptr) {
    switch (*lifecycle_event) {
      case ControlEvent::kStart:
        UnparkWork();
        system_->ComponentStarted(*this);
        break;
      case ControlEvent::kStop:
        system_->ComponentStopped(*this);
        break;
      case ControlEvent::kKill:
        BecomeDestroyed(/*run_on_kill=*/false, /*notify_supervisor=*/true);
        return true;
    }
  }
  return false;
}

void ComponentCore::BecomeDestroyed(bool run_on_kill, bool notify_supervisor) {
  SetLifecycle(LifecycleState::kDestroyed);
  if (run_on_kill) {
    HandlerResult secondary = Handled::kOk;
    try {
      secondary = InvokeLifecycle(ControlEvent::kKill);
    } catch (...) {
      secondary = CurrentExceptionResult();
    }
    if (secondary.kind() == HandlerResult::Kind::kError) {
      KLOG(logger(), ERROR) << "ignoring error from OnKill during shutdown: " << secondary.status();
    }
  }
  ComponentExtras* extras = extras_if_present();
  if (extras != nullptr) {
    CancelAllTimers(*extras);  // T3: a dead component's timers are cancelled
    // A3: the Asks it received and has not answered fail now, even if a handle
    // keeps the definition (and an Ask stored in it) alive.
    FailOwnedAsks(*this, *extras);
  }
  UnparkWork();  // parked events are dropped with the rest
  if (notify_supervisor) system_->ComponentKilled(*this);
}

void ComponentCore::BecomeFaulty(const absl::Status& fault, FaultSeverity severity) {
  if (severity == FaultSeverity::kUnrecoverable) {
    KLOG(logger(), ERROR) << "handler reported an unrecoverable error: " << fault;
    BecomeDestroyed(/*run_on_kill=*/false, /*notify_supervisor=*/true);
    if (!supervised_)
      system_->Poison(absl::StrCat("unsupervised component ", AsAbsl(type_name()), " ", id_.ToString(),
                                   " failed: ", fault.ToString()));
    return;
  }
  KLOG(logger(), ERROR) << "component faulted: " << fault;
  SetLifecycle(LifecycleState::kFaulty);
  ComponentExtras* extras = extras_if_present();
  if (extras != nullptr) {
    CancelAllTimers(*extras);
    FailOwnedAsks(*this, *extras);  // a faulty component answers nothing
  }
  UnparkWork();
  system_->ComponentFaulty(*this, FaultContext(id_, std::string(type_name()), fault), supervised_);
}

uint32_t ComponentCore::DropEverything() {
  uint32_t dropped = DropQueuedEvents();
  dropped += DropTimerExpiries();
  // Dropped events that were parked are not in the state word any more.
  const uint32_t from_parked = parked_ < dropped ? parked_ : dropped;
  parked_ -= from_parked;
  // Events refused while destroyed or faulty are taken back with the rest.
  return dropped - from_parked + TakeRefused();
}

// ---- context services -----------------------------------------------------------------------

ComponentExtras& ComponentCore::extras() {
  ComponentExtras* extras = extras_.load(std::memory_order_acquire);
  if (extras != nullptr) return *extras;
  auto* created = new ComponentExtras(this);
  if (extras_.compare_exchange_strong(extras, created, std::memory_order_acq_rel,
                                      std::memory_order_acquire)) {
    return *created;
  }
  delete created;  // another thread (SetRecoveryFunction) won
  return *extras;
}

const Logger& ComponentCore::logger() {
  ComponentExtras& ex = extras();
  if (!ex.logger) {
    ex.logger = system_->logger().WithContext("ctype", type_name()).WithContext("cid", id_.ToString());
  }
  return *ex.logger;
}

void ComponentCore::SetRecoveryFunction(RecoveryFunction fn) {
  ComponentExtras& ex = extras();
  std::lock_guard<std::mutex> lock(ex.recovery_mu);
  ex.recovery = std::move(fn);
}

void ComponentCore::RequestSuicide() { SendLifecycle(ControlEvent::kKill); }

}  // namespace kompact
