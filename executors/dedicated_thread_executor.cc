#include "executors/dedicated_thread_executor.h"

#include <glog/logging.h>
#include <sched.h>

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
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

constexpr uint32_t kFairnessInterval = 61;

class DedicatedThreadExecutorImpl;

thread_local const DedicatedThreadExecutorImpl* current_executor = nullptr;

class DedicatedThreadExecutorImpl final : public DedicatedThreadExecutor {
 public:
  explicit DedicatedThreadExecutorImpl(Options options)
      : options_(std::move(options)), idle_{options_.park, options_.spin_rounds}, parking_(1) {}

  ~DedicatedThreadExecutorImpl() override {
    ShutdownAsync();
    CHECK(!IsWorkerThread()) << "a DedicatedThreadExecutor was destroyed by its own thread";
    thread_.Join();
  }

  absl::Status Start() {
    return thread_.Start(
        1, [this](size_t) { ThreadMain(); }, "DedicatedThreadExecutor");
  }

  bool TrySchedule(Runnable& runnable, ScheduleHint hint) override {
    if (IsWorkerThread()) {
      if (injector_.closed()) return false;
      // Private FIFO: only this thread links and unlinks it.
      runnable.next_in_queue_.store(nullptr, std::memory_order_relaxed);
      if (local_tail_ == nullptr) {
        local_head_ = &runnable;
      } else {
        local_tail_->next_in_queue_.store(&runnable, std::memory_order_relaxed);
      }
      local_tail_ = &runnable;
      return true;
    }
    return executors_internal::SubmitFromOutside(injector_, parking_, runnable);
  }

  absl::Status Shutdown() override {
    return executors_internal::CloseAndJoin(IsWorkerThread(), "DedicatedThreadExecutor", injector_, parking_,
                                            thread_);
  }

  void ShutdownAsync() override { executors_internal::CloseAndWakeAll(injector_, parking_); }

  void AwaitTermination() override {
    CHECK(!IsWorkerThread()) << "DedicatedThreadExecutor::AwaitTermination called from its thread";
    thread_.Join();
  }

  size_t num_threads() const override { return 1; }
  bool IsWorkerThread() const override { return current_executor == this; }

  Stats stats() const override { return Stats{tasks_run_.Get(), parking_.parks(0)}; }

 private:
  absl::Status RefusalError() const override {
    return absl::FailedPreconditionError("DedicatedThreadExecutor is shut down: task refused");
  }

  void ThreadMain() {
    executors_internal::ExecutorThreadScope executor_thread;
    current_executor = this;
    executors_internal::SetCurrentThreadName(options_.thread_name);
    if (options_.core >= 0) {
      executors_internal::PinCurrentThread(options_.core, options_.logger, options_.thread_name);
    }
    // The only consumer: hold the consumer lock for the thread's lifetime.
    CHECK(injector_.TryLock());
    for (;;) {
      Runnable* runnable = Find();
      if (runnable == nullptr) {
        runnable = executors_internal::WaitForWork(
            idle_, parking_, 0, injector_, [this] { return Find(); },
            [this] { return injector_.MaybeNonEmptyOrClosed(); });
      }
      if (runnable == nullptr) break;  // shut down and drained
      tasks_run_.Increment();
      runnable->Run();  // may destroy the runnable
    }
    injector_.Unlock();
    current_executor = nullptr;
  }

  Runnable* Find() {
    if (++tick_ >= kFairnessInterval) {
      tick_ = 0;
      if (Runnable* runnable = FromInjector()) return runnable;
    }
    if (Runnable* runnable = local_head_) {
      local_head_ = runnable->next_in_queue_.load(std::memory_order_relaxed);
      if (local_head_ == nullptr) local_tail_ = nullptr;
      return runnable;
    }
    return FromInjector();
  }

  Runnable* FromInjector() {
    if (injector_.ApproxSize() == 0) return nullptr;
    Runnable* runnable = injector_.PopLocked();
    if (runnable != nullptr && injector_.FinishPops(1)) parking_.NotifyAll();
    return runnable;
  }

  const Options options_;
  const executors_internal::IdlePolicy idle_;
  Injector injector_;
  executors_internal::ParkingLot parking_;
  executors_internal::ThreadGroup thread_;
  // Owned by the executor's thread.
  Runnable* local_head_ = nullptr;
  Runnable* local_tail_ = nullptr;
  uint32_t tick_ = 0;
  OwnerCounter tasks_run_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<DedicatedThreadExecutor>> DedicatedThreadExecutor::Create(Options options) {
  if (options.core < -1 || options.core >= CPU_SETSIZE) {
    return absl::InvalidArgumentError(absl::StrCat("DedicatedThreadExecutor: Options.core = ", options.core,
                                                   " is not a processing unit id (allowed: -1 for none, 0..",
                                                   CPU_SETSIZE - 1, ")"));
  }
  auto executor = std::make_unique<DedicatedThreadExecutorImpl>(std::move(options));
  if (absl::Status started = executor->Start(); !started.ok()) {
    executor->ShutdownAsync();
    executor->AwaitTermination();
    return started;
  }
  return std::unique_ptr<DedicatedThreadExecutor>(std::move(executor));
}

absl::StatusOr<std::unique_ptr<DedicatedThreadExecutor>> DedicatedThreadExecutor::CreatePinned(
    int core, Options options) {
  options.core = core;
  return Create(std::move(options));
}

}  // namespace kompact
