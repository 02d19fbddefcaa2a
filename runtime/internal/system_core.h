// SystemCore: the shared state of one KompactSystem that components point to
// (executor, timer, configuration, logger, supervision, dead letters).
// KompactSystem (runtime/kompact_system.h) is a handle to it.
//
// Thread-safety: all members are thread-safe. Lifetime: intrusively reference
// counted by KompactSystem handles and by every live component, so a component
// can always reach its system, even after shutdown.
#ifndef KOMPACT_RUNTIME_INTERNAL_SYSTEM_CORE_H_
#define KOMPACT_RUNTIME_INTERNAL_SYSTEM_CORE_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/config.h"
#include "base/log.h"
#include "executors/executor.h"
#include "executors/future.h"
#include "runtime/actor_path.h"
#include "runtime/internal/child_registry.h"
#include "runtime/internal/core_refs.h"
#include "timer/timer.h"

namespace kompact {

class ComponentCore;
class Dispatcher;
class FaultContext;
class RecoveryHandler;

namespace runtime_internal {

class Supervisor;
class DeadLetterBox;
struct SupervisorMessage;

// Settings a system is built with (validated by KompactConfig::Build).
struct SystemSettings {
  std::string label;
  uint32_t throughput = 50;
  double message_priority = 0.5;
  uint32_t threads = 1;
};

class SystemCore {
 public:
  enum class State : uint8_t { kRunning, kShuttingDown, kTerminated };

  SystemCore(SystemSettings settings, Config config, Logger logger, std::unique_ptr<Executor> executor,
             std::unique_ptr<Timer> timer);
  ~SystemCore();
  SystemCore(const SystemCore&) = delete;
  SystemCore& operator=(const SystemCore&) = delete;

  void Ref() { refs_.fetch_add(1, std::memory_order_relaxed); }
  void Unref() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  const SystemSettings& settings() const { return settings_; }
  const std::string& label() const { return settings_.label; }
  uint32_t throughput() const { return settings_.throughput; }
  // throughput x message priority, at least 1.
  uint32_t max_messages() const { return max_messages_; }
  const Config& config() const { return config_; }
  const Logger& logger() const { return logger_; }
  Executor& executor() const { return *executor_; }
  Timer& timer() const { return *timer_; }

  // ---- supervision (called by components on their own threads) -----------------------
  void ComponentStarted(ComponentCore& component);
  void ComponentStopped(ComponentCore& component);
  void ComponentKilled(ComponentCore& component);
  void ComponentFaulty(ComponentCore& component, FaultContext fault, bool supervised);
  // A fault that the system cannot recover from (a system component, an
  // unsupervised component): marks the system poisoned and shuts it down.
  void Poison(const std::string& reason);
  bool poisoned() const { return poisoned_.load(std::memory_order_acquire); }

  // ---- dead letters -----------------------------------------------------------------
  // Counts a message that could not be delivered to `target` and has the
  // dead-letter box log it (rate-limited; strings are built only when logged).
  void DeadLetter(ComponentCore* target, std::string_view kind);
  uint64_t dead_letters() const { return dead_letters_.load(std::memory_order_relaxed); }
  // The same for a message without a target component (e.g. a path nobody is
  // registered at): `describe(what, why)` runs only when the line is logged.
  void DeadLetter(absl::FunctionRef<void(std::string& what, std::string& why)> describe);

  // ---- paths (runtime/dispatcher.h) ---------------------------------------------------
  // The dispatcher, or nullptr if the system has none. Set once by
  // KompactConfig::Build before the system is handed out.
  Dispatcher* dispatcher() const { return dispatcher_.get(); }
  // The dispatcher's system path (local://127.0.0.1:0 without a dispatcher).
  const SystemPath& system_path() const { return system_path_; }
  void InstallDispatcher(std::unique_ptr<Dispatcher> dispatcher);

  // ---- lifecycle of the system ----------------------------------------------------------
  State state() const { return state_.load(std::memory_order_acquire); }
  // Creates and starts the system components (supervisor, dead-letter box).
  // Called once by KompactConfig::Build.
  absl::Status StartSystemComponents();
  // Kills supervised components, then system components, stops the timer and the
  // executor. Blocking; never from an executor thread. With a `pump` (the
  // deterministic test fixture), waits by calling it until the steps complete
  // instead of blocking; pump returns false when it has nothing left to run.
  using Pump = absl::FunctionRef<bool()>;
  absl::Status Shutdown(std::optional<Pump> pump = std::nullopt);
  // Starts Shutdown on a separate thread (callable from anywhere, e.g. a handler).
  void ShutdownAsync();
  // Stops executor and timer without waiting for components.
  absl::Status Kill();
  void AwaitTermination();
  bool AwaitTerminationFor(absl::Duration timeout);
  bool terminated();
  Future<void> Terminated();

  // A new single-thread executor for a dedicated component (pinned to `cpu` if
  // >= 0), owned by the system and joined at shutdown.
  absl::StatusOr<Executor*> CreateDedicatedExecutor(int cpu);

 private:
  void SendToSupervisor(SupervisorMessage message);
  static absl::Status AwaitStep(Future<void>& step, const std::optional<Pump>& pump);
  // Stops timer and executors, releases system components; shared by Shutdown/Kill.
  absl::Status StopThreads();
  void MarkTerminated();

  std::atomic<int64_t> refs_{0};
  const SystemSettings settings_;
  const uint32_t max_messages_;
  const Config config_;
  const Logger logger_;
  std::unique_ptr<Executor> executor_;
  std::unique_ptr<Timer> timer_;

  ChildRegistry children_;    // started supervised components
  StrongCoreRef supervisor_;  // set once by StartSystemComponents; runs recoveries
  StrongCoreRef dead_letters_box_;
  std::atomic<bool> poisoned_{false};
  std::atomic<uint64_t> dead_letters_{0};
  LogRateLimiter dead_letter_log_limit_{10};

  std::atomic<State> state_{State::kRunning};
  std::mutex mu_;
  std::condition_variable terminated_cv_;
  bool terminated_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<Promise<void>> termination_promises_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<Executor>> dedicated_executors_ ABSL_GUARDED_BY(mu_);

  // Last, so that it is destroyed first (it may still use the timer).
  SystemPath system_path_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

}  // namespace runtime_internal
}  // namespace kompact

#endif  // KOMPACT_RUNTIME_INTERNAL_SYSTEM_CORE_H_
