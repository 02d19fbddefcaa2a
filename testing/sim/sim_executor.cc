#include "testing/sim/sim_executor.h"

#include <vector>

#include "executors/internal/executor_thread.h"

namespace kompact::sim {

SimExecutor::~SimExecutor() { (void)Shutdown(); }

bool SimExecutor::TrySchedule(Runnable& runnable, ScheduleHint) {
  if (shut_down_) return false;
  scheduler_.Ready(system_, runnable);
  return true;
}

absl::Status SimExecutor::Shutdown() {
  if (draining_) return absl::FailedPreconditionError("SimExecutor::Shutdown from one of its own tasks");
  shut_down_ = true;
  draining_ = true;
  // Tasks cannot queue more now (refused), so this ends.
  executors_internal::ExecutorThreadScope executor_thread;
  for (Runnable* r : scheduler_.TakeReady(system_)) r->Run();
  draining_ = false;
  return absl::OkStatus();
}

bool SimExecutor::IsWorkerThread() const {
  if (draining_) return true;
  return scheduler_.in_step() && scheduler_.current_system() == system_ &&
         scheduler_.current_kind() == EventKind::kComponent;
}

}  // namespace kompact::sim
