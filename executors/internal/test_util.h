// Helpers for the executors package's own tests: a bounded-wait countdown latch,
// the test load scale under sanitizers, and numbered do-nothing Runnables for the
// queue tests with a counter of their takes. (Polling for a condition without a
// notification: testing/wait_until.h.)
//
// Thread-safety: CountDownLatch may be used from any thread.
#ifndef KOMPACT_EXECUTORS_INTERNAL_TEST_UTIL_H_
#define KOMPACT_EXECUTORS_INTERNAL_TEST_UTIL_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/build_config.h"
#include "executors/executor.h"

namespace kompact::executors_internal {

// Divide stress-test sizes by this (sanitizers slow code down 5-20x; the
// remaining load still runs hundreds of thousands of tasks).
inline constexpr size_t kStressDivisor = kSanitizer == Sanitizer::kNone ? 1 : 5;

// Generous bound for every wait in tests: a hang fails instead of blocking forever.
inline constexpr std::chrono::seconds kTestTimeout{30};

class CountDownLatch {
 public:
  explicit CountDownLatch(int64_t count) : count_(count) {}

  void CountDown(int64_t n = 1) {
    std::lock_guard<std::mutex> lock(mu_);
    count_ -= n;
    if (count_ <= 0) done_.notify_all();
  }

  // True if the count reached zero within `timeout`.
  bool WaitFor(std::chrono::milliseconds timeout = kTestTimeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return done_.wait_for(lock, timeout, [this] { return count_ <= 0; });
  }

  int64_t count() const {
    std::lock_guard<std::mutex> lock(mu_);
    return count_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable done_;
  int64_t count_;
};

// A Runnable that does nothing, numbered so that queue tests can check order.
struct NumberedRunnable final : Runnable {
  uint32_t id = 0;
  void Run() override {}
};

// `n` of them, numbered 0 .. n-1.
inline std::vector<std::unique_ptr<NumberedRunnable>> MakeNumberedRunnables(size_t n) {
  std::vector<std::unique_ptr<NumberedRunnable>> items;
  for (size_t i = 0; i < n; ++i) {
    items.push_back(std::make_unique<NumberedRunnable>());
    items.back()->id = static_cast<uint32_t>(i);
  }
  return items;
}

// Counts how often each NumberedRunnable of 0 .. n-1 was taken from a queue, so a
// stress test can check that every one was taken exactly once. Take() from any
// thread; the queries once the takers are done.
class TakeCounter {
 public:
  explicit TakeCounter(size_t n) : counts_(std::make_unique<std::atomic<uint8_t>[]>(n)), n_(n) {}

  void Take(Runnable* runnable) {
    counts_[static_cast<NumberedRunnable*>(runnable)->id].fetch_add(1, std::memory_order_relaxed);
    total_.fetch_add(1, std::memory_order_relaxed);
  }
  size_t total() const { return total_.load(std::memory_order_relaxed); }
  // "" if every item was taken exactly once, else which was not and how often.
  std::string FirstNotTakenOnce() const {
    for (size_t i = 0; i < n_; ++i) {
      const int count = counts_[i].load(std::memory_order_relaxed);
      if (count != 1) return "item " + std::to_string(i) + " taken " + std::to_string(count) + " times";
    }
    return "";
  }

 private:
  std::unique_ptr<std::atomic<uint8_t>[]> counts_;
  size_t n_;
  std::atomic<size_t> total_{0};
};

}  // namespace kompact::executors_internal

#endif  // KOMPACT_EXECUTORS_INTERNAL_TEST_UTIL_H_
