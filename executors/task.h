// Task<T>: a lazy C++20 coroutine that runs on an executor (FEATURES.md C8, A4).
//
//   Task<int> Fetch(ActorRef ref) {
//     absl::StatusOr<int> v = co_await ref.Ask(Query{});   // a Future<int>
//     if (!v.ok()) co_return v.status();
//     co_return *v + 1;
//   }
//   Task<> Main() {
//     absl::StatusOr<int> x = co_await Fetch(ref);          // another Task: runs inline
//     co_await Yield();                                       // let other work run
//   }
//   JoinHandle<void> done = Spawn(executor, Main());         // executors/spawn.h
//
// A Task does nothing until it is spawned (executors/spawn.h) or awaited by another
// Task. `co_return` takes a value or a status (anything convertible to
// absl::StatusOr<T>; `co_return;` for Task<void>). `co_await` on a Future<T> or a
// Task<T> (rvalues; they are consumed) yields FutureResult<T>. An exception escaping
// the body becomes a kInternal result naming its what(); nothing is rethrown.
//
// Where a suspended task continues is decided by its ResumeContext (or executor):
// when an awaited future completes, the completing thread schedules the resumption
// there and never resumes the task inline. A task awaited by another runs on its
// parent's thread as part of the same tree.
//
// Thread-safety: a Task object has one owner. Lifetime: a Task destroyed before it
// was started destroys its coroutine frame (the body never runs).
#ifndef KOMPACT_EXECUTORS_TASK_H_
#define KOMPACT_EXECUTORS_TASK_H_

#include <coroutine>
#include <utility>

#include "absl/status/status.h"
#include "executors/executor.h"
#include "executors/future.h"
#include "executors/internal/task_promise.h"

namespace kompact {

// Decides where the suspended tasks of a tree resume (the runtime implements it for
// components: SpawnLocal enqueues resumptions into the component so they run with
// exclusive access to it; BlockOn runs nothing else of the component meanwhile).
//
// Thread-safety: Schedule is called from any thread (whichever completes the future
// a task awaits). Lifetime: must outlive every task tree spawned on it (until its
// join future completes or its resumption is refused).
class ResumeContext {
 public:
  // Arranges for `resumption.Run()` to be called exactly once, later, on a thread
  // where the task may run; must not call it before returning. `resumption` stays
  // alive until Run() is called. During Run() the task may suspend and be scheduled
  // again (from any thread), and that next Run() may start elsewhere before this
  // one has returned; Run() may also destroy `resumption`. So the context must not
  // touch `resumption` once it has called Run() (the built-in executors follow the
  // same rule). A failure (e.g. shut down) cancels the task: its frames are
  // destroyed, on the calling thread, and its join future fails with kCancelled
  // naming the returned status.
  // `hint` is kWake when an awaited future completed, kYield for Yield().
  [[nodiscard]] virtual absl::Status Schedule(Runnable& resumption, ScheduleHint hint) = 0;

 protected:
  ~ResumeContext() = default;

  // For a `resumption` this context accepted but can no longer run (e.g. its
  // component died with the resumption still queued): destroys the task tree, on
  // the calling thread, and fails its join future with kCancelled naming `why`.
  static void CancelAccepted(Runnable& resumption, const absl::Status& why);
};

// A lazy coroutine whose result is a `FutureResult<T>` (see the file comment): a
// function returning `Task<T>` that uses `co_await` or `co_return`. Move-only; it runs
// once spawned (Spawn, SpawnLocal) or awaited by another Task.
template <typename T = void>
class [[nodiscard]] Task {
 public:
  using promise_type = executors_internal::TaskPromise<T>;  // the coroutine's promise (C++20)
  using Result = FutureResult<T>;                           // what the task yields

  // An invalid task (co_await/Spawn of it yield kFailedPrecondition).
  Task() = default;
  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      if (handle_) handle_.destroy();
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  ~Task() {
    if (handle_) handle_.destroy();
  }

  // False once moved from, spawned or awaited.
  bool valid() const noexcept { return static_cast<bool>(handle_); }

  // co_await std::move(task): runs it inside the awaiting Task and yields its result.
  executors_internal::TaskAwaiter<T> operator co_await() && noexcept {
    return executors_internal::TaskAwaiter<T>(std::exchange(handle_, nullptr));
  }

 private:
  friend promise_type;
  friend struct executors_internal::TaskAccess;
  explicit Task(std::coroutine_handle<promise_type> handle) noexcept : handle_(handle) {}

  std::coroutine_handle<promise_type> handle_;
};

// co_await std::move(future) inside a Task: yields the future's FutureResult<T>;
// suspends only if it is not complete yet.
template <typename T>
executors_internal::FutureAwaiter<T> operator co_await(Future<T>&& future) noexcept {
  return executors_internal::FutureAwaiter<T>(std::move(future));
}

// co_await Yield() inside a Task: reschedules the task through its executor/context
// (ScheduleHint::kYield), letting other work run first.
inline executors_internal::YieldAwaiter Yield() noexcept { return {}; }

}  // namespace kompact

#endif  // KOMPACT_EXECUTORS_TASK_H_
