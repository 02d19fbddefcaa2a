// The coroutine promise of Task<T> (executors/task.h) and the awaiters a Task body
// uses. Included by the public task.h because Task is a template.
//
// A started task tree: the root coroutine (started by Spawn) and the tasks it awaits
// (which run inline on the same thread) suspend at most one at a time. The
// root's promise is a Runnable: to resume the tree it records which coroutine is
// due and schedules itself on the tree's executor or ResumeContext. So a
// resumption allocates nothing. If scheduling fails, the root frame is destroyed
// (which destroys the frames of the tasks it awaits) and its join future fails
// with kCancelled.
//
// Stack depth stays bounded in every build mode: a parent starts its child by
// symmetric transfer, but a finished child does not resume its parent from inside
// its own frame (GCC makes that a tail call only when optimising); it leaves the
// parent to the per-thread trampoline in Run(), which resumes it after the child's
// resume() has returned.
//
// Thread-safety: a tree runs on one thread at a time; the scheduling hand-over
// (future completion -> executor queue -> worker) carries happens-before.
#ifndef KOMPACT_EXECUTORS_INTERNAL_TASK_PROMISE_H_
#define KOMPACT_EXECUTORS_INTERNAL_TASK_PROMISE_H_

#include <coroutine>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "executors/executor.h"
#include "executors/future.h"
#include "executors/internal/future_errors.h"
#include "executors/internal/future_state.h"

namespace kompact {
class ResumeContext;
template <typename T>
class Task;
}  // namespace kompact

namespace kompact::executors_internal {

template <typename T>
class TaskPromise;

class TaskPromiseBase : public Runnable {
 public:
  TaskPromiseBase() = default;

  // (Roots only.) Resumes the coroutine of this tree that is due, then every parent
  // its finished children handed back (ResumeParentSoon). Touches nothing of this
  // tree after resuming: the tree may finish (destroying this) or be rescheduled
  // and resumed on another thread before resume() returns.
  void Run() final;

  // Called by a finished child's final awaiter: `parent` is resumed by the Run()
  // on this thread's stack as soon as the child's resume() has returned.
  static void ResumeParentSoon(std::coroutine_handle<> parent) noexcept;

  // Arranges for `handle` (a suspended coroutine of this promise's tree) to be
  // resumed through the tree's executor or context. On failure the whole tree is
  // destroyed and the join future fails with kCancelled. The caller must not touch
  // the tree's frames afterwards either way.
  void ScheduleResume(std::coroutine_handle<> handle, ScheduleHint hint) noexcept;

  // Makes this promise the root of a tree resumed through `executor` or `context`
  // (exactly one non-null).
  void BecomeRoot(Executor* executor, ResumeContext* context) noexcept {
    root_ = this;
    executor_ = executor;
    context_ = context;
  }

  // Makes this promise a child awaited by `parent` (in `parent_promise`'s tree).
  void BecomeChildOf(TaskPromiseBase& parent_promise, std::coroutine_handle<> parent) noexcept {
    root_ = parent_promise.root_;
    continuation_ = parent;
  }

  std::coroutine_handle<> continuation() const noexcept { return continuation_; }

  // (Roots only.) For a resumption a ResumeContext accepted but can no longer run
  // (its owner is gone): destroys the tree and fails the join future.
  void CancelAccepted(const absl::Status& why) noexcept { CancelTree(why); }

 protected:
  ~TaskPromiseBase() = default;

  // (Roots only.) Destroys the root frame and fails the join future with kCancelled.
  virtual void CancelTree(const absl::Status& why) noexcept = 0;

 private:
  std::coroutine_handle<> continuation_;  // children: the awaiting parent
  TaskPromiseBase* root_ = nullptr;
  // Roots only:
  std::coroutine_handle<> due_;
  Executor* executor_ = nullptr;
  ResumeContext* context_ = nullptr;
};

// Lets Spawn take the frame out of a Task (the Task becomes invalid).
struct TaskAccess {
  template <typename T>
  static std::coroutine_handle<TaskPromise<T>> Release(Task<T>& task) noexcept {
    return std::exchange(task.handle_, nullptr);
  }
};

// co_return support: return_value for Task<T>, return_void for Task<void>.
template <typename T>
class TaskReturn {
 public:
  // Anything convertible to absl::StatusOr<T>: a value or a failed status.
  void return_value(ResultOf<T> result) noexcept { result_.emplace(std::move(result)); }

 protected:
  std::optional<ResultOf<T>> result_;
};

template <>
class TaskReturn<void> {
 public:
  void return_void() noexcept { result_.emplace(absl::OkStatus()); }

 protected:
  std::optional<absl::Status> result_;
};

template <typename T>
class TaskPromise final : public TaskPromiseBase, public TaskReturn<T> {
 public:
  using Handle = std::coroutine_handle<TaskPromise>;

  Task<T> get_return_object() noexcept { return Task<T>(Handle::from_promise(*this)); }
  std::suspend_always initial_suspend() noexcept { return {}; }

  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    void await_suspend(Handle handle) noexcept {
      TaskPromise& promise = handle.promise();
      if (std::coroutine_handle<> parent = promise.continuation()) {
        ResumeParentSoon(parent);
      } else {
        promise.FinishRoot();
      }
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }

  void unhandled_exception() noexcept {
    this->result_.emplace(ExceptionToStatus(std::current_exception(), "a task"));
  }

  // The result after completion (a child's parent takes it).
  ResultOf<T> TakeResult() noexcept { return std::move(*this->result_); }

  // (Roots only.) Where the result goes.
  void SetJoinPromise(Promise<T> join) noexcept { join_ = std::move(join); }

 private:
  // Destroys the frame, then completes the join future (whose continuations may
  // run inline here).
  void FinishRoot() noexcept {
    Promise<T> join = std::move(join_);
    ResultOf<T> result = std::move(*this->result_);
    Handle::from_promise(*this).destroy();
    join.Complete(std::move(result));
  }

  void CancelTree(const absl::Status& why) noexcept override {
    Promise<T> join = std::move(join_);
    Handle::from_promise(*this).destroy();
    join.Fail(absl::CancelledError(
        absl::StrCat("task cancelled: its resumption could not be scheduled: ", why.message())));
  }

  Promise<T> join_;
};

// co_await std::move(future) in a Task: yields FutureResult<T>. Suspends only if
// the result is not there yet; then the completing thread schedules the resumption
// through the tree's executor/context (never resumes inline).
template <typename T>
class FutureAwaiter final : public FutureCallback<T> {
 public:
  explicit FutureAwaiter(Future<T>&& future) noexcept : state_(FutureAccess::Release(future)) {}
  FutureAwaiter(const FutureAwaiter&) = delete;
  FutureAwaiter& operator=(const FutureAwaiter&) = delete;
  ~FutureAwaiter() {
    // Only if the tree is destroyed between the future's completion and the
    // resumption (its resumption was refused): the result is there; drop it.
    if (state_ != nullptr) {
      (void)state_->Detach();
      state_->Release();
    }
  }

  bool await_ready() const noexcept { return state_ == nullptr || state_->IsReady(); }

  template <typename P>
  bool await_suspend(std::coroutine_handle<P> handle) noexcept {
    static_assert(std::is_base_of_v<TaskPromiseBase, P>,
                  "co_await on a kompact::Future is supported inside kompact::Task coroutines");
    promise_ = &handle.promise();
    handle_ = handle;
    // Once attached, this awaiter may be resumed and destroyed on another thread
    // before Attach returns: touch nothing afterwards.
    return state_->Attach(this);
  }

  ResultOf<T> await_resume() noexcept {
    if (state_ == nullptr) return InvalidFutureError("co_await Future");
    return std::exchange(state_, nullptr)->TakeAndRelease();
  }

  void OnReady(FutureState<T>* /*state*/) noexcept override {
    promise_->ScheduleResume(handle_, ScheduleHint::kWake);
  }

 private:
  FutureState<T>* state_;
  TaskPromiseBase* promise_ = nullptr;
  std::coroutine_handle<> handle_;
};

// co_await std::move(task) in a Task: runs the child on this thread (started by
// symmetric transfer) as part of the same tree and yields its FutureResult<T>.
template <typename T>
class TaskAwaiter {
 public:
  explicit TaskAwaiter(std::coroutine_handle<TaskPromise<T>> child) noexcept : child_(child) {}
  TaskAwaiter(const TaskAwaiter&) = delete;
  TaskAwaiter& operator=(const TaskAwaiter&) = delete;
  ~TaskAwaiter() {
    if (child_) child_.destroy();
  }

  bool await_ready() const noexcept { return !child_; }

  template <typename P>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<P> parent) noexcept {
    static_assert(std::is_base_of_v<TaskPromiseBase, P>,
                  "co_await on a kompact::Task is supported inside kompact::Task coroutines");
    child_.promise().BecomeChildOf(parent.promise(), parent);
    return child_;
  }

  ResultOf<T> await_resume() noexcept {
    if (!child_) return InvalidFutureError("co_await Task");
    return child_.promise().TakeResult();
  }

 private:
  std::coroutine_handle<TaskPromise<T>> child_;
};

// co_await Yield(): lets the tree's executor/context run other work first.
struct YieldAwaiter {
  bool await_ready() const noexcept { return false; }
  template <typename P>
  void await_suspend(std::coroutine_handle<P> handle) noexcept {
    static_assert(std::is_base_of_v<TaskPromiseBase, P>,
                  "Yield() is supported inside kompact::Task coroutines");
    handle.promise().ScheduleResume(handle, ScheduleHint::kYield);
  }
  void await_resume() const noexcept {}
};

}  // namespace kompact::executors_internal

#endif  // KOMPACT_EXECUTORS_INTERNAL_TASK_PROMISE_H_
