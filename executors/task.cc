#include "executors/task.h"

#include <coroutine>
#include <utility>

#include "absl/status/status.h"
#include "executors/executor.h"
#include "executors/internal/task_promise.h"

namespace kompact::executors_internal {
namespace {

// The parent a finished child handed back on this thread; drained by Run().
thread_local std::coroutine_handle<> parent_to_resume;

}  // namespace

void TaskPromiseBase::Run() {
  // Copy first: once resumed, the tree may finish (destroying *this) or be
  // rescheduled, rewriting due_ on another thread.
  std::coroutine_handle<> next = due_;
  do {
    next.resume();
    next = std::exchange(parent_to_resume, nullptr);
  } while (next);
}

void TaskPromiseBase::ResumeParentSoon(std::coroutine_handle<> parent) noexcept { parent_to_resume = parent; }

void TaskPromiseBase::ScheduleResume(std::coroutine_handle<> handle, ScheduleHint hint) noexcept {
  TaskPromiseBase* const root = root_;
  root->due_ = handle;
  const absl::Status scheduled = root->executor_ != nullptr ? root->executor_->Schedule(*root, hint)
                                                            : root->context_->Schedule(*root, hint);
  if (!scheduled.ok()) root->CancelTree(scheduled);
}

}  // namespace kompact::executors_internal

namespace kompact {

void ResumeContext::CancelAccepted(Runnable& resumption, const absl::Status& why) {
  static_cast<executors_internal::TaskPromiseBase&>(resumption).CancelAccepted(why);
}

}  // namespace kompact
