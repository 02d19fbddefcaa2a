// DedicatedThreadExecutor: an executor with exactly one OS thread (FEATURES.md X1,
// R3 CreateDedicated), and its options.
#ifndef KOMPACT_EXECUTORS_DEDICATED_THREAD_EXECUTOR_H_
#define KOMPACT_EXECUTORS_DEDICATED_THREAD_EXECUTOR_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/build_config.h"
#include "base/log.h"
#include "executors/executor.h"
#include "executors/pool_options.h"

namespace kompact {

// Options of a DedicatedThreadExecutor.
struct DedicatedThreadOptions {
  // Idle thread parks after spinning (default: not under --config=low_latency).
  bool park = !kLowLatency;
  // Idle search rounds before parking (ignored when park is false).
  uint32_t spin_rounds = PoolOptions::kDefaultSpinRounds;
  // OS thread name (cut to 15 characters).
  std::string thread_name = "kompact-ded";
  // Processing unit to pin the thread to, or -1 (default) for none. Ids must be
  // in [-1, 1024); an id the process cannot use is a logged WARNING.
  int core = -1;
  // Receives warnings (pinning).
  Logger logger;
};

// An executor with exactly one OS thread: the runtime gives a component its own
// thread by scheduling it here. Idle, the thread spins briefly and then parks;
// under --config=low_latency it never parks.
//
// Scheduling from the executor's own thread (a runnable rescheduling itself or
// waking a neighbour) appends to a private FIFO without any atomic operation;
// from any other thread it goes through a lock-free intrusive queue and wakes the
// thread if it sleeps. Both are allocation-free. Every 61st pick looks at the
// shared queue first, so neither queue starves the other.
//
// Shutdown semantics are those of the pools (executor.h, work_stealing_pool.h).
//
// Thread-safety: as Executor. Lifetime: destroying the executor shuts it down
// and joins its thread.
class DedicatedThreadExecutor : public Executor {
 public:
  // The options Create takes.
  using Options = DedicatedThreadOptions;

  // Counters since Create (written by the thread; a read is a snapshot).
  struct Stats {
    uint64_t tasks_run = 0;  // runnables run
    uint64_t parks = 0;      // times the thread went to sleep
  };

  // Starts the thread. kInvalidArgument for a bad core id, kResourceExhausted if
  // the thread cannot be created.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<DedicatedThreadExecutor>> Create(Options options = {});
  // Create() with the thread pinned to `core` (Kompact's create_dedicated_pinned).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<DedicatedThreadExecutor>> CreatePinned(
      int core, Options options = {});

  ~DedicatedThreadExecutor() override = default;

  // The counters now; callable from any thread.
  virtual Stats stats() const = 0;

 protected:
  DedicatedThreadExecutor() = default;
};

}  // namespace kompact

#endif  // KOMPACT_EXECUTORS_DEDICATED_THREAD_EXECUTOR_H_
