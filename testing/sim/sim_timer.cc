#include "testing/sim/sim_timer.h"

#include <cmath>
#include <utility>

namespace kompact::sim {

SimTimer::SimTimer(Scheduler& scheduler, SystemId system, double rate)
    : scheduler_(scheduler), system_(system), rate_(rate) {}

SimTime SimTimer::Scaled(absl::Duration d) const {
  const SimTime ns = ToSimTime(d);
  if (rate_ == 1.0) return ns;
  return static_cast<SimTime>(std::ceil(static_cast<double>(ns) / rate_));
}

void SimTimer::Arm(uint64_t id, absl::Duration delay) {
  scheduler_.At(scheduler_.now() + Scaled(delay), system_, EventKind::kTimer, 0, [this, id] { Fire(id); });
}

absl::StatusOr<TimerId> SimTimer::ScheduleOnce(absl::Duration delay, OnceCallback callback) {
  if (shut_down_) return absl::FailedPreconditionError("SimTimer is shut down");
  if (delay < absl::ZeroDuration() || delay == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError("SimTimer::ScheduleOnce: the delay must be finite and >= 0");
  }
  if (!callback) return absl::InvalidArgumentError("SimTimer::ScheduleOnce: empty callback");
  const uint64_t id = next_id_++;
  timers_.emplace(id, Entry{std::move(callback), nullptr, absl::ZeroDuration()});
  Arm(id, delay);
  return TimerId{id};
}

absl::StatusOr<TimerId> SimTimer::SchedulePeriodic(absl::Duration delay, absl::Duration period,
                                                   PeriodicCallback callback) {
  if (shut_down_) return absl::FailedPreconditionError("SimTimer is shut down");
  if (delay < absl::ZeroDuration() || delay == absl::InfiniteDuration() || period <= absl::ZeroDuration() ||
      period == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        "SimTimer::SchedulePeriodic: the delay must be finite and >= 0, the period finite and > 0");
  }
  if (!callback) return absl::InvalidArgumentError("SimTimer::SchedulePeriodic: empty callback");
  const uint64_t id = next_id_++;
  timers_.emplace(id, Entry{nullptr, std::move(callback), period});
  Arm(id, delay);
  return TimerId{id};
}

void SimTimer::Cancel(TimerId id) { timers_.erase(id.value); }

void SimTimer::Shutdown() {
  shut_down_ = true;
  // Callbacks may hold references whose release schedules or cancels: destroy
  // them outside the map.
  absl::flat_hash_map<uint64_t, Entry> gone = std::move(timers_);
  timers_.clear();
  gone.clear();
}

void SimTimer::Fire(uint64_t id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;  // cancelled
  if (it->second.once) {
    OnceCallback callback = std::move(it->second.once);
    timers_.erase(it);
    std::move(callback)(TimerId{id});
    return;
  }
  // Periodic: the callback stays in the map while it runs (it may cancel itself).
  PeriodicCallback callback = std::move(it->second.periodic);
  const absl::Duration period = it->second.period;
  const TimerReturn next = callback(TimerId{id});
  it = timers_.find(id);
  if (it == timers_.end()) return;  // cancelled (or shut down) by the callback
  if (next == TimerReturn::kCancel) {
    timers_.erase(it);
    return;
  }
  it->second.periodic = std::move(callback);
  Arm(id, period);
}

}  // namespace kompact::sim
