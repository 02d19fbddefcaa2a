// DeterministicSystem: a Kompact system for tests that runs only when the test
// says so (FEATURES.md Q1, R6, T5).
#ifndef KOMPACT_TESTING_DETERMINISTIC_SYSTEM_H_
#define KOMPACT_TESTING_DETERMINISTIC_SYSTEM_H_

#include <cstddef>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "executors/manual_executor.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"
#include "timer/manual_timer.h"

namespace kompact::testing {

// A Kompact system that runs only when a test says so: a ManualExecutor
// (components run one at a time on the test's thread) and a ManualTimer (time
// moves only with Advance).
//
//   ASSERT_OK_AND_ASSIGN(auto sim, DeterministicSystem::Create());
//   auto c = sim->system().Create<Counter>();
//   sim->system().Start(c);
//   sim->RunUntilIdle();                    // Start handled, OnStart ran
//   ASSERT_OK(sim->Advance(absl::Seconds(1)));  // timers due in that second fire
//   sim->RunUntilIdle();                    // ... and their handlers run
//   ASSERT_OK(sim->Shutdown());
//
// Thread-safety: one test thread drives it; components may still be told things
// from other threads (they run when the test runs them).
class DeterministicSystem {
 public:
  // Builds `config` with a ManualExecutor and a ManualTimer in place of the
  // configured executor and timer (so `DeterministicSystem::Create(
  // KompactConfig().Throughput(10))` works; the config's factories are replaced).
  static absl::StatusOr<std::unique_ptr<DeterministicSystem>> Create(KompactConfig& config);
  // Create with a default KompactConfig.
  static absl::StatusOr<std::unique_ptr<DeterministicSystem>> Create();
  ~DeterministicSystem();

  // The system under test (owned by this object).
  KompactSystem& system() { return *system_; }
  // The system's executor (owned by the system; lives as long as this object).
  ManualExecutor& executor() { return *executor_; }
  // The system's timer (owned by the system; lives as long as this object).
  ManualTimer& timer() { return *timer_; }

  // Runs one scheduled component (one batch of its events); false if none was
  // scheduled.
  bool RunOne() { return executor_->RunOne(); }
  // Runs until nothing is scheduled (at most `max_steps` runs); returns the runs.
  size_t RunUntilIdle(size_t max_steps = 10'000'000) { return executor_->RunUntilIdle(max_steps); }
  // Components scheduled and waiting to run.
  size_t scheduled() const { return executor_->pending(); }
  // Moves time forward: due timers fire (their events are queued; RunUntilIdle
  // handles them).
  [[nodiscard]] absl::Status Advance(absl::Duration d) { return timer_->Advance(d); }
  // Advance then RunUntilIdle.
  [[nodiscard]] absl::Status AdvanceAndRun(absl::Duration d);
  // The manual clock's time since Create (ManualTimer::Now); only Advance moves it.
  absl::Duration Now() const { return timer_->Now(); }

  // Graceful shutdown, driven by running the executor.
  [[nodiscard]] absl::Status Shutdown();

 private:
  DeterministicSystem() = default;

  ManualExecutor* executor_ = nullptr;  // owned by the system
  ManualTimer* timer_ = nullptr;        // owned by the system
  std::unique_ptr<KompactSystem> system_;
  bool shut_down_ = false;
};

}  // namespace kompact::testing

#endif  // KOMPACT_TESTING_DETERMINISTIC_SYSTEM_H_
