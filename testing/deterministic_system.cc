#include "testing/deterministic_system.h"

#include <utility>

#include "base/status.h"
#include "runtime/internal/system_core.h"

namespace kompact::testing {

absl::StatusOr<std::unique_ptr<DeterministicSystem>> DeterministicSystem::Create() {
  KompactConfig config;
  return Create(config);
}

absl::StatusOr<std::unique_ptr<DeterministicSystem>> DeterministicSystem::Create(KompactConfig& config) {
  std::unique_ptr<DeterministicSystem> sim(new DeterministicSystem());
  DeterministicSystem* raw = sim.get();
  config.SetExecutor([raw](size_t) -> absl::StatusOr<std::unique_ptr<Executor>> {
    auto executor = std::make_unique<ManualExecutor>();
    raw->executor_ = executor.get();
    return executor;
  });
  config.SetTimer([raw]() -> absl::StatusOr<std::unique_ptr<Timer>> {
    auto timer = std::make_unique<ManualTimer>();
    raw->timer_ = timer.get();
    return timer;
  });
  KOMPACT_ASSIGN_OR_RETURN(KompactSystem system, config.Build());
  sim->system_ = std::make_unique<KompactSystem>(std::move(system));
  sim->RunUntilIdle();  // start the system components
  return sim;
}

DeterministicSystem::~DeterministicSystem() {
  if (system_ && !shut_down_) (void)Shutdown();
}

absl::Status DeterministicSystem::AdvanceAndRun(absl::Duration d) {
  KOMPACT_RETURN_IF_ERROR(Advance(d));
  RunUntilIdle();
  return absl::OkStatus();
}

absl::Status DeterministicSystem::Shutdown() {
  shut_down_ = true;
  return system_->core()->Shutdown([this] { return executor_->RunOne(); });
}

}  // namespace kompact::testing
