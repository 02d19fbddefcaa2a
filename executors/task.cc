#include "executors/task.h"

#include <coroutine>

#include "absl/status/status.h"
#include "executors/executor.h"
#include "executors/internal/task_promise.h"

namespace kompact::executors_internal {

void TaskPromiseBase::Run() {
  // Copy first: once resumed, the tree may finish (destroying *this) or be
  // rescheduled, rewriting due_ on another thread.
  const std::coroutine_handle<> due = due_;
  due.resume();
}

void TaskPromiseBase::ScheduleResume(std::coroutine_handle<> handle, ScheduleHint hint) noexcept {
  TaskPromiseBase* const root = root_;
  root->due_ = handle;
  const absl::Status scheduled = root->executor_ != nullptr
                                     ? root->executor_->Schedule(*root, hint)
                                     : root->context_->Schedule(*root, hint);
  if (!scheduled.ok()) root->CancelTree(scheduled);
}

}  // namespace kompact::executors_internal
