// The machinery ThreadTimer and ManualTimer share: timer nodes from a pool whose
// slots encode the TimerId, a command queue from any thread to the one driving
// thread, and the wheel with the firing logic (periodic re-insertion, cancellation).
//
// Cancellation protocol. Each node has an atomic `state`: 0 while free or finished,
// the live TimerId while scheduled, the id with kCancelledBit once cancelled.
// Cancel(id) CASes id -> id|kCancelledBit on the caller's thread (so a callback that
// has not started never starts once Cancel returns) and queues the id, so that the
// driver unlinks and frees the node long before its deadline. The driver claims a
// one-shot node with CAS id -> 0 before running it: exactly one of cancel and fire
// wins. Node memory is never freed while the core lives, so a stale id only ever
// CASes a state that does not match.
//
// Thread-safety: Schedule*, Cancel, Stop, pending() and stop_requested() from any
// thread, including from callbacks. Everything marked "driver" from one thread at a
// time (the timer thread, or the thread inside ManualTimer::Advance); callbacks run
// there with no lock held.
#ifndef KOMPACT_TIMER_INTERNAL_TIMER_CORE_H_
#define KOMPACT_TIMER_INTERNAL_TIMER_CORE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/log.h"
#include "timer/internal/wheel.h"
#include "timer/timer.h"

namespace kompact::timer_internal {

inline constexpr uint64_t kNanosPerTick = 1'000'000;  // 1 tick = 1 ms

// The first tick at or after `nanos` (ceil(nanos / 1 ms)).
inline uint64_t TickAtOrAfter(uint64_t nanos) {
  return nanos / kNanosPerTick + (nanos % kNanosPerTick != 0 ? 1 : 0);
}

// kInvalidArgument naming `what` and the value unless `delay` is finite and >= 0.
absl::Status ValidateDelay(std::string_view what, absl::Duration delay);
// kInvalidArgument naming `what` and the value unless `period` is finite and > 0.
absl::Status ValidatePeriod(std::string_view what, absl::Duration period);

struct TimerNode : WheelEntry {
  TimerNode() {}
  ~TimerNode() {}  // callbacks are destroyed by TimerCore, which knows which is live

  std::atomic<uint64_t> state{0};
  uint64_t deadline_ns = 0;  // the scheduled deadline; periods are added to it
  uint64_t period_ns = 0;    // 0: one-shot
  uint64_t generation = 0;   // of the current/last id; under TimerCore::mu_
  uint32_t index = 0;
  TimerNode* next_free = nullptr;
  union {
    Timer::OnceCallback once;  // period_ns == 0
    Timer::PeriodicCallback periodic;
  };
};

class TimerCore {
 public:
  static constexpr int kIndexBits = 24;
  static constexpr uint32_t kMaxTimers = uint32_t{1} << kIndexBits;  // live at once
  static constexpr uint64_t kCancelledBit = uint64_t{1} << 63;
  // Queued commands after which a sleeping driver is woken even if none of them
  // needs it earlier (bounds the memory held by queued cancels).
  static constexpr size_t kWakeBatch = 1024;

  // `logger` receives errors (a callback that threw).
  explicit TimerCore(Logger logger);
  TimerCore(const TimerCore&) = delete;
  TimerCore& operator=(const TimerCore&) = delete;
  // Destroys callbacks still pending (DestroyAll), then the pool. No driver may run.
  ~TimerCore();

  // ---- any thread ----------------------------------------------------------------
  // Queues a timer whose deadline is `now_ns + delay` in the driver's time (`now_ns`:
  // the caller's reading of that clock; a zero delay is due at once). `what` names
  // the operation in error messages. Errors: kInvalidArgument (delay, period),
  // kFailedPrecondition after Stop, kResourceExhausted beyond kMaxTimers.
  [[nodiscard]] absl::StatusOr<TimerId> ScheduleOnce(uint64_t now_ns, absl::Duration delay,
                                                     Timer::OnceCallback callback);
  [[nodiscard]] absl::StatusOr<TimerId> SchedulePeriodic(uint64_t now_ns, absl::Duration delay,
                                                         absl::Duration period,
                                                         Timer::PeriodicCallback callback);
  void Cancel(TimerId id);
  // Refuses schedules from now on and wakes a sleeping driver. True for the call
  // that stopped the core.
  bool Stop();
  bool stop_requested() const { return stop_requested_.load(std::memory_order_acquire); }
  // Timers scheduled and not yet fired for the last time, cancelled or destroyed.
  size_t pending() const { return static_cast<size_t>(live_.load(std::memory_order_acquire)); }

  // ---- driver --------------------------------------------------------------------
  // Moves queued schedules into the wheel and applies queued cancels.
  void ApplyCommands();
  // Fires every timer due up to tick `to`, in deadline order, applying commands
  // queued by callbacks between firings (so timers they schedule fire in this call
  // when due). `on_tick(t)` runs when time reaches a tick t at which the wheel has
  // work, before that tick's callbacks. Returns early once Stop was requested.
  void RunUntil(uint64_t to, absl::FunctionRef<void(uint64_t)> on_tick);
  // Blocks until `until` (the time of tick `wake_tick`; no limit if nullopt), a
  // schedule due before `wake_tick` (or many commands) arrives, or Stop. Returns at
  // once, false, if commands are queued or Stop was requested; true after waiting.
  bool Sleep(std::optional<uint64_t> wake_tick, std::chrono::steady_clock::time_point until);
  // After Stop: destroys every pending and queued callback without running it.
  // Idempotent.
  void DestroyAll();
  uint64_t now_tick() const { return wheel_.now(); }
  std::optional<uint64_t> NextWakeUp() const { return wheel_.NextWakeUp(); }
  std::optional<uint64_t> NextDeadline() const { return wheel_.NextDeadline(); }

 private:
  static constexpr int kFirstChunkBits = 10;
  static constexpr int kChunks = kIndexBits - kFirstChunkBits + 1;

  // The node for `index`, or nullptr if the pool never grew that far. Any thread.
  TimerNode* Lookup(uint32_t index) const;
  // Takes a free node, growing the pool if needed; nullptr at kMaxTimers.
  TimerNode* AllocateLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Fills `node` (allocated, callback constructed), assigns its id and queues it.
  TimerId QueueLocked(TimerNode* node, uint64_t tick, bool* wake) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void WakeIfNeededLocked(uint64_t tick, bool* wake) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Driver: logs the exception being handled, thrown by the callback of `id`.
  void LogCallbackException(TimerId id);
  // Driver: runs one node popped from the wheel. A callback that throws is logged
  // and, if periodic, not run again (callbacks should not throw).
  void Fire(TimerNode* node);
  // Driver: destroys the callback and queues the node for the free list.
  void Free(TimerNode* node);
  // Driver: counts a timer that ends without a successful Cancel (CAS id -> 0).
  void Finish(TimerNode* node);

  const Logger logger_;
  mutable std::mutex mu_;
  std::condition_variable wake_cv_;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  bool driver_sleeping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t driver_wake_tick_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<TimerNode*> queued_schedules_ ABSL_GUARDED_BY(mu_);
  std::vector<uint64_t> queued_cancels_ ABSL_GUARDED_BY(mu_);
  TimerNode* free_head_ ABSL_GUARDED_BY(mu_) = nullptr;
  uint32_t capacity_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<TimerNode*> chunks_[kChunks] = {};

  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> has_commands_{false};
  std::atomic<int64_t> live_{0};

  // Driver-owned.
  IntrusiveWheel wheel_;
  std::vector<TimerNode*> applying_schedules_;
  std::vector<uint64_t> applying_cancels_;
  TimerNode* freed_head_ = nullptr;  // freed since the last hand-back to free_head_
  TimerNode* freed_tail_ = nullptr;
};

}  // namespace kompact::timer_internal

#endif  // KOMPACT_TIMER_INTERNAL_TIMER_CORE_H_
