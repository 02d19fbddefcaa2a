// ComponentCore's timers (FEATURES.md T2-T3): scheduling and cancelling them, running
// the expiries that reached the component, and cancelling or dropping all of them when
// the component dies or becomes faulty.
//
// Thread-safety: own thread only (ScheduleOnce, SchedulePeriodic and CancelTimer
// DCHECK it; the rest runs inside Run() or while the component is being destroyed).
// The timer thread only enqueues expiries (EnqueueTimer). Lifetime: each scheduled
// timer's callback holds one weak reference to the component until the timer drops it.
#include <cstdint>
#include <utility>

#include "base/node_pool.h"
#include "glog/logging.h"
#include "runtime/component_core.h"
#include "runtime/internal/component_extras.h"
#include "runtime/internal/core_refs.h"
#include "runtime/internal/system_core.h"

namespace kompact {

using runtime_internal::ComponentExtras;
using runtime_internal::CurrentExceptionResult;
using runtime_internal::QueueNode;
using runtime_internal::RunInterrupt;
using runtime_internal::TimerNode;
using runtime_internal::WeakCoreRef;

namespace {

// Deletes every timer expiry of `list` (linked through `next`); returns how many there were.
uint32_t DeleteTimerNodes(QueueNode* list) {
  uint32_t deleted = 0;
  for (QueueNode* n = list; n != nullptr; ++deleted) {
    QueueNode* next = n->next.load(std::memory_order_relaxed);
    base_internal::DeleteNode(static_cast<TimerNode*>(n));
    n = next;
  }
  return deleted;
}

}  // namespace

absl::StatusOr<TimerId> ComponentCore::ScheduleOnce(absl::Duration delay, TimerCallback callback) {
  DCHECK(IsCurrent()) << "ScheduleOnce must be called on the component's own thread";
  // The timer owns one weak reference until the callback runs or is dropped.
  auto scheduled = system_->timer().ScheduleOnce(delay, [target = WeakCoreRef(this)](TimerId id) mutable {
    auto* node = base_internal::NewNode<TimerNode>();
    node->id = id;
    if (!target.get()->EnqueueTimer(node)) base_internal::DeleteNode(node);
  });
  if (!scheduled.ok()) return scheduled.status();
  extras().timers[*scheduled] = {std::move(callback), false};
  return scheduled;
}

absl::StatusOr<TimerId> ComponentCore::SchedulePeriodic(absl::Duration delay, absl::Duration period,
                                                        TimerCallback callback) {
  DCHECK(IsCurrent()) << "SchedulePeriodic must be called on the component's own thread";
  // The timer owns one weak reference for as long as it may fire.
  auto scheduled =
      system_->timer().SchedulePeriodic(delay, period, [target = WeakCoreRef(this)](TimerId id) mutable {
        auto* node = base_internal::NewNode<TimerNode>();
        node->id = id;
        if (!target.get()->EnqueueTimer(node)) {
          base_internal::DeleteNode(node);
          return TimerReturn::kCancel;  // T3: the component is gone
        }
        return TimerReturn::kReschedule;
      });
  if (!scheduled.ok()) return scheduled.status();
  extras().timers[*scheduled] = {std::move(callback), true};
  return scheduled;
}

void ComponentCore::CancelTimer(TimerId id) {
  DCHECK(IsCurrent()) << "CancelTimer must be called on the component's own thread";
  ComponentExtras* extras = extras_if_present();
  if (extras != nullptr) extras->timers.erase(id);
  system_->timer().Cancel(id);
}

uint32_t ComponentCore::RunTimers(uint32_t max, RunInterrupt& interrupt) {
  ComponentExtras* extras = extras_if_present();
  if (timers_.IsEmpty() && (extras == nullptr || extras->pending_timers == nullptr)) return 0;
  QueueNode* batch = timers_.TakeAll();
  ComponentExtras& ex = this->extras();
  // Older leftovers first.
  if (ex.pending_timers != nullptr) {
    QueueNode* tail = ex.pending_timers;
    while (tail->next.load(std::memory_order_relaxed) != nullptr)
      tail = tail->next.load(std::memory_order_relaxed);
    tail->next.store(batch, std::memory_order_relaxed);
    batch = ex.pending_timers;
    ex.pending_timers = nullptr;
  }
  uint32_t count = 0;
  while (batch != nullptr && count < max && !interrupt.result) {
    auto* node = static_cast<TimerNode*>(batch);
    batch = batch->next.load(std::memory_order_relaxed);
    const TimerId id = node->id;
    base_internal::DeleteNode(node);
    ++count;
    auto it = ex.timers.find(id);
    if (it == ex.timers.end()) continue;  // cancelled after it fired
    HandlerResult result = Handled::kOk;
    try {
      if (it->second.periodic) {
        result = it->second.callback(*this, id);
      } else {
        TimerCallback callback = std::move(it->second.callback);
        ex.timers.erase(it);
        result = callback(*this, id);
      }
    } catch (...) {
      result = CurrentExceptionResult();
    }
    if (!result.ok()) {
      if (result.kind() == HandlerResult::Kind::kError && result.severity() == FaultSeverity::kBenign) {
        KLOG(logger(), WARNING) << "timer handler reported a benign error: " << result.status();
      } else {
        interrupt.result = std::move(result);
      }
    }
  }
  ex.pending_timers = batch;
  return count;
}

void ComponentCore::CancelAllTimers(ComponentExtras& extras) {
  for (auto& [id, entry] : extras.timers) system_->timer().Cancel(id);
  extras.timers.clear();
}

uint32_t ComponentCore::DropTimerExpiries() {
  uint32_t dropped = DeleteTimerNodes(timers_.TakeAll());
  ComponentExtras* extras = extras_if_present();
  if (extras != nullptr) {
    dropped += DeleteTimerNodes(extras->pending_timers);
    extras->pending_timers = nullptr;
  }
  return dropped;
}

}  // namespace kompact
