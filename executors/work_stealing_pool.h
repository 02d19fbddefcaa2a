// WorkStealingPool: the default executor (FEATURES.md X1, X2, R5), a work-stealing
// thread pool.
#ifndef KOMPACT_EXECUTORS_WORK_STEALING_POOL_H_
#define KOMPACT_EXECUTORS_WORK_STEALING_POOL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "executors/executor.h"
#include "executors/pool_options.h"

namespace kompact {

// The default executor: N workers, each with a non-stealable "next" slot, a
// work-stealing deque and a FIFO queue; a global injector for submissions from
// outside; randomised stealing; futex parking.
//
//   KOMPACT_ASSIGN_OR_RETURN(std::unique_ptr<WorkStealingPool> pool,
//                            WorkStealingPool::Create());
//   KOMPACT_RETURN_IF_ERROR(pool->Execute([] { ... }));
//   KOMPACT_RETURN_IF_ERROR(pool->Shutdown());
//
// Scheduling (TrySchedule(runnable, hint), which Schedule and Execute go through):
//  * From one of this pool's workers (Kompact's use_local_executor):
//    - kWake puts the runnable in the worker's "next" slot, which only that worker
//      runs; a displaced occupant goes to the bottom of the worker's deque (run
//      newest-first by the owner, stolen oldest-first by others), and if the deque
//      now holds stealable work (>= 2 entries) one sleeping worker is woken.
//      Two runnables that wake each other therefore stay on one core, and
//      fork-join work runs depth-first in cache.
//    - kYield appends to the worker's FIFO queue and wakes nobody.
//    - A full FIFO queue spills the task to the injector; a full deque moves its
//      oldest half there in one batch. Either wakes a sleeper.
//  * From any other thread (including another executor's worker): the injector,
//    then at most one sleeping worker is woken.
// Finding work, per worker: the next slot, the deque (newest), the FIFO queue,
// the injector, then stealing from the other workers in random order (deque
// oldest first, then FIFO queue), only from those holding >= 2 entries.
// Fairness: every 61st search starts with the injector or the FIFO queue
// (alternating), so neither starves behind local wake-ups; a deque entry that
// stays the oldest for ~62 k searches is taken then (the deque's starvation
// bound; thieves normally take old entries much sooner). From the injector a
// worker takes one task plus a share of the rest (leaving work for the others)
// into its FIFO queue, and wakes another worker if it left some. Every 61st
// search a worker with stealable local work also wakes a sleeper, so work that
// accumulates through kYield still spreads.
// Idle workers spin `spin_rounds` searches, then park (PoolOptions::park; never
// under --config=low_latency, where they spin with pauses and yields).
//
// Schedule from a worker is a few plain loads and stores (plus a release store
// when a displaced task is queued); from outside it is two atomic RMWs and a
// store. Neither allocates nor locks.
//
// Shutdown: new work is refused at once (kFailedPrecondition) from every thread;
// every accepted task runs (in the injector, deques, FIFO queues and next
// slots), then the workers exit. A task accepted concurrently with
// ShutdownAsync() still runs exactly once (see internal/injector.h). A task that
// the pool runs during shutdown cannot schedule more work (refused like any
// other submission).
//
// Thread-safety: all members may be called from any thread, except Shutdown and
// AwaitTermination (not from this pool's workers; Shutdown then returns
// kFailedPrecondition, AwaitTermination CHECK-fails). Lifetime: destroying the
// pool shuts it down and joins; no thread may still be inside Schedule then.
class WorkStealingPool : public Executor {
 public:
  // The options Create takes.
  using Options = PoolOptions;

  // Counters summed over the workers (each worker writes its own; a read while
  // the pool runs is a consistent-enough snapshot for tests and benchmarks).
  struct Stats {
    uint64_t tasks_run = 0;      // runnables run
    uint64_t steals = 0;         // tasks taken from another worker's local queue
    uint64_t injector_pops = 0;  // successful takes from the injector
    uint64_t parks = 0;          // times a worker went to sleep
  };

  // Starts the workers. kInvalidArgument (naming the field) for bad options;
  // kResourceExhausted if a thread cannot be created.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<WorkStealingPool>> Create(PoolOptions options = {});

  ~WorkStealingPool() override = default;

  // Index of the calling thread among this pool's workers, or nullopt.
  virtual std::optional<size_t> CurrentWorkerIndex() const = 0;

  // The counters now; callable from any thread.
  virtual Stats stats() const = 0;

 protected:
  WorkStealingPool() = default;
};

}  // namespace kompact

#endif  // KOMPACT_EXECUTORS_WORK_STEALING_POOL_H_
