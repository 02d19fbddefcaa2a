// ManualTimer: a Timer whose time moves only when told (FEATURES.md T5), for
// deterministic tests (the runtime's deterministic fixture drives it).
//
//   ManualTimer timer;                                   // Now() == 0
//   (void)timer.SchedulePeriodic(absl::Milliseconds(5), absl::Milliseconds(10), fn);
//   ASSERT_OK(timer.Advance(absl::Milliseconds(30)));    // fn at 5, 15 and 25 ms
//
// Behaviour:
//  * Advance/AdvanceTo run, on the calling thread and before returning, every
//    callback due up to the new time, in deadline order (ties in scheduling order):
//    periodic re-firings inside the interval and timers that callbacks schedule, when
//    they fall due inside it, included. While a callback runs, Now() is the
//    millisecond it was due at, so timers it schedules are measured from there.
//  * Same wheel and rules as ThreadTimer: deadlines round up to whole milliseconds
//    (a timer due at 2.5 ms fires when time reaches 3 ms); a zero delay is due at
//    once and fires on the next Advance, even Advance(ZeroDuration()) — or, from a
//    callback, right after the callbacks due at the same time.
//  * Jumps of any length (days, beyond 2^32 ms) cost time proportional to the
//    timers that fire and the wheel levels crossed, not to the length.
//
// Thread-safety: every member may be called from any thread, including from a
// callback, except that Advance/AdvanceTo from a callback fail (kFailedPrecondition)
// and concurrent Advance calls run one after the other. Lifetime: callbacks are
// destroyed when they finish, are cancelled, or at Shutdown/destruction.
#ifndef KOMPACT_TIMER_MANUAL_TIMER_H_
#define KOMPACT_TIMER_MANUAL_TIMER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/log.h"
#include "timer/timer.h"

namespace kompact {
namespace timer_internal {
class TimerCore;
}  // namespace timer_internal

// A Timer whose time moves only with Advance/AdvanceTo (see the file comment for
// its behaviour and threads).
class ManualTimer final : public Timer {
 public:
  // A timer at time zero. `logger` receives errors (a callback that threw).
  explicit ManualTimer(Logger logger = Logger());
  // Shutdown().
  ~ManualTimer() override;
  ManualTimer(const ManualTimer&) = delete;
  ManualTimer& operator=(const ManualTimer&) = delete;

  // See Timer and the behaviour above. Also kResourceExhausted with 2^24 timers
  // pending; kInvalidArgument for an empty callback.
  [[nodiscard]] absl::StatusOr<TimerId> ScheduleOnce(absl::Duration delay, OnceCallback callback) override;
  [[nodiscard]] absl::StatusOr<TimerId> SchedulePeriodic(absl::Duration delay, absl::Duration period,
                                                         PeriodicCallback callback) override;
  void Cancel(TimerId id) override;
  // Refuses new schedules and destroys every pending callback without running it.
  // Idempotent. Waits for an Advance running on another thread to stop (it stops
  // after its current callback); from a callback, the Advance running it destroys
  // the pending callbacks after the callback returns.
  void Shutdown() override;

  // Time since construction (the manual clock). Any thread.
  absl::Duration Now() const;
  // Moves time forward by `delta` (>= 0, finite) and runs what falls due.
  // Errors: kInvalidArgument for a negative or infinite delta; kFailedPrecondition
  // from a callback of this timer or after Shutdown.
  [[nodiscard]] absl::Status Advance(absl::Duration delta);
  // Moves time to `time` (>= Now(), finite). Same errors as Advance.
  [[nodiscard]] absl::Status AdvanceTo(absl::Duration time);

  // Timers scheduled and not yet fired for the last time, cancelled or destroyed.
  size_t pending() const;
  // The earliest deadline of a pending timer (Now() if one is due), nullopt if none.
  // Waits for an Advance running on another thread to finish.
  std::optional<absl::Duration> NextDeadline();

 private:
  bool OnDriverThread() const {
    return driver_thread_.load(std::memory_order_acquire) == std::this_thread::get_id();
  }

  std::atomic<uint64_t> now_ns_{0};
  const std::unique_ptr<timer_internal::TimerCore> core_;
  // Held by the thread driving the wheel (Advance, NextDeadline, Shutdown).
  std::mutex driver_mu_;
  std::atomic<std::thread::id> driver_thread_{};
};

}  // namespace kompact

#endif  // KOMPACT_TIMER_MANUAL_TIMER_H_
