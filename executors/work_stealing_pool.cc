#include "executors/work_stealing_pool.h"

#include <glog/logging.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "executors/internal/executor_thread.h"
#include "executors/internal/idle.h"
#include "executors/internal/injector.h"
#include "executors/internal/local_queue.h"
#include "executors/internal/parking_lot.h"
#include "executors/internal/pinning.h"
#include "executors/internal/submission.h"
#include "executors/internal/thread_group.h"
#include "executors/internal/work_deque.h"

namespace kompact {
namespace {

using executors_internal::Injector;
using executors_internal::LocalQueue;
using executors_internal::OwnerCounter;
using executors_internal::ParkingLot;
using executors_internal::ThreadGroup;
using executors_internal::WorkDeque;

// Every kFairnessInterval-th search first takes from the injector or the local
// FIFO queue (alternating), so neither is starved by the next slot, the deque
// or each other.
constexpr uint32_t kFairnessInterval = 61;
// A deque entry that stays the oldest for this many fairness turns (~62 k
// searches) is taken at the next turn: the starvation bound of the deque.
constexpr uint32_t kDequeStarvationTurns = 1024;
// Thieves leave a victim's last queued task alone.
constexpr uint32_t kMinStealSize = 2;
// At most this many extra tasks are moved from the injector per take.
constexpr uint64_t kMaxInjectorShare = LocalQueue::kCapacity / 2;

class WorkStealingPoolImpl;

struct Worker {
  WorkDeque deque;   // tasks displaced from `next` by kWake: owner LIFO, thieves FIFO
  LocalQueue queue;  // kYield and shares of the injector: FIFO for everyone
  // Owner-only state.
  alignas(64) WorkStealingPoolImpl* pool = nullptr;
  size_t index = 0;
  Runnable* next = nullptr;  // the non-stealable LIFO slot
  uint32_t tick = 0;
  uint32_t fair_turn = 0;
  int64_t deque_top_seen = -1;  // deque top at the last fairness turns
  uint32_t deque_top_age = 0;   // fairness turns it has not moved
  uint64_t rng = 0;
  OwnerCounter tasks_run;
  OwnerCounter steals;
  OwnerCounter injector_pops;
};

thread_local Worker* current_worker = nullptr;

class WorkStealingPoolImpl final : public WorkStealingPool {
 public:
  explicit WorkStealingPoolImpl(PoolOptions options)
      : options_(std::move(options)),
        idle_{options_.park, options_.spin_rounds},
        num_workers_(options_.threads),
        workers_(std::make_unique<Worker[]>(num_workers_)),
        parking_(num_workers_) {
    for (size_t i = 0; i < num_workers_; ++i) {
      workers_[i].pool = this;
      workers_[i].index = i;
      workers_[i].rng = 0x9E3779B97F4A7C15ull * (i + 1) ^ reinterpret_cast<uintptr_t>(this);
    }
  }

  ~WorkStealingPoolImpl() override {
    ShutdownAsync();
    CHECK(!IsWorkerThread()) << "a WorkStealingPool was destroyed by one of its own workers";
    threads_.Join();
  }

  absl::Status Start() {
    const std::vector<int> available = executors_internal::AvailableCpus();
    return threads_.Start(
        num_workers_,
        [this, available](size_t index) { WorkerMain(index, options_.CoreFor(index, available)); },
        "WorkStealingPool");
  }

  bool TrySchedule(Runnable& runnable, ScheduleHint hint) override {
    Worker* worker = current_worker;
    if (worker != nullptr && worker->pool == this) {
      if (injector_.closed()) return false;
      if (hint == ScheduleHint::kWake) {
        Runnable* displaced = worker->next;
        worker->next = &runnable;
        if (displaced != nullptr) PushDisplaced(*worker, *displaced);
      } else {
        PushYielded(*worker, runnable);
      }
      return true;
    }
    return executors_internal::SubmitFromOutside(injector_, parking_, runnable);
  }

  absl::Status Shutdown() override {
    return executors_internal::CloseAndJoin(IsWorkerThread(), "WorkStealingPool", injector_, parking_,
                                            threads_);
  }

  void ShutdownAsync() override { executors_internal::CloseAndWakeAll(injector_, parking_); }

  void AwaitTermination() override {
    CHECK(!IsWorkerThread()) << "WorkStealingPool::AwaitTermination called from its own worker";
    threads_.Join();
  }

  size_t num_threads() const override { return num_workers_; }

  bool IsWorkerThread() const override { return current_worker != nullptr && current_worker->pool == this; }

  std::optional<size_t> CurrentWorkerIndex() const override {
    if (!IsWorkerThread()) return std::nullopt;
    return current_worker->index;
  }

  Stats stats() const override {
    Stats stats;
    for (size_t i = 0; i < num_workers_; ++i) {
      const Worker& worker = workers_[i];
      stats.tasks_run += worker.tasks_run.Get();
      stats.steals += worker.steals.Get();
      stats.injector_pops += worker.injector_pops.Get();
      stats.parks += parking_.parks(i);
    }
    return stats;
  }

 private:
  absl::Status RefusalError() const override {
    return absl::FailedPreconditionError("WorkStealingPool is shut down: task refused");
  }

  // An accepted task displaced from the next slot: the bottom of the deque (it
  // runs next after the slot). Wakes a sleeper if the deque holds stealable work.
  void PushDisplaced(Worker& worker, Runnable& runnable) {
    int64_t size = 0;
    if (worker.deque.Push(runnable, &size)) {
      if (size >= kMinStealSize) WakeHelper(worker);
      return;
    }
    // Full: the oldest half moves to the injector in one batch (where the
    // fairness turns and other workers find it), then this push has room.
    Runnable* batch[WorkDeque::kCapacity / 2];
    const int64_t moved = worker.deque.StealOldestHalf(batch, WorkDeque::kCapacity / 2);
    if (moved > 0) injector_.PushBatch(batch, static_cast<size_t>(moved));
    if (!worker.deque.Push(runnable)) injector_.Push(runnable);
    WakeHelper(worker);
  }

  // An accepted task that yielded: the back of the FIFO queue, waking nobody.
  void PushYielded(Worker& worker, Runnable& runnable) {
    if (worker.queue.Push(runnable)) return;
    injector_.Push(runnable);
    WakeHelper(worker);
  }

  // Wakes one sleeping worker to take work this worker has queued locally. A
  // heuristic (the work is this worker's anyway): the relaxed pre-check skips
  // the fence while nobody sleeps; a sleeper missed in the race is found by the
  // next ShareLocalWork().
  void WakeHelper(Worker& worker) {
    if (parking_.num_sleeping() == 0) return;
    std::atomic_thread_fence(std::memory_order_seq_cst);
    parking_.NotifyOne(worker.index, /*skip_start=*/true);
  }

  void WorkerMain(size_t index, int core) {
    Worker& worker = workers_[index];
    executors_internal::ExecutorThreadScope executor_thread;
    current_worker = &worker;
    const std::string name = absl::StrCat(options_.thread_name_prefix, "-", index);
    executors_internal::SetCurrentThreadName(name);
    if (core >= 0) executors_internal::PinCurrentThread(core, options_.logger, name);

    for (;;) {
      Runnable* runnable = FindTask(worker);
      if (runnable == nullptr) {
        runnable = executors_internal::WaitForWork(
            idle_, parking_, index, injector_, [&] { return FindTask(worker); },
            [&] { return HasWork(worker); });
      }
      if (runnable == nullptr) break;  // shut down and drained
      worker.tasks_run.Increment();
      runnable->Run();  // may destroy the runnable
    }
    DCHECK(worker.next == nullptr && worker.deque.Size() == 0 && worker.queue.Size() == 0);
    current_worker = nullptr;
  }

  Runnable* FindTask(Worker& worker) {
    Runnable* runnable;
    if (++worker.tick >= kFairnessInterval) {
      worker.tick = 0;
      if ((runnable = FairTurn(worker)) != nullptr) return runnable;
    }
    if ((runnable = worker.next) != nullptr) {
      worker.next = nullptr;
      return runnable;
    }
    if ((runnable = worker.deque.Pop()) != nullptr) return runnable;
    if ((runnable = worker.queue.Pop()) != nullptr) return runnable;
    if ((runnable = FromInjector(worker)) != nullptr) return runnable;
    return Steal(worker);
  }

  // The fairness turn: alternately the injector or the FIFO queue first, then
  // the other. The deque's oldest entry is taken only once it has not moved for
  // kDequeStarvationTurns turns: taking it opens an old subtree of fork-join
  // work (breadth-first growth), so it is a starvation bound, not a routine.
  // Also lends local work to a sleeper.
  Runnable* FairTurn(Worker& worker) {
    ShareLocalWork(worker);
    const int64_t top = worker.deque.top_index();
    if (top != worker.deque_top_seen || worker.deque.Size() == 0) {
      worker.deque_top_seen = top;
      worker.deque_top_age = 0;
    } else if (++worker.deque_top_age >= kDequeStarvationTurns) {
      worker.deque_top_age = 0;
      if (Runnable* runnable = worker.deque.Steal()) return runnable;
    }
    const bool injector_first = (worker.fair_turn++ & 1) == 0;
    Runnable* runnable = injector_first ? FromInjector(worker) : worker.queue.Pop();
    if (runnable == nullptr) runnable = injector_first ? worker.queue.Pop() : FromInjector(worker);
    return runnable;
  }

  // Work accumulating locally through kYield wakes nobody; once per fairness
  // interval a busy worker lends stealable work to a sleeper.
  void ShareLocalWork(Worker& worker) {
    if (parking_.num_sleeping() == 0) return;
    if (worker.queue.Size() < kMinStealSize && worker.deque.Size() < kMinStealSize) return;
    std::atomic_thread_fence(std::memory_order_seq_cst);
    parking_.NotifyOne(worker.index, /*skip_start=*/true);
  }

  // One task from the injector plus a fair share of the rest into the local queue.
  Runnable* FromInjector(Worker& worker) {
    if (injector_.ApproxSize() == 0 || !injector_.TryLock()) return nullptr;
    Runnable* first = injector_.PopLocked();
    uint64_t popped = 0;
    if (first != nullptr) {
      popped = 1;
      const uint64_t queued = injector_.ApproxSize();  // still counts `first`
      uint64_t share = queued > 1 ? (queued - 1) / num_workers_ : 0;
      share = std::min<uint64_t>({share, kMaxInjectorShare, worker.queue.FreeSlots()});
      for (; share > 0; --share) {
        Runnable* extra = injector_.PopLocked();
        if (extra == nullptr) break;
        ++popped;
        if (!worker.queue.Push(*extra)) {  // cannot happen: share <= FreeSlots()
          injector_.Unlock();
          LOG(FATAL) << "WorkStealingPool: local queue overflow while taking a share";
        }
      }
    }
    injector_.Unlock();
    if (popped == 0) return nullptr;
    worker.injector_pops.Increment();
    if (injector_.FinishPops(popped)) {
      parking_.NotifyAll();  // the last accepted task of a shut-down pool
    } else if (injector_.ApproxSize() > 0 || popped - 1 >= kMinStealSize) {
      // Left some in the injector, or took a stealable share: get help.
      std::atomic_thread_fence(std::memory_order_seq_cst);
      parking_.NotifyOne(worker.index, /*skip_start=*/true);
    }
    return first;
  }

  Runnable* Steal(Worker& worker) {
    if (num_workers_ == 1) return nullptr;
    // xorshift64: a random first victim, then every other worker in order.
    worker.rng ^= worker.rng << 13;
    worker.rng ^= worker.rng >> 7;
    worker.rng ^= worker.rng << 17;
    const size_t start = worker.rng % num_workers_;
    for (size_t k = 0; k < num_workers_; ++k) {
      const size_t victim = (start + k) % num_workers_;
      if (victim == worker.index) continue;
      Runnable* runnable = workers_[victim].deque.Steal(kMinStealSize);
      if (runnable == nullptr) runnable = workers_[victim].queue.Pop(kMinStealSize);
      if (runnable != nullptr) {
        worker.steals.Increment();
        return runnable;
      }
    }
    return nullptr;
  }

  // The parking re-check (seq_cst loads only): anything this worker could take,
  // or a shutdown to act on.
  bool HasWork(const Worker& worker) const {
    if (injector_.MaybeNonEmptyOrClosed()) return true;
    for (size_t i = 0; i < num_workers_; ++i) {
      if (i == worker.index) continue;
      if (workers_[i].deque.Size() >= kMinStealSize || workers_[i].queue.Size() >= kMinStealSize) {
        return true;
      }
    }
    return false;
  }

  const PoolOptions options_;
  const executors_internal::IdlePolicy idle_;
  const size_t num_workers_;
  const std::unique_ptr<Worker[]> workers_;
  Injector injector_;
  ParkingLot parking_;
  ThreadGroup threads_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<WorkStealingPool>> WorkStealingPool::Create(PoolOptions options) {
  KOMPACT_RETURN_IF_ERROR(ValidatePoolOptions(options, "WorkStealingPool"));
  auto pool = std::make_unique<WorkStealingPoolImpl>(std::move(options));
  if (absl::Status started = pool->Start(); !started.ok()) {
    pool->ShutdownAsync();
    pool->AwaitTermination();
    return started;
  }
  return std::unique_ptr<WorkStealingPool>(std::move(pool));
}

}  // namespace kompact
