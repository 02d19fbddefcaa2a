#include "executors/manual_executor.h"

#include "executors/internal/executor_thread.h"

namespace kompact {
namespace {

// The ManualExecutor whose task the calling thread is running (innermost).
thread_local const ManualExecutor* running_executor = nullptr;

}  // namespace

ManualExecutor::~ManualExecutor() {
  // Runs what is left unless called from inside a task (then it is dropped: a
  // task cannot outlive the executor that would run it).
  (void)Shutdown();
}

bool ManualExecutor::TrySchedule(Runnable& runnable, ScheduleHint /*hint*/) {
  std::lock_guard<std::mutex> lock(mu_);
  if (shut_down_) return false;
  runnable.next_in_queue_.store(nullptr, std::memory_order_relaxed);
  if (tail_ == nullptr) {
    head_ = &runnable;
  } else {
    tail_->next_in_queue_.store(&runnable, std::memory_order_relaxed);
  }
  tail_ = &runnable;
  ++size_;
  return true;
}

Runnable* ManualExecutor::PopFront() {
  std::lock_guard<std::mutex> lock(mu_);
  Runnable* runnable = head_;
  if (runnable == nullptr) return nullptr;
  head_ = runnable->next_in_queue_.load(std::memory_order_relaxed);
  if (head_ == nullptr) tail_ = nullptr;
  --size_;
  return runnable;
}

bool ManualExecutor::RunOne() {
  Runnable* runnable = PopFront();
  if (runnable == nullptr) return false;
  executors_internal::ExecutorThreadScope executor_thread;
  const ManualExecutor* outer = running_executor;
  running_executor = this;
  runnable->Run();  // may destroy the runnable
  running_executor = outer;
  return true;
}

size_t ManualExecutor::RunUntilIdle(size_t max_steps) {
  size_t steps = 0;
  while (steps < max_steps && RunOne()) ++steps;
  return steps;
}

size_t ManualExecutor::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return size_;
}

bool ManualExecutor::is_shut_down() const {
  std::lock_guard<std::mutex> lock(mu_);
  return shut_down_;
}

bool ManualExecutor::IsWorkerThread() const { return running_executor == this; }

void ManualExecutor::ShutdownAsync() {
  std::lock_guard<std::mutex> lock(mu_);
  shut_down_ = true;
}

absl::Status ManualExecutor::Shutdown() {
  if (IsWorkerThread()) {
    return absl::FailedPreconditionError(
        "ManualExecutor::Shutdown called from one of its own tasks; use ShutdownAsync");
  }
  ShutdownAsync();
  RunUntilIdle();
  return absl::OkStatus();
}

}  // namespace kompact
