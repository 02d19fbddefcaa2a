#include "executors/executor.h"

#include <memory>
#include <utility>

#include "executors/internal/executor_thread.h"

namespace kompact {
namespace {

thread_local bool on_executor_thread = false;

// A plain task as a Runnable: owns the function and deletes itself after running.
class TaskRunnable final : public Runnable {
 public:
  explicit TaskRunnable(absl::AnyInvocable<void() &&> task) : task_(std::move(task)) {}
  void Run() override {
    std::unique_ptr<TaskRunnable> self(this);
    std::move(task_)();
  }

 private:
  absl::AnyInvocable<void() &&> task_;
};

}  // namespace

absl::Status Executor::Execute(absl::AnyInvocable<void() &&> task) {
  auto runnable = std::make_unique<TaskRunnable>(std::move(task));
  absl::Status status = Schedule(*runnable, ScheduleHint::kWake);
  if (status.ok()) runnable.release();  // Run() deletes it
  return status;
}

bool OnExecutorThread() { return on_executor_thread; }

namespace executors_internal {

ExecutorThreadScope::ExecutorThreadScope() : was_on_executor_thread_(on_executor_thread) {
  on_executor_thread = true;
}

ExecutorThreadScope::~ExecutorThreadScope() { on_executor_thread = was_on_executor_thread_; }

}  // namespace executors_internal
}  // namespace kompact
