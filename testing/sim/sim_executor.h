// SimExecutor: the executor of one simulated system, run by the simulation's Scheduler.
#ifndef KOMPACT_TESTING_SIM_SIM_EXECUTOR_H_
#define KOMPACT_TESTING_SIM_SIM_EXECUTOR_H_

#include <cstddef>

#include "absl/status/status.h"
#include "executors/executor.h"
#include "testing/sim/scheduler.h"

namespace kompact::sim {

// The executor of one simulated system. It runs nothing itself:
// TrySchedule hands the runnable to the simulation's Scheduler, which runs it as
// one of its steps, on the thread that drives the simulation, interleaved with the
// runnables of every other simulated system in an order fixed by the seed.
//
// Shutdown refuses new work and runs this system's ready runnables on the caller
// (as ManualExecutor does), so none is dropped with its component.
//
// Thread-safety: none (the simulation's thread only). Lifetime: owned by its
// system; the Scheduler must outlive it.
class SimExecutor final : public Executor {
 public:
  // The executor of `system`, whose runnables `scheduler` runs.
  SimExecutor(Scheduler& scheduler, SystemId system) : scheduler_(scheduler), system_(system) {}
  ~SimExecutor() override;

  [[nodiscard]] bool TrySchedule(Runnable& runnable, ScheduleHint hint) override;
  absl::Status RefusalError() const override {
    return absl::FailedPreconditionError("the simulated system's executor is shut down: task refused");
  }
  [[nodiscard]] absl::Status Shutdown() override;
  void ShutdownAsync() override { shut_down_ = true; }
  void AwaitTermination() override {}
  size_t num_threads() const override { return 0; }
  // True while the simulation runs one of this system's runnables.
  bool IsWorkerThread() const override;

 private:
  Scheduler& scheduler_;
  const SystemId system_;
  bool shut_down_ = false;
  bool draining_ = false;
};

}  // namespace kompact::sim

#endif  // KOMPACT_TESTING_SIM_SIM_EXECUTOR_H_
