// SharedQueuePool: Kompact's channel pool (FEATURES.md X1, R5), N threads serving
// one shared first-in-first-out queue.
#ifndef KOMPACT_EXECUTORS_SHARED_QUEUE_POOL_H_
#define KOMPACT_EXECUTORS_SHARED_QUEUE_POOL_H_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "executors/executor.h"
#include "executors/pool_options.h"

namespace kompact {

// N threads serving one shared first-in-first-out queue. Every submission, from
// any thread, goes to that queue and wakes at most one sleeping thread (except a
// kYield from one of the pool's own threads, which wakes nobody). There is no
// thread affinity: two runnables that wake each other usually alternate between
// threads. It is the baseline the work-stealing pool is measured against, and the
// better choice for a few long-running, independent tasks.
//
// The queue is the same intrusive lock-free injector as WorkStealingPool's:
// Schedule is two atomic RMWs and a store, no allocation, no mutex; consumers
// take turns through a try-lock held for one pop. Parking, spinning, options,
// pinning and shutdown behave exactly as in WorkStealingPool.
//
// Thread-safety and lifetime: as WorkStealingPool (work_stealing_pool.h).
class SharedQueuePool : public Executor {
 public:
  // The options Create takes.
  using Options = PoolOptions;

  // Counters summed over the threads (a snapshot).
  struct Stats {
    uint64_t tasks_run = 0;  // runnables run
    uint64_t parks = 0;      // times a thread went to sleep
  };

  // Starts the threads. kInvalidArgument (naming the field) for bad options;
  // kResourceExhausted if a thread cannot be created.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<SharedQueuePool>> Create(PoolOptions options = {});

  ~SharedQueuePool() override = default;

  // The counters now; callable from any thread.
  virtual Stats stats() const = 0;

 protected:
  SharedQueuePool() = default;
};

}  // namespace kompact

#endif  // KOMPACT_EXECUTORS_SHARED_QUEUE_POOL_H_
