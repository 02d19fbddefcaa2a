// ThreadTimer: the real-time Timer (FEATURES.md T1, T4). One thread owns a
// hierarchical hash wheel (the algorithm of timer/timer_wheel.h) at 1 ms resolution
// on std::chrono::steady_clock.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<ThreadTimer> timer, ThreadTimer::Create());
//   ASSIGN_OR_RETURN(TimerId id, timer->ScheduleOnce(absl::Milliseconds(50),
//                                                   [](TimerId) { ... }));
//   timer->Cancel(id);
//   timer->Shutdown();
//
// Behaviour:
//  * Deadlines are measured from the ScheduleOnce/SchedulePeriodic call on the
//    caller's thread and rounded up to the next whole millisecond: a callback never
//    runs before its deadline, and normally within ~1 ms after it (more when the
//    machine is overloaded). A zero delay runs as soon as the thread sees it.
//  * Periodic deadlines are deadline + k * period (no drift). If the thread falls
//    behind (a long callback, a suspended process), missed periods fire back to back
//    until it has caught up.
//  * Commands travel to the thread through a mutex-protected queue that the thread
//    swaps out in one go; no lock is held while callbacks run. The thread sleeps on
//    a condition variable until the next deadline (or the next cascade between
//    wheels): no polling, no wake-up at all while no timer is pending. A schedule
//    wakes it only when it is due before the planned wake-up; cancels never do
//    (unless 1024 commands have piled up), yet a cancelled callback never starts
//    once Cancel has returned.
//  * Callbacks run on the timer thread, one at a time, and should be short; one
//    that throws is logged (and a periodic one is not run again).
//
// Thread-safety: every member may be called from any thread, including from a
// callback (see Shutdown for the one difference). Lifetime: the object must outlive
// every call into it and must not be destroyed from one of its own callbacks.
#ifndef KOMPACT_TIMER_THREAD_TIMER_H_
#define KOMPACT_TIMER_THREAD_TIMER_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
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

// The options ThreadTimer::Create takes.
struct ThreadTimerOptions {
  // Name of the timer thread (Linux keeps the first 15 characters).
  std::string thread_name = "kompact-timer";
  // Receives errors (a callback that threw).
  Logger logger;
};

// The real-time Timer: one thread and a 1 ms hash wheel (see the file comment for
// its behaviour, threads and lifetime).
class ThreadTimer final : public Timer {
 public:
  // Starts the timer thread. kResourceExhausted if the thread cannot be created.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<ThreadTimer>> Create(ThreadTimerOptions options = {});

  // Shutdown(). Must not run on the timer thread (CHECK).
  ~ThreadTimer() override;
  ThreadTimer(const ThreadTimer&) = delete;
  ThreadTimer& operator=(const ThreadTimer&) = delete;

  // See Timer. Also kResourceExhausted with 2^24 timers pending; kInvalidArgument
  // for an empty callback.
  [[nodiscard]] absl::StatusOr<TimerId> ScheduleOnce(absl::Duration delay, OnceCallback callback) override;
  [[nodiscard]] absl::StatusOr<TimerId> SchedulePeriodic(absl::Duration delay, absl::Duration period,
                                                         PeriodicCallback callback) override;
  // O(1), lock-free up to queueing the id. Once it returns, the callback of `id`
  // does not start again (a run already started completes). The callback is
  // destroyed on the timer thread when it next wakes up, at the latest at the
  // cancelled timer's own deadline.
  void Cancel(TimerId id) override;

  // Refuses new schedules, destroys every pending callback without running it, and
  // joins the timer thread. Idempotent; concurrent calls all wait for the join.
  // From a callback (on the timer thread) it cannot join: it stops the timer and
  // returns at once; the thread destroys the pending callbacks right after the
  // current callback returns and exits; the destructor joins it.
  void Shutdown() override;

  // Timers scheduled and not yet fired for the last time, cancelled or destroyed.
  size_t pending() const;
  // How many times the timer thread has woken from a sleep (a diagnostic: close to
  // zero per second while idle or while the next deadline is far away).
  uint64_t wake_ups() const { return wake_ups_.load(std::memory_order_relaxed); }
  // True on the timer thread (i.e. inside a callback).
  bool IsTimerThread() const;

 private:
  explicit ThreadTimer(Logger logger);
  void Run(std::string thread_name);
  uint64_t NowNanos() const;

  const std::chrono::steady_clock::time_point start_;
  const std::unique_ptr<timer_internal::TimerCore> core_;
  std::atomic<uint64_t> wake_ups_{0};
  std::atomic<std::thread::id> thread_id_{};
  std::mutex join_mu_;
  std::thread thread_;  // assigned once in Create, joined under join_mu_
};

}  // namespace kompact

#endif  // KOMPACT_TIMER_THREAD_TIMER_H_
