#include "runtime/internal/system_core.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"
#include "base/node_pool.h"
#include "base/status.h"
#include "executors/dedicated_thread_executor.h"
#include "runtime/component_core.h"
#include "runtime/dispatcher.h"
#include "runtime/internal/component_cell.h"
#include "runtime/internal/component_extras.h"
#include "runtime/internal/dead_letter_box.h"
#include "runtime/internal/message_node.h"
#include "runtime/internal/supervisor.h"

namespace kompact::runtime_internal {

SystemCore::SystemCore(SystemSettings settings, Config config, Logger logger,
                       std::unique_ptr<Executor> executor, std::unique_ptr<Timer> timer)
    : settings_(std::move(settings)),
      max_messages_(std::max<uint32_t>(
          1, static_cast<uint32_t>(static_cast<double>(settings_.throughput) * settings_.message_priority))),
      config_(std::move(config)),
      logger_(std::move(logger)),
      executor_(std::move(executor)),
      timer_(std::move(timer)) {}

SystemCore::~SystemCore() = default;

absl::Status SystemCore::StartSystemComponents() {
  supervisor_ =
      StrongCoreRef::Adopt(ComponentCell<Supervisor>::Create(this, executor_.get(), /*supervised=*/false));
  dead_letters_box_ =
      StrongCoreRef::Adopt(ComponentCell<DeadLetterBox>::Create(this, executor_.get(), /*supervised=*/false));
  // Not waited for: with a manual executor nothing runs until the test says so.
  // Messages sent to them before they run are queued and handled after Start.
  supervisor_->SendLifecycle(ControlEvent::kStart);
  dead_letters_box_->SendLifecycle(ControlEvent::kStart);
  return absl::OkStatus();
}

// ---- supervision --------------------------------------------------------------------------

void SystemCore::SendToSupervisor(SupervisorMessage message) {
  ComponentCore* supervisor = supervisor_.get();
  if (supervisor == nullptr) return;
  auto* node = base_internal::NewNode<LocalMessageNode<SupervisorMessage>>(std::move(message));
  if (!supervisor->EnqueueMessage(node))
    base_internal::DeleteNode(node);  // supervisor gone: system is stopping
}

void SystemCore::ComponentStarted(ComponentCore& component) {
  if (component.supervised_) children_.Add(component);
}

void SystemCore::ComponentStopped(ComponentCore& component) {
  // A stopped component stays supervised (it may be started again).
}

void SystemCore::ComponentKilled(ComponentCore& component) {
  if (component.supervised_) children_.Remove(component);
}

void SystemCore::ComponentFaulty(ComponentCore& component, FaultContext fault, bool supervised) {
  if (!supervised) {
    Poison(absl::StrCat("unsupervised component ", AsAbsl(component.type_name()), " ",
                        component.id().ToString(), " faulted: ", fault.fault().ToString()));
    return;
  }
  std::optional<RecoveryFunction> recovery;
  if (ComponentExtras* extras = component.extras_if_present()) {
    std::lock_guard<std::mutex> lock(extras->recovery_mu);
    recovery = std::exchange(extras->recovery, std::nullopt);
  }
  RecoveryHandler handler =
      recovery ? std::move(*recovery)(std::move(fault)) : DefaultRecovery(std::move(fault));
  StrongCoreRef keep(&component);  // for the supervisor's log line
  children_.Remove(component);
  SendToSupervisor({std::move(keep), std::move(handler)});
}

void SystemCore::Poison(const std::string& reason) {
  if (poisoned_.exchange(true, std::memory_order_acq_rel)) return;
  KLOG(logger_, ERROR) << "system poisoned: " << reason;
  ShutdownAsync();
}

void SystemCore::DeadLetter(ComponentCore* target, std::string_view kind) {
  dead_letters_.fetch_add(1, std::memory_order_relaxed);
  ComponentCore* box = dead_letters_box_.get();
  int64_t suppressed = 0;
  if (box == nullptr || !dead_letter_log_limit_.Allow(&suppressed)) return;
  runtime_internal::DeadLetter letter;
  letter.what = absl::StrCat(AsAbsl(kind), " to component ", target->id().ToString(), " (",
                             AsAbsl(target->type_name()), ")");
  letter.why =
      absl::StrCat("it is ", target->IsDestroyed() ? "destroyed" : "faulty",
                   suppressed > 0 ? absl::StrCat("; ", suppressed, " more dead letters not shown") : "");
  auto* node = base_internal::NewNode<LocalMessageNode<runtime_internal::DeadLetter>>(std::move(letter));
  if (!box->EnqueueMessage(node)) base_internal::DeleteNode(node);
}

void SystemCore::DeadLetter(absl::FunctionRef<void(std::string& what, std::string& why)> describe) {
  dead_letters_.fetch_add(1, std::memory_order_relaxed);
  ComponentCore* box = dead_letters_box_.get();
  int64_t suppressed = 0;
  if (box == nullptr || !dead_letter_log_limit_.Allow(&suppressed)) return;
  runtime_internal::DeadLetter letter;
  describe(letter.what, letter.why);
  if (suppressed > 0) absl::StrAppend(&letter.why, "; ", suppressed, " more dead letters not shown");
  auto* node = base_internal::NewNode<LocalMessageNode<runtime_internal::DeadLetter>>(std::move(letter));
  if (!box->EnqueueMessage(node)) base_internal::DeleteNode(node);
}

void SystemCore::InstallDispatcher(std::unique_ptr<Dispatcher> dispatcher) {
  system_path_ = dispatcher->system_path();
  dispatcher_ = std::move(dispatcher);
}

// ---- dedicated executors ------------------------------------------------------------------

absl::StatusOr<Executor*> SystemCore::CreateDedicatedExecutor(int cpu) {
  DedicatedThreadOptions options;
  options.thread_name = "kompact-ded";
  options.core = cpu;
  options.logger = logger_;
  absl::StatusOr<std::unique_ptr<DedicatedThreadExecutor>> executor =
      DedicatedThreadExecutor::Create(options);
  if (!executor.ok()) return executor.status();
  Executor* raw = executor->get();
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) {
    (void)(*executor)->Shutdown();
    return absl::FailedPreconditionError("CreateDedicated: the system is shutting down");
  }
  dedicated_executors_.push_back(std::move(*executor));
  return raw;
}

// ---- shutdown ------------------------------------------------------------------------------

absl::Status SystemCore::AwaitStep(Future<void>& step, const std::optional<Pump>& pump) {
  if (!pump) return step.Wait();
  while (!step.IsReady()) {
    if (!(*pump)()) {
      return absl::FailedPreconditionError("shutdown step cannot complete: nothing left to run");
    }
  }
  return step.Wait();
}

absl::Status SystemCore::Shutdown(std::optional<Pump> pump) {
  if (OnExecutorThread() && !pump) {
    return absl::FailedPreconditionError(
        "KompactSystem::Shutdown called on an executor thread (it would block a worker); use ShutdownAsync");
  }
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (stopping_) {
      if (pump) return absl::FailedPreconditionError("shutdown already in progress");
      // Someone else is shutting down: wait for them.
      terminated_cv_.wait(lock, [this] { return terminated_; });
      return absl::OkStatus();
    }
    stopping_ = true;
  }
  state_.store(State::kShuttingDown, std::memory_order_release);
  KLOG(logger_, DEBUG) << "shutting down system " << label();
  // 1. Kill every supervised component and wait until the last is gone.
  Future<void> gone = children_.KillAll();
  absl::Status children = AwaitStep(gone, pump);
  if (!children.ok()) KLOG(logger_, WARNING) << "supervisor shutdown: " << children;
  // 2. The system components.
  for (ComponentCore* c : {dead_letters_box_.get(), supervisor_.get()}) {
    if (c == nullptr) continue;
    auto [p, f] = MakePromise<void>();
    c->SendLifecycle(ControlEvent::kKill,
                     [p = std::move(p)](absl::Status s) mutable { p.Complete(std::move(s)); });
    absl::Status killed = AwaitStep(f, pump);
    if (!killed.ok()) KLOG(logger_, WARNING) << "killing a system component: " << killed;
  }
  // 3. Threads.
  absl::Status stopped = StopThreads();
  MarkTerminated();
  return stopped;
}

void SystemCore::ShutdownAsync() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
  }
  Ref();                // the thread keeps the system alive
  std::thread([this] {  // sim-clock-ok: a poisoned system shuts down off its executor (docs/simulation.md)
    absl::Status status = Shutdown();
    if (!status.ok()) KLOG(logger_, ERROR) << "asynchronous shutdown: " << status;
    Unref();
  })
      .detach();
}

absl::Status SystemCore::Kill() {
  if (OnExecutorThread()) {
    return absl::FailedPreconditionError("KompactSystem::KillSystem called on an executor thread");
  }
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (stopping_) {
      terminated_cv_.wait(lock, [this] { return terminated_; });
      return absl::OkStatus();
    }
    stopping_ = true;
  }
  state_.store(State::kShuttingDown, std::memory_order_release);
  absl::Status stopped = StopThreads();
  MarkTerminated();
  return stopped;
}

absl::Status SystemCore::StopThreads() {
  timer_->Shutdown();
  absl::Status status = executor_->Shutdown();
  std::vector<Executor*> dedicated;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& e : dedicated_executors_) dedicated.push_back(e.get());
  }
  // Joined now, freed with the system: components (which may outlive this) point to them.
  for (Executor* e : dedicated) status.Update(e->Shutdown());
  // No handler runs any more: the dispatcher drops its registrations (which hold
  // weak references to components, and through them to this system).
  if (dispatcher_ != nullptr) dispatcher_->Shutdown();
  // Nothing runs any more: drop the references to supervised components, then
  // the system components themselves.
  children_.ReleaseAll();
  supervisor_.Reset();
  dead_letters_box_.Reset();
  return status;
}

void SystemCore::MarkTerminated() {
  std::vector<Promise<void>> promises;
  {
    std::lock_guard<std::mutex> lock(mu_);
    terminated_ = true;
    promises.swap(termination_promises_);
  }
  state_.store(State::kTerminated, std::memory_order_release);
  terminated_cv_.notify_all();
  for (auto& p : promises) p.Fulfil();
}

void SystemCore::AwaitTermination() {
  std::unique_lock<std::mutex> lock(mu_);
  terminated_cv_.wait(lock, [this] { return terminated_; });
}

bool SystemCore::AwaitTerminationFor(absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return terminated_cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [this] { return terminated_; });
}

bool SystemCore::terminated() {
  std::lock_guard<std::mutex> lock(mu_);
  return terminated_;
}

Future<void> SystemCore::Terminated() {
  auto [promise, future] = MakePromise<void>();
  std::unique_lock<std::mutex> lock(mu_);
  if (terminated_) {
    lock.unlock();
    promise.Fulfil();
  } else {
    termination_promises_.push_back(std::move(promise));
  }
  return std::move(future);
}

}  // namespace kompact::runtime_internal
