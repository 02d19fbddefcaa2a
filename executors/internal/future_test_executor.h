// Test-only executors for the futures/tasks tests and benchmarks, independent of
// the production pools:
//  * TestThreadExecutor: N threads around one mutex-protected FIFO; threads are
//    marked as executor threads (OnExecutorThread()).
//  * ManualResumeContext: a ResumeContext whose resumptions run only when the test
//    calls RunAll()/RunOne(), on the calling thread; can be told to refuse.
//
// Thread-safety: every member may be called from any thread, except as noted.
#ifndef KOMPACT_EXECUTORS_INTERNAL_FUTURE_TEST_EXECUTOR_H_
#define KOMPACT_EXECUTORS_INTERNAL_FUTURE_TEST_EXECUTOR_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "executors/executor.h"
#include "executors/internal/executor_thread.h"
#include "executors/task.h"

namespace kompact::executors_internal {

class TestThreadExecutor final : public Executor {
 public:
  explicit TestThreadExecutor(size_t threads) {
    for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { WorkerLoop(); });
  }
  ~TestThreadExecutor() override { (void)Shutdown(); }

  bool TrySchedule(Runnable& runnable, ScheduleHint /*hint*/) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (shutting_down_) return false;
      queue_.push_back(&runnable);
      ++scheduled_;
    }
    work_cv_.notify_one();
    return true;
  }

  absl::Status Shutdown() override {
    if (IsWorkerThread()) return absl::FailedPreconditionError("Shutdown from a worker");
    ShutdownAsync();
    AwaitTermination();
    return absl::OkStatus();
  }

  void ShutdownAsync() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      shutting_down_ = true;
    }
    work_cv_.notify_all();
  }

  void AwaitTermination() override {
    std::lock_guard<std::mutex> lock(join_mutex_);
    for (std::thread& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

  size_t num_threads() const override { return threads_.size(); }

  bool IsWorkerThread() const override {
    for (const std::thread& t : threads_) {
      if (t.get_id() == std::this_thread::get_id()) return true;
    }
    return false;
  }

  // Number of successful Schedule calls so far.
  size_t scheduled() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return scheduled_;
  }

 private:
  void WorkerLoop() {
    ExecutorThreadScope scope;
    for (;;) {
      Runnable* next = nullptr;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        work_cv_.wait(lock, [this] { return shutting_down_ || !queue_.empty(); });
        if (queue_.empty()) return;  // shutting down and drained
        next = queue_.front();
        queue_.pop_front();
      }
      next->Run();
    }
  }

  mutable std::mutex mutex_;
  std::condition_variable work_cv_;
  std::deque<Runnable*> queue_;
  bool shutting_down_ = false;
  size_t scheduled_ = 0;
  std::mutex join_mutex_;
  std::vector<std::thread> threads_;
};

class ManualResumeContext final : public ResumeContext {
 public:
  absl::Status Schedule(Runnable& resumption, ScheduleHint hint) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (refuse_) return absl::FailedPreconditionError("ManualResumeContext refuses");
    queue_.push_back(&resumption);
    if (hint == ScheduleHint::kYield) ++yields_;
    return absl::OkStatus();
  }

  // Runs queued resumptions, including ones queued meanwhile, until none is left.
  // Returns how many ran. Call from one thread at a time.
  size_t RunAll() {
    size_t ran = 0;
    while (RunOne()) ++ran;
    return ran;
  }

  // Runs the oldest queued resumption; false if there was none.
  bool RunOne() {
    Runnable* next = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (queue_.empty()) return false;
      next = queue_.front();
      queue_.pop_front();
    }
    next->Run();
    return true;
  }

  size_t queued() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return queue_.size();
  }
  size_t yields() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return yields_;
  }
  void set_refuse(bool refuse) {
    std::lock_guard<std::mutex> lock(mutex_);
    refuse_ = refuse;
  }

 private:
  mutable std::mutex mutex_;
  std::deque<Runnable*> queue_;
  size_t yields_ = 0;
  bool refuse_ = false;
};

}  // namespace kompact::executors_internal

#endif  // KOMPACT_EXECUTORS_INTERNAL_FUTURE_TEST_EXECUTOR_H_
