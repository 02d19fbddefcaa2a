// The callback a blocking Future::Wait/WaitFor registers: a flag, a mutex and a
// condition variable on the waiting thread's stack (TSAN sees every hand-over).
//
// Included by the public future.h because Future<T> is a template.
//
// Thread-safety: OnReady runs on the completing thread, Await* on the waiter.
// Lifetime: the waiter may destroy it as soon as an Await* call returned true: the
// completing thread signals while holding the mutex, so it has finished with the
// object once the waiter can observe the flag.
#ifndef KOMPACT_EXECUTORS_INTERNAL_FUTURE_WAITER_H_
#define KOMPACT_EXECUTORS_INTERNAL_FUTURE_WAITER_H_

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "absl/time/time.h"
#include "executors/internal/future_state.h"

namespace kompact::executors_internal {

// now + timeout on the steady clock, clamped to a century so that huge or infinite
// durations do not overflow.
inline std::chrono::steady_clock::time_point SteadyDeadlineAfter(absl::Duration timeout) {
  const absl::Duration clamped = std::min(timeout, absl::Hours(24 * 365 * 100));
  return std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(clamped);
}

template <typename T>
class BlockingWaiter final : public FutureCallback<T> {
 public:
  // The state stays owned by the Future that attached this waiter; only signal.
  void OnReady(FutureState<T>* /*state*/) noexcept override {
    std::lock_guard<std::mutex> lock(mutex_);
    ready_ = true;
    ready_cv_.notify_one();
  }

  void Await() {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_cv_.wait(lock, [this] { return ready_; });
  }

  // True if signalled before `deadline`.
  [[nodiscard]] bool AwaitUntil(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mutex_);
    return ready_cv_.wait_until(lock, deadline, [this] { return ready_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_cv_;
  bool ready_ = false;
};

}  // namespace kompact::executors_internal

#endif  // KOMPACT_EXECUTORS_INTERNAL_FUTURE_WAITER_H_
