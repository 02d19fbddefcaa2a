// ManualExecutor: a deterministic executor for tests (FEATURES.md R6, Q1).
#ifndef KOMPACT_EXECUTORS_MANUAL_EXECUTOR_H_
#define KOMPACT_EXECUTORS_MANUAL_EXECUTOR_H_

#include <cstddef>
#include <limits>
#include <mutex>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "executors/executor.h"

namespace kompact {

// A deterministic executor for tests: Schedule/Execute only queue; nothing runs
// until the test calls RunOne() or RunUntilIdle(), and then on the calling thread,
// in submission order.
//
//   ManualExecutor executor;
//   ASSERT_OK(executor.Execute([&] { ran = true; }));
//   EXPECT_EQ(executor.pending(), 1u);
//   EXPECT_TRUE(executor.RunOne());
//
// While a task runs, OnExecutorThread() and IsWorkerThread() are true on the
// thread running it. Schedule hints are ignored (one FIFO).
//
// Shutdown: after ShutdownAsync() new work is refused (kFailedPrecondition) and
// queued tasks stay queued for RunOne/RunUntilIdle; Shutdown() additionally runs
// every queued task on the caller (so none is dropped) and is refused from inside
// a running task. There are no threads: AwaitTermination() returns at once and
// num_threads() is 0. The destructor calls Shutdown().
//
// Thread-safety: Schedule/Execute/pending from any thread; RunOne/RunUntilIdle
// from any thread (tasks then run concurrently if called concurrently).
// Lifetime: queued Runnables must outlive their run (as for every executor).
class ManualExecutor final : public Executor {
 public:
  ManualExecutor() = default;
  ~ManualExecutor() override;
  ManualExecutor(const ManualExecutor&) = delete;
  ManualExecutor& operator=(const ManualExecutor&) = delete;

  [[nodiscard]] bool TrySchedule(Runnable& runnable, ScheduleHint hint) override;
  absl::Status RefusalError() const override {
    return absl::FailedPreconditionError("ManualExecutor is shut down: task refused");
  }
  [[nodiscard]] absl::Status Shutdown() override;
  void ShutdownAsync() override;
  void AwaitTermination() override {}
  size_t num_threads() const override { return 0; }
  // True while the calling thread runs a task of this executor.
  bool IsWorkerThread() const override;

  // Runs the oldest queued task on the calling thread. False if none was queued.
  bool RunOne();
  // Runs queued tasks (including ones they queue) until none is left or
  // `max_steps` have run. Returns the number run.
  size_t RunUntilIdle(size_t max_steps = std::numeric_limits<size_t>::max());
  // Number of queued tasks.
  size_t pending() const;
  // True once Shutdown or ShutdownAsync was called.
  bool is_shut_down() const;

 private:
  Runnable* PopFront();

  mutable std::mutex mu_;
  Runnable* head_ ABSL_GUARDED_BY(mu_) = nullptr;
  Runnable* tail_ ABSL_GUARDED_BY(mu_) = nullptr;
  size_t size_ ABSL_GUARDED_BY(mu_) = 0;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace kompact

#endif  // KOMPACT_EXECUTORS_MANUAL_EXECUTOR_H_
