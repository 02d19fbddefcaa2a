#include "runtime/kompact_config.h"

#include <atomic>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "executors/pool_options.h"
#include "executors/shared_queue_pool.h"
#include "executors/work_stealing_pool.h"
#include "runtime/internal/system_core.h"
#include "timer/thread_timer.h"

namespace kompact {
namespace {

const ConfigEntryRef kEntries[] = {
    config_keys::kLabel,           config_keys::kThreads,  config_keys::kThroughput,
    config_keys::kMessagePriority, config_keys::kExecutor, config_keys::kLogLevel,
};

std::string NextDefaultLabel() {
  static std::atomic<int> counter{0};
  return absl::StrCat("kompact-runtime-", counter.fetch_add(1, std::memory_order_relaxed) + 1);
}

}  // namespace

std::span<const ConfigEntryRef> KompactConfigEntries() { return kEntries; }

KompactConfig::KompactConfig() = default;
KompactConfig::KompactConfig(KompactConfig&&) noexcept = default;
KompactConfig& KompactConfig::operator=(KompactConfig&&) noexcept = default;
KompactConfig::~KompactConfig() = default;

KompactConfig& KompactConfig::LoadConfigFile(std::string path) {
  builder_.AddFile(std::move(path));
  return *this;
}

KompactConfig& KompactConfig::LoadConfigString(std::string toml, std::string source_name) {
  builder_.AddString(std::move(toml), std::move(source_name));
  return *this;
}

KompactConfig& KompactConfig::SetExecutor(ExecutorFactory factory) {
  executor_factory_ = std::move(factory);
  return *this;
}

KompactConfig& KompactConfig::SetTimer(TimerFactory factory) {
  timer_factory_ = std::move(factory);
  return *this;
}

KompactConfig& KompactConfig::SetDispatcher(DispatcherFactory factory) {
  dispatcher_factory_ = std::move(factory);
  return *this;
}

KompactConfig& KompactConfig::SetLogSink(std::shared_ptr<kompact::LogSink> sink) {
  sink_ = std::move(sink);
  return *this;
}

absl::StatusOr<KompactSystem> KompactConfig::Build() {
  KOMPACT_ASSIGN_OR_RETURN(Config config, builder_.Build());
  KOMPACT_RETURN_IF_ERROR(KOMPACT_ANNOTATE(config.Validate(kEntries, "kompact.runtime"), "KompactConfig"));

  runtime_internal::SystemSettings settings;
  KOMPACT_ASSIGN_OR_RETURN(settings.label, config.Get(config_keys::kLabel));
  if (settings.label.empty()) settings.label = NextDefaultLabel();
  KOMPACT_ASSIGN_OR_RETURN(int64_t threads, config.Get(config_keys::kThreads));
  settings.threads =
      threads == 0 ? static_cast<uint32_t>(DefaultThreadCount()) : static_cast<uint32_t>(threads);
  KOMPACT_ASSIGN_OR_RETURN(int64_t throughput, config.Get(config_keys::kThroughput));
  settings.throughput = static_cast<uint32_t>(throughput);
  KOMPACT_ASSIGN_OR_RETURN(settings.message_priority, config.Get(config_keys::kMessagePriority));
  KOMPACT_ASSIGN_OR_RETURN(std::string executor_kind, config.Get(config_keys::kExecutor));
  KOMPACT_ASSIGN_OR_RETURN(std::string level_name, config.Get(config_keys::kLogLevel));
  const LogLevel level = ParseLogLevel(level_name).value_or(LogLevel::kInfo);

  Logger logger = Logger(sink_, level).WithContext("system", settings.label);

  std::unique_ptr<kompact::Executor> executor;
  if (executor_factory_) {
    KOMPACT_ASSIGN_OR_RETURN(executor, std::move(executor_factory_)(settings.threads));
    if (executor == nullptr)
      return absl::InvalidArgumentError("KompactConfig: the executor factory returned null");
  } else {
    PoolOptions options;
    options.threads = settings.threads;
    options.thread_name_prefix = "kompact";
    options.logger = logger;
    if (executor_kind == "shared-queue") {
      KOMPACT_ASSIGN_OR_RETURN(executor, SharedQueuePool::Create(options));
    } else {
      KOMPACT_ASSIGN_OR_RETURN(executor, WorkStealingPool::Create(options));
    }
  }

  std::unique_ptr<kompact::Timer> timer;
  if (timer_factory_) {
    KOMPACT_ASSIGN_OR_RETURN(timer, std::move(timer_factory_)());
    if (timer == nullptr) return absl::InvalidArgumentError("KompactConfig: the timer factory returned null");
  } else {
    ThreadTimerOptions options;
    options.logger = logger;
    KOMPACT_ASSIGN_OR_RETURN(timer, ThreadTimer::Create(options));
  }

  auto* core = new runtime_internal::SystemCore(std::move(settings), std::move(config), std::move(logger),
                                                std::move(executor), std::move(timer));
  KompactSystem system(core);
  absl::Status started = core->StartSystemComponents();
  if (!started.ok()) {
    (void)core->Kill();
    return started;
  }
  // The dispatcher (paths): the configured factory, else the registered default.
  absl::StatusOr<std::unique_ptr<Dispatcher>> dispatcher = std::unique_ptr<Dispatcher>();
  const bool custom_dispatcher = static_cast<bool>(dispatcher_factory_);
  if (custom_dispatcher) {
    dispatcher = std::move(dispatcher_factory_)(DispatcherContext(core));
  } else if (DefaultDispatcherFactoryFn factory = GetDefaultDispatcherFactory()) {
    dispatcher = factory(DispatcherContext(core));
  }
  if (dispatcher.ok() && *dispatcher == nullptr && custom_dispatcher) {
    dispatcher = absl::InvalidArgumentError("KompactConfig: the dispatcher factory returned null");
  }
  if (!dispatcher.ok()) {
    (void)core->Kill();
    return dispatcher.status();
  }
  if (*dispatcher != nullptr) core->InstallDispatcher(*std::move(dispatcher));
  return system;
}

}  // namespace kompact
