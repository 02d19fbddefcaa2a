#include "executors/shared_queue_pool.h"

#include <glog/logging.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "executors/internal/cpu_relax.h"
#include "executors/internal/executor_thread.h"
#include "executors/internal/idle.h"
#include "executors/internal/injector.h"
#include "executors/internal/parking_lot.h"
#include "executors/internal/pinning.h"
#include "executors/internal/submission.h"
#include "executors/internal/thread_group.h"

namespace kompact {
namespace {

using executors_internal::Injector;
using executors_internal::OwnerCounter;

// A thread that finds the consumer lock taken retries this many times (the
// holder only pops one node) before treating the queue as empty for this round.
constexpr int kLockAttempts = 16;

class SharedQueuePoolImpl;

struct alignas(64) ThreadState {
  const SharedQueuePoolImpl* pool = nullptr;
  OwnerCounter tasks_run;
};

thread_local const ThreadState* current_thread = nullptr;

class SharedQueuePoolImpl final : public SharedQueuePool {
 public:
  explicit SharedQueuePoolImpl(PoolOptions options)
      : options_(std::move(options)),
        idle_{options_.park, options_.spin_rounds},
        num_threads_(options_.threads),
        states_(std::make_unique<ThreadState[]>(num_threads_)),
        parking_(num_threads_) {
    for (size_t i = 0; i < num_threads_; ++i) states_[i].pool = this;
  }

  ~SharedQueuePoolImpl() override {
    ShutdownAsync();
    CHECK(!IsWorkerThread()) << "a SharedQueuePool was destroyed by one of its own threads";
    threads_.Join();
  }

  absl::Status Start() {
    const std::vector<int> available = executors_internal::AvailableCpus();
    return threads_.Start(
        num_threads_,
        [this, available](size_t index) { ThreadMain(index, options_.CoreFor(index, available)); },
        "SharedQueuePool");
  }

  bool TrySchedule(Runnable& runnable, ScheduleHint hint) override {
    // A yielding task of our own thread: that thread comes back for it.
    return executors_internal::SubmitFromOutside(
        injector_, parking_, runnable,
        /*wake_one=*/hint != ScheduleHint::kYield || !IsWorkerThread());
  }

  absl::Status RefusalError() const override {
    return absl::FailedPreconditionError("SharedQueuePool is shut down: task refused");
  }

  absl::Status Shutdown() override {
    return executors_internal::CloseAndJoin(IsWorkerThread(), "SharedQueuePool", injector_, parking_,
                                            threads_);
  }

  void ShutdownAsync() override { executors_internal::CloseAndWakeAll(injector_, parking_); }

  void AwaitTermination() override {
    CHECK(!IsWorkerThread()) << "SharedQueuePool::AwaitTermination called from its own thread";
    threads_.Join();
  }

  size_t num_threads() const override { return num_threads_; }

  bool IsWorkerThread() const override { return current_thread != nullptr && current_thread->pool == this; }

  Stats stats() const override {
    Stats stats;
    for (size_t i = 0; i < num_threads_; ++i) {
      stats.tasks_run += states_[i].tasks_run.Get();
      stats.parks += parking_.parks(i);
    }
    return stats;
  }

 private:
  void ThreadMain(size_t index, int core) {
    ThreadState& state = states_[index];
    executors_internal::ExecutorThreadScope executor_thread;
    current_thread = &state;
    const std::string name = absl::StrCat(options_.thread_name_prefix, "-", index);
    executors_internal::SetCurrentThreadName(name);
    if (core >= 0) executors_internal::PinCurrentThread(core, options_.logger, name);

    for (;;) {
      Runnable* runnable = Take();
      if (runnable == nullptr) {
        runnable = executors_internal::WaitForWork(
            idle_, parking_, index, injector_, [this] { return Take(); },
            [this] { return injector_.MaybeNonEmptyOrClosed(); });
      }
      if (runnable == nullptr) break;  // shut down and drained
      state.tasks_run.Increment();
      runnable->Run();  // may destroy the runnable
    }
    current_thread = nullptr;
  }

  Runnable* Take() {
    if (injector_.ApproxSize() == 0) return nullptr;
    for (int attempt = 0; attempt < kLockAttempts; ++attempt) {
      if (injector_.TryLock()) {
        Runnable* runnable = injector_.PopLocked();
        injector_.Unlock();
        if (runnable != nullptr && injector_.FinishPops(1)) parking_.NotifyAll();
        return runnable;
      }
      executors_internal::CpuRelax();
    }
    return nullptr;
  }

  const PoolOptions options_;
  const executors_internal::IdlePolicy idle_;
  const size_t num_threads_;
  const std::unique_ptr<ThreadState[]> states_;
  Injector injector_;
  executors_internal::ParkingLot parking_;
  executors_internal::ThreadGroup threads_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<SharedQueuePool>> SharedQueuePool::Create(PoolOptions options) {
  KOMPACT_RETURN_IF_ERROR(ValidatePoolOptions(options, "SharedQueuePool"));
  auto pool = std::make_unique<SharedQueuePoolImpl>(std::move(options));
  if (absl::Status started = pool->Start(); !started.ok()) {
    pool->ShutdownAsync();
    pool->AwaitTermination();
    return started;
  }
  return std::unique_ptr<SharedQueuePool>(std::move(pool));
}

}  // namespace kompact
