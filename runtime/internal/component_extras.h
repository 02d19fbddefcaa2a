// State of a component that most components never need, allocated on first use so
// an idle component stays small (FEATURES.md target: <= 256 bytes each).
//
// Thread-safety: `recovery` is guarded by recovery_mu (any thread may replace it);
// everything else is touched only on the component's own thread.
#ifndef KOMPACT_RUNTIME_INTERNAL_COMPONENT_EXTRAS_H_
#define KOMPACT_RUNTIME_INTERNAL_COMPONENT_EXTRAS_H_

#include <mutex>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "base/log.h"
#include "executors/future.h"
#include "executors/task.h"
#include "runtime/component_core.h"
#include "runtime/internal/owned_asks.h"
#include "timer/timer.h"

namespace kompact::runtime_internal {

// Where a component's tasks resume (runtime/async.h): through its control queue,
// so each resumption has exclusive access to the component. Lives as long as the
// component's memory; each task tree holds a weak reference to the component.
class ComponentResumeContext final : public ResumeContext {
 public:
  ComponentResumeContext(ComponentCore* core, bool blocking) : core_(core), blocking_(blocking) {}
  absl::Status Schedule(Runnable& resumption, ScheduleHint) override {
    return core_->ScheduleResumption(resumption, blocking_);
  }
  // A resumption that was queued but will never run (the component died).
  static void Cancel(Runnable& resumption, const absl::Status& why) { CancelAccepted(resumption, why); }

 private:
  ComponentCore* core_;
  bool blocking_;
};

struct ComponentExtras {
  explicit ComponentExtras(ComponentCore* core) : local_context(core, false), blocking_context(core, true) {}

  struct TimerEntry {
    ComponentCore::TimerCallback callback;
    bool periodic = false;
  };

  std::optional<Logger> logger;
  absl::flat_hash_map<TimerId, TimerEntry> timers;
  // Timer expiries taken from the timer stack but not yet handled (budget ran out),
  // oldest first, linked through `next`.
  QueueNode* pending_timers = nullptr;

  std::mutex recovery_mu;
  std::optional<RecoveryFunction> recovery ABSL_GUARDED_BY(recovery_mu);

  // Async (runtime/async.h).
  ComponentResumeContext local_context;
  ComponentResumeContext blocking_context;
  std::optional<Future<HandlerResult>> blocking_join;  // set while blocked
  // A lifecycle event whose handler blocked: applied when the task completes.
  std::optional<ControlEvent> blocked_lifecycle;
  absl::AnyInvocable<void(absl::Status) &&> blocked_lifecycle_done;
  // Control events set aside while blocked, oldest first.
  QueueNode* deferred_head = nullptr;
  QueueNode* deferred_tail = nullptr;

  // The Asks this component received (runtime/internal/owned_asks.h): failed when
  // it is destroyed.
  OwnedAsks owned_asks;
};

}  // namespace kompact::runtime_internal

#endif  // KOMPACT_RUNTIME_INTERNAL_COMPONENT_EXTRAS_H_
