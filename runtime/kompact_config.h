// KompactConfig: builds a KompactSystem (FEATURES.md R1, R2).
//
//   absl::StatusOr<KompactSystem> system = KompactConfig()
//       .LoadConfigFile("app.toml")              // TOML; later sources override earlier
//       .Threads(4)
//       .Throughput(100)
//       .Build();
//
// Every setting is a configuration key (listed by KompactConfigEntries(); the
// table is in docs/configuration.md); the builder methods, config files and config
// strings are sources applied in call order, later ones winning. Build() validates
// all kompact.runtime.* keys up front: a bad value is an InvalidArgument naming
// the key, the value, the allowed range and where it came from (file and line);
// an unknown key under kompact.runtime is reported too (with a suggestion).
//
// Executors and timers can be replaced with factories (custom schedulers; the
// manual executor and timer of deterministic tests).
//
// Thread-safety: a builder is used by one thread. Build() may be called more than
// once (each call creates a new system), but custom executor and timer factories
// are consumed by the first Build(); later ones use the built-in executor/timer.
#ifndef KOMPACT_RUNTIME_KOMPACT_CONFIG_H_
#define KOMPACT_RUNTIME_KOMPACT_CONFIG_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "base/config.h"
#include "base/log.h"
#include "executors/executor.h"
#include "runtime/dispatcher.h"
#include "runtime/kompact_system.h"
#include "timer/timer.h"

namespace kompact {

// The configuration keys of the runtime.
namespace config_keys {
// The system label (KompactConfig::Label); see KompactSystem::label().
inline constexpr ConfigEntry<std::string> kLabel{
    .key = "kompact.runtime.label",
    .default_value = "",
    .doc = "The system label, shown on every log line. Empty: kompact-runtime-<n>, unique in the process.",
};
// Worker threads of the executor (KompactConfig::Threads; a custom ExecutorFactory gets them too).
inline constexpr ConfigEntry<int64_t> kThreads{
    .key = "kompact.runtime.threads",
    .default_value = 0,
    .doc = "Worker threads of the default executor. 0: one per processing unit.",
    .check = ConfigCheck<int64_t>::Range(0, 1024),
};
// Events per component run (KompactConfig::Throughput); see KompactSystem::throughput().
inline constexpr ConfigEntry<int64_t> kThroughput{
    .key = "kompact.runtime.throughput",
    .default_value = 50,
    .doc = "Events a component handles per scheduling before it yields (fairness vs throughput).",
    .check = ConfigCheck<int64_t>::Range(1, 1'000'000),
};
// The messages' share of a run (KompactConfig::MessagePriority); see
// KompactSystem::max_messages().
inline constexpr ConfigEntry<double> kMessagePriority{
    .key = "kompact.runtime.message-priority",
    .default_value = 0.5,
    .doc = "Share of the throughput given to actor messages before port events (0 < r < 1).",
    .check = ConfigCheck<double>::Satisfies([](const double& r) { return r > 0.0 && r < 1.0; },
                                            "must be > 0 and < 1"),
};
// The values kExecutor accepts.
inline constexpr std::string_view kExecutorKinds[] = {"work-stealing", "shared-queue"};
// The kind of the default executor (KompactConfig::UseSharedQueuePool); ignored with
// KompactConfig::SetExecutor.
inline constexpr ConfigEntry<std::string> kExecutor{
    .key = "kompact.runtime.executor",
    .default_value = "work-stealing",
    .doc = "The default executor: work-stealing (per-worker queues, stealing) or shared-queue (one queue).",
    .check = ConfigCheck<std::string>::OneOf(kExecutorKinds),
};
// The values kLogLevel accepts.
inline constexpr std::string_view kLogLevels[] = {"trace", "debug", "info", "warning", "error"};
// The level of KompactSystem::logger() and the components' loggers.
inline constexpr ConfigEntry<std::string> kLogLevel{
    .key = "kompact.runtime.log-level",
    .default_value = "info",
    .doc = "Minimum level of the system's logger.",
    .check = ConfigCheck<std::string>::OneOf(kLogLevels),
};
}  // namespace config_keys

// Every runtime configuration key (for validation and documentation).
std::span<const ConfigEntryRef> KompactConfigEntries();

// The builder of a KompactSystem (see the file comment). Each setter returns `*this`.
class KompactConfig {
 public:
  // Makes the executor; receives the configured thread count (>= 1). An error or a null
  // executor fails Build().
  using ExecutorFactory = absl::AnyInvocable<absl::StatusOr<std::unique_ptr<Executor>>(size_t threads) &&>;
  // Makes the timer. An error or a null timer fails Build().
  using TimerFactory = absl::AnyInvocable<absl::StatusOr<std::unique_ptr<Timer>>() &&>;

  // A builder with no sources (every key at its default). Movable, not copyable.
  KompactConfig();
  KompactConfig(KompactConfig&&) noexcept;
  KompactConfig& operator=(KompactConfig&&) noexcept;
  ~KompactConfig();

  // ---- configuration sources, applied in call order --------------------------------------
  // A TOML file, read by Build(): an unreadable file or bad TOML fails it (errors name `path`).
  KompactConfig& LoadConfigFile(std::string path);
  // TOML text, read by Build() (errors name `source_name`).
  KompactConfig& LoadConfigString(std::string toml, std::string source_name = "<config string>");
  // Sets `entry` to `value`: any key, the runtime's or the application's (which handlers
  // read back with config()).
  template <ConfigValueType T>
  KompactConfig& SetConfigValue(const ConfigEntry<T>& entry, const std::type_identity_t<T>& value) {
    builder_.Set(entry, value, "<KompactConfig>");
    return *this;
  }
  // Sets config_keys::kLabel.
  KompactConfig& Label(std::string label) { return SetConfigValue(config_keys::kLabel, std::move(label)); }
  // Sets config_keys::kThreads (0: one per processing unit).
  KompactConfig& Threads(int64_t threads) { return SetConfigValue(config_keys::kThreads, threads); }
  // Sets config_keys::kThroughput.
  KompactConfig& Throughput(int64_t events) { return SetConfigValue(config_keys::kThroughput, events); }
  // Sets config_keys::kMessagePriority (0 < `ratio` < 1).
  KompactConfig& MessagePriority(double ratio) {
    return SetConfigValue(config_keys::kMessagePriority, ratio);
  }
  // Kompact's channel pool instead of the work-stealing pool.
  KompactConfig& UseSharedQueuePool() {
    return SetConfigValue(config_keys::kExecutor, std::string("shared-queue"));
  }

  // ---- components of the system ---------------------------------------------------------
  // A custom executor (R5); receives the configured thread count (>= 1).
  KompactConfig& SetExecutor(ExecutorFactory factory);
  // A custom timer (e.g. ManualTimer for deterministic tests).
  KompactConfig& SetTimer(TimerFactory factory);
  // Where the system's log lines go (default: glog).
  KompactConfig& SetLogSink(std::shared_ptr<kompact::LogSink> sink);
  // The dispatcher system component (runtime/dispatcher.h; Kompact's
  // system_components). Default: the factory //routing registers (LocalDispatcher),
  // or none if //routing is not linked.
  KompactConfig& SetDispatcher(DispatcherFactory factory);

  // Validates everything and starts the system.
  [[nodiscard]] absl::StatusOr<KompactSystem> Build();

 private:
  ConfigBuilder builder_;
  ExecutorFactory executor_factory_;
  TimerFactory timer_factory_;
  DispatcherFactory dispatcher_factory_;
  std::shared_ptr<kompact::LogSink> sink_;
};

}  // namespace kompact

#endif  // KOMPACT_RUNTIME_KOMPACT_CONFIG_H_
