// Spawning tasks (executors/task.h) on an executor or a ResumeContext (issue 3
// "Spawn"; FEATURES.md C8, C12 JoinHandle).
//
//   JoinHandle<int> h = Spawn(pool, Compute());
//   absl::StatusOr<int> v = h.WaitFor(absl::Seconds(5));   // or co_await std::move(h)
//
// Spawn schedules the task's first step and every later resumption through the
// executor (or context); each resumption reuses one Runnable embedded in the task's
// frame, so it allocates nothing. A spawn costs two allocations: the coroutine frame
// and the join future's state.
//
// If a step cannot be scheduled (the executor is shut down), the task's frames are
// destroyed (locals' destructors run, on the thread that tried to schedule it) and
// the join handle fails with kCancelled. Dropping a JoinHandle detaches the task
// (write `(void)Spawn(...)`); it still runs to completion.
//
// Thread-safety: Spawn may be called from any thread. Lifetime: the executor or
// context must outlive the task (see ResumeContext).
#ifndef KOMPACT_EXECUTORS_SPAWN_H_
#define KOMPACT_EXECUTORS_SPAWN_H_

#include <utility>

#include "executors/executor.h"
#include "executors/future.h"
#include "executors/internal/future_errors.h"
#include "executors/internal/task_promise.h"
#include "executors/task.h"

namespace kompact {

// The future of a spawned task's result (Kompact's JoinHandle).
template <typename T>
using JoinHandle = Future<T>;

namespace executors_internal {

template <typename T>
JoinHandle<T> SpawnOn(Task<T> task, Executor* executor, ResumeContext* context) {
  std::coroutine_handle<TaskPromise<T>> handle = TaskAccess::Release(task);
  if (!handle) return MakeReadyFuture<T>(InvalidFutureError("Spawn"));
  PromiseAndFuture<T> pair = MakePromise<T>();
  TaskPromise<T>& promise = handle.promise();
  promise.SetJoinPromise(std::move(pair.promise));
  promise.BecomeRoot(executor, context);
  promise.ScheduleResume(handle, ScheduleHint::kWake);  // the task may run (and end) at once
  return std::move(pair.future);
}

}  // namespace executors_internal

// Runs `task` on `executor`: the first step and every resumption are scheduled there.
template <typename T>
[[nodiscard]] JoinHandle<T> Spawn(Executor& executor, Task<T> task) {
  return executors_internal::SpawnOn(std::move(task), &executor, nullptr);
}

// Runs `task` with every step (the first one included) scheduled through `context`.
// This is what the runtime builds SpawnLocal and BlockOn on.
template <typename T>
[[nodiscard]] JoinHandle<T> Spawn(ResumeContext& context, Task<T> task) {
  return executors_internal::SpawnOn(std::move(task), nullptr, &context);
}

}  // namespace kompact

#endif  // KOMPACT_EXECUTORS_SPAWN_H_
