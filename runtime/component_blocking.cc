// ComponentCore's BlockOn support (runtime/async.h, FEATURES.md C8): starting a
// blocking task, ending the block when it completes (re-queueing the control events
// set aside meanwhile) and abandoning it when the component is killed. The run loop
// (component_core.cc) calls these.
//
// Thread-safety: own thread only (inside Run()). Lifetime: the task's join future
// lives in the component's extras until the block ends or is abandoned.
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/component_core.h"
#include "runtime/internal/component_core_impl.h"
#include "runtime/internal/component_extras.h"

namespace kompact {

using runtime_internal::ComponentExtras;
using runtime_internal::DropControlList;
using runtime_internal::QueueNode;

void ComponentCore::StartBlocking(HandlerResult result, std::optional<ControlEvent> lifecycle_event,
                                  absl::AnyInvocable<void(absl::Status) &&> lifecycle_done) {
  std::unique_ptr<runtime_internal::BlockingTask> task = result.TakeBlockingTask();
  ComponentExtras& ex = extras();
  blocked_ = true;
  ex.blocked_lifecycle = lifecycle_event;
  ex.blocked_lifecycle_done = std::move(lifecycle_done);
  CORE_LOG(DEBUG) << "blocked on a task";
  // Its first step is queued as a blocking resumption (handled on the next pass).
  ex.blocking_join = std::move(*task).Start(ex.blocking_context, this);
}

QueueNode* ComponentCore::FinishBlockingIfDone(QueueNode* rest, bool& stop) {
  ComponentExtras& ex = extras();
  if (!blocked_ || !ex.blocking_join || !ex.blocking_join->IsReady()) return rest;
  std::optional<absl::StatusOr<HandlerResult>> outcome = ex.blocking_join->TryTake();
  ex.blocking_join.reset();
  blocked_ = false;
  CORE_LOG(DEBUG) << "block ended";
  // What was set aside goes first again; its work is back in the state word.
  if (parked_control_ > 0) {
    state_.fetch_add(parked_control_ * runtime_internal::kControlUnit, std::memory_order_acq_rel);
    parked_control_ = 0;
  }
  QueueNode* next = rest;
  if (ex.deferred_head != nullptr) {
    ex.deferred_tail->next.store(rest, std::memory_order_relaxed);
    next = ex.deferred_head;
    ex.deferred_head = ex.deferred_tail = nullptr;
  }
  if (lifecycle() == LifecycleState::kActive) UnparkWork();
  HandlerResult result = Handled::kOk;
  if (!outcome || !outcome->ok()) {
    result =
        HandlerResult::Recoverable(outcome ? outcome->status() : absl::InternalError("blocking task lost"));
  } else {
    result = std::move(**outcome);
  }
  std::optional<ControlEvent> event = std::exchange(ex.blocked_lifecycle, std::nullopt);
  auto done = std::move(ex.blocked_lifecycle_done);
  ex.blocked_lifecycle_done = nullptr;
  if (result.kind() == HandlerResult::Kind::kBlockOn) {
    StartBlocking(std::move(result), event, std::move(done));  // blocks again
    return next;
  }
  ControlEvent e = event.value_or(ControlEvent::kStart);
  if (ApplyResult(std::move(result), event ? &e : nullptr)) stop = true;
  if (done) {
    std::move(done)(lifecycle() == LifecycleState::kFaulty
                        ? absl::AbortedError(absl::StrCat("component ", id_.ToString(), " became faulty"))
                        : absl::OkStatus());
  }
  return next;
}

uint32_t ComponentCore::AbortBlocking() {
  ComponentExtras& ex = extras();
  // The task is abandoned: its next resumption is refused (the component is
  // being destroyed) and its frames are freed then.
  ex.blocking_join.reset();
  blocked_ = false;
  if (ex.blocked_lifecycle_done) {
    std::move(ex.blocked_lifecycle_done)(absl::AbortedError("the component was killed while blocked"));
  }
  ex.blocked_lifecycle.reset();
  ex.blocked_lifecycle_done = nullptr;
  if (parked_control_ > 0) {
    state_.fetch_add(parked_control_ * runtime_internal::kControlUnit, std::memory_order_acq_rel);
    parked_control_ = 0;
  }
  // Dropped like any event of a dying component; all are in the state word now.
  const uint32_t dropped = DropControlList(
      ex.deferred_head, [] { return absl::AbortedError("the component was killed while blocked"); });
  ex.deferred_head = ex.deferred_tail = nullptr;
  return dropped;
}

}  // namespace kompact
