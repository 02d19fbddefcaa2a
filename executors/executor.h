// The executor interface (FEATURES.md X1, R5): what runs components and tasks.
//
// Two ways to submit work:
//  * Schedule(Runnable&): the hot path. A Runnable is an intrusive node owned by the
//    caller (a component embeds one); scheduling it allocates nothing and takes no
//    mutex. Run() is called exactly once per successful Schedule().
//  * Execute(fn): a plain function; allocates one node per call.
//
// Thread-safety: Schedule/Execute may be called from any thread, including from
// inside Run() on a worker. Shutdown/ShutdownAsync may be called from any thread
// that is not a worker of this executor (Shutdown from a worker is refused).
//
// Lifetime: a scheduled Runnable must stay alive until its Run() has been called.
// The executor object must outlive every thread that submits to it; Shutdown() joins
// the worker threads and must be called (or ShutdownAsync + AwaitTermination) before
// destruction; the destructor of every implementation shuts down if needed.
#ifndef KOMPACT_EXECUTORS_EXECUTOR_H_
#define KOMPACT_EXECUTORS_EXECUTOR_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "absl/base/optimization.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"

namespace kompact {

// An intrusive unit of work. While scheduled, the executor links it through
// `next_in_queue_`; a Runnable is in at most one executor queue at a time (the
// submitter guarantees this, e.g. a component schedules itself only on its
// 0 -> 1 work transition).
class Runnable {
 public:
  Runnable() = default;
  Runnable(const Runnable&) = delete;
  Runnable& operator=(const Runnable&) = delete;

  // Runs on a worker thread. Must not throw (the runtime catches exceptions of user
  // code inside its own Run()).
  virtual void Run() = 0;

  // Intrusive link for executor queues; only executors touch it.
  std::atomic<Runnable*> next_in_queue_{nullptr};

 protected:
  ~Runnable() = default;
};

// How a submission from a worker thread is queued (use_local_executor, R5).
enum class ScheduleHint : uint8_t {
  // New work arrived for the runnable (e.g. a message). From a worker: into that
  // worker's non-stealable "next" slot, so communicating components stay on one
  // core; the displaced occupant goes to the local queue and one idle worker may be
  // woken. From outside the pool: the global queue, waking one idle worker.
  kWake,
  // The runnable used its budget and has more to do. From a worker: the back of the
  // local queue, waking nobody. From outside: as kWake.
  kYield,
};

// The executor interface: what runs components and tasks (submission, thread-safety
// and lifetime as in the file comment). Implementations: WorkStealingPool (the
// default), SharedQueuePool, DedicatedThreadExecutor, ManualExecutor.
class Executor {
 public:
  virtual ~Executor() = default;

  // Schedules `runnable` to Run() once: the scheduling primitive, lock-free and
  // allocation-free on every built-in executor. Returns false once shutdown has
  // begun; the runnable is then not run and the caller keeps responsibility for it.
  [[nodiscard]] virtual bool TrySchedule(Runnable& runnable, ScheduleHint hint) = 0;

  // TrySchedule with the refusal explained: kFailedPrecondition (RefusalError()).
  [[nodiscard]] absl::Status Schedule(Runnable& runnable, ScheduleHint hint = ScheduleHint::kWake) {
    if (ABSL_PREDICT_TRUE(TrySchedule(runnable, hint))) return absl::OkStatus();
    return RefusalError();
  }
  // What a refused submission is told; implementations name themselves.
  virtual absl::Status RefusalError() const {
    return absl::FailedPreconditionError("the executor is shut down: task refused");
  }

  // Runs `task` once on a worker. Allocates one node. Same errors as Schedule
  // (the task is destroyed without running).
  [[nodiscard]] absl::Status Execute(absl::AnyInvocable<void() &&> task);

  // Stops accepting work, runs every task accepted before, then joins the threads.
  // Idempotent. Returns kFailedPrecondition if called from one of this executor's
  // own threads (it would join itself); use ShutdownAsync there.
  [[nodiscard]] virtual absl::Status Shutdown() = 0;
  // Starts shutdown without waiting: new work is refused at once; the threads finish
  // the accepted tasks and exit. Callable from anywhere, including workers.
  virtual void ShutdownAsync() = 0;
  // Blocks until every thread of a shut-down executor has exited (without polling).
  // Must not be called from one of this executor's threads.
  virtual void AwaitTermination() = 0;

  // Number of worker threads (0 for a manual executor).
  virtual size_t num_threads() const = 0;

  // True if the calling thread is a worker of this executor.
  virtual bool IsWorkerThread() const = 0;
};

// True if the calling thread is a worker thread of any kompact executor. Blocking
// calls (Future::Wait) use this to refuse to block a pool thread.
bool OnExecutorThread();

}  // namespace kompact

#endif  // KOMPACT_EXECUTORS_EXECUTOR_H_
