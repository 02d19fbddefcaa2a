#include "timer/manual_timer.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "timer/internal/timer_core.h"

namespace kompact {
namespace {

using timer_internal::kNanosPerTick;

// Marks the calling thread as the one driving the wheel for a scope.
class DriverScope {
 public:
  explicit DriverScope(std::atomic<std::thread::id>& driver) : driver_(driver) {
    driver_.store(std::this_thread::get_id(), std::memory_order_release);
  }
  ~DriverScope() { driver_.store(std::thread::id(), std::memory_order_release); }
  DriverScope(const DriverScope&) = delete;
  DriverScope& operator=(const DriverScope&) = delete;

 private:
  std::atomic<std::thread::id>& driver_;
};

}  // namespace

ManualTimer::ManualTimer(Logger logger)
    : core_(std::make_unique<timer_internal::TimerCore>(std::move(logger))) {}

ManualTimer::~ManualTimer() { Shutdown(); }

absl::StatusOr<TimerId> ManualTimer::ScheduleOnce(absl::Duration delay, OnceCallback callback) {
  return core_->ScheduleOnce(now_ns_.load(std::memory_order_acquire), delay, std::move(callback));
}

absl::StatusOr<TimerId> ManualTimer::SchedulePeriodic(absl::Duration delay, absl::Duration period,
                                                      PeriodicCallback callback) {
  return core_->SchedulePeriodic(now_ns_.load(std::memory_order_acquire), delay, period, std::move(callback));
}

void ManualTimer::Cancel(TimerId id) { core_->Cancel(id); }

size_t ManualTimer::pending() const { return core_->pending(); }

void ManualTimer::Shutdown() {
  core_->Stop();
  if (OnDriverThread()) return;  // the Advance running this callback cleans up
  std::lock_guard<std::mutex> lock(driver_mu_);
  DriverScope driver(driver_thread_);  // callback destructors may call Shutdown again
  core_->DestroyAll();
}

absl::Duration ManualTimer::Now() const {
  return absl::Nanoseconds(static_cast<int64_t>(now_ns_.load(std::memory_order_acquire)));
}

absl::Status ManualTimer::Advance(absl::Duration delta) {
  if (delta < absl::ZeroDuration() || delta == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ManualTimer::Advance: delta must be finite and >= 0, got ", absl::FormatDuration(delta)));
  }
  return AdvanceTo(Now() + delta);
}

absl::Status ManualTimer::AdvanceTo(absl::Duration time) {
  if (time == absl::InfiniteDuration() || time < Now()) {
    return absl::InvalidArgumentError(
        absl::StrCat("ManualTimer::AdvanceTo: time must be finite and >= Now() (",
                     absl::FormatDuration(Now()), "), got ", absl::FormatDuration(time)));
  }
  if (OnDriverThread()) {
    return absl::FailedPreconditionError("ManualTimer::AdvanceTo: called from one of its own callbacks");
  }
  std::lock_guard<std::mutex> lock(driver_mu_);
  if (core_->stop_requested()) {
    return absl::FailedPreconditionError("ManualTimer::AdvanceTo: the timer is shut down");
  }
  // absl::Duration tops out near 2^63 s; the clock saturates at 2^63 ns (~292 years).
  const uint64_t target_ns = static_cast<uint64_t>(absl::ToInt64Nanoseconds(time));
  {
    DriverScope driver(driver_thread_);
    core_->ApplyCommands();
    core_->RunUntil(target_ns / kNanosPerTick, [this](uint64_t tick) {
      now_ns_.store(tick * kNanosPerTick, std::memory_order_release);
    });
    now_ns_.store(std::max(target_ns, now_ns_.load(std::memory_order_relaxed)), std::memory_order_release);
    if (core_->stop_requested()) core_->DestroyAll();  // Shutdown from a callback
  }
  return absl::OkStatus();
}

std::optional<absl::Duration> ManualTimer::NextDeadline() {
  std::unique_lock<std::mutex> lock(driver_mu_, std::defer_lock);
  if (!OnDriverThread()) lock.lock();
  core_->ApplyCommands();
  const std::optional<uint64_t> tick = core_->NextDeadline();
  if (!tick.has_value()) return std::nullopt;
  return std::max(absl::Milliseconds(static_cast<int64_t>(*tick)), Now());
}

}  // namespace kompact
