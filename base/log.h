// Logging facade over glog (FEATURES.md L1, L2).
//
//   Logger log = Logger().WithContext("system", "kompact-1");
//   KLOG(log, INFO) << "started " << n << " workers";
//   KLOG(log, DEBUG) << "only built when enabled";   // argument not evaluated otherwise
//
// Levels: TRACE, DEBUG, INFO, WARNING, ERROR, FATAL (FATAL aborts after logging).
// A `Logger` is a cheap value (one shared_ptr) carrying a context prefix
// ("[system=kompact-1 ctype=Counter cid=...]") that is put on every line, a
// runtime minimum level, and the sink that receives records. The default sink
// writes through glog; tests install a CaptureLogSink (base/capture_log_sink.h).
//
// The library never calls google::InitGoogleLogging: that is the program's job;
// InitLogging() below is the one-line way to do it in main().
//
// `--config=silent_logging` sets a compile-time floor: statements below INFO (debug
// builds) or ERROR (-c opt) compile to nothing.
//
// Thread-safety: Logger is immutable; copies may be used from any thread. Sinks are
// called concurrently from any thread and must be thread-safe; they must not call
// back into code that may hold a lock while logging (the runtime logs while
// holding none of its own locks).
#ifndef KOMPACT_BASE_LOG_H_
#define KOMPACT_BASE_LOG_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "base/build_config.h"

namespace kompact {

// The severity of a statement, lowest first (the levels named in the file comment).
enum class LogLevel : int { kTrace = 0, kDebug = 1, kInfo = 2, kWarning = 3, kError = 4, kFatal = 5 };

// "TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "FATAL".
std::string_view LogLevelName(LogLevel level);
// Case-insensitive; accepts the names above and "warn". nullopt if unknown.
std::optional<LogLevel> ParseLogLevel(std::string_view name);

// Statements below this level are compiled out (see silent_logging above).
inline constexpr LogLevel kCompiledLogFloor =
    !kSilentLogging ? LogLevel::kTrace : (kDebugBuild ? LogLevel::kInfo : LogLevel::kError);

// One log statement, as a sink receives it. The string views are valid only
// during LogSink::Send.
struct LogRecord {
  LogLevel level;            // The statement's level.
  const char* file;          // Its source file (`__FILE__`).
  int line;                  // Its source line.
  absl::Time time;           // When the statement completed.
  std::string_view context;  // "[k=v k=v]" or empty
  std::string_view message;  // The streamed text (without the context).
};

// Receives every enabled record. Implementations must be thread-safe.
class LogSink {
 public:
  virtual ~LogSink() = default;
  // Handles one record, on the thread that logged it.
  virtual void Send(const LogRecord& record) = 0;
};

// The process-wide sink that writes through glog (severity INFO for TRACE, DEBUG
// and INFO, with the level named on the line; WARNING; ERROR; FATAL aborts).
std::shared_ptr<LogSink> GlogSink();

// For main(): initialises glog once (logging to stderr unless `to_stderr` is
// false, then to glog's files). Safe to call more than once.
void InitLogging(const char* argv0, bool to_stderr = true);

// Where log statements go: a context prefix, a runtime minimum level and a sink (see
// the file comment). Use it through KLOG.
class Logger {
 public:
  // Writes to GlogSink() at level INFO and above, with no context.
  Logger();
  // Writes to `sink` (GlogSink() if null) at `min_level` and above, with no context.
  explicit Logger(std::shared_ptr<LogSink> sink, LogLevel min_level = LogLevel::kInfo);

  // A logger whose lines also carry `key=value`.
  [[nodiscard]] Logger WithContext(std::string_view key, std::string_view value) const;
  // The same logger with another runtime minimum level.
  [[nodiscard]] Logger WithLevel(LogLevel min_level) const;
  // The same context and level, writing to another sink.
  [[nodiscard]] Logger WithSink(std::shared_ptr<LogSink> sink) const;

  // Whether statements at `level` are built (kCompiledLogFloor) and pass min_level().
  bool IsEnabled(LogLevel level) const { return level >= kCompiledLogFloor && level >= min_level_; }
  // The runtime minimum level.
  LogLevel min_level() const { return min_level_; }
  // "[k=v k=v]", or empty when no context was added.
  const std::string& context() const { return state_->context; }
  // Where records go; never null.
  const std::shared_ptr<LogSink>& sink() const { return state_->sink; }

 private:
  struct State {
    std::string context;
    std::shared_ptr<LogSink> sink;
  };
  Logger(std::shared_ptr<const State> state, LogLevel min_level)
      : state_(std::move(state)), min_level_(min_level) {}

  std::shared_ptr<const State> state_;
  LogLevel min_level_;
};

// Lets at most `per_second` events through per second (per limiter) and counts
// the rest, for log lines that can be triggered at message rate (dead letters).
// Thread-safe, lock-free.
class LogRateLimiter {
 public:
  // Allows `per_second` events in each one-second window.
  explicit LogRateLimiter(int per_second) : per_second_(per_second) {}
  // True if this event may be logged. `suppressed` receives the number of events
  // dropped since the last allowed one (so the line can mention them).
  bool Allow(int64_t* suppressed = nullptr);

 private:
  const int per_second_;
  std::atomic<int64_t> window_start_ns_{0};
  std::atomic<int> in_window_{0};
  std::atomic<int64_t> suppressed_{0};
};

namespace log_internal {

class LogMessage {
 public:
  LogMessage(const Logger& logger, LogLevel level, const char* file, int line)
      : logger_(logger), level_(level), file_(file), line_(line) {}
  LogMessage(const LogMessage&) = delete;
  LogMessage& operator=(const LogMessage&) = delete;
  ~LogMessage();
  std::ostream& stream() { return stream_; }

 private:
  const Logger& logger_;
  LogLevel level_;
  const char* file_;
  int line_;
  std::ostringstream stream_;
};

// Turns `stream << ...` into void so it fits the ?: in KLOG.
struct Voidify {
  void operator&(std::ostream&) {}
};

inline constexpr LogLevel kLevel_TRACE = LogLevel::kTrace;
inline constexpr LogLevel kLevel_DEBUG = LogLevel::kDebug;
inline constexpr LogLevel kLevel_INFO = LogLevel::kInfo;
inline constexpr LogLevel kLevel_WARNING = LogLevel::kWarning;
inline constexpr LogLevel kLevel_ERROR = LogLevel::kError;
inline constexpr LogLevel kLevel_FATAL = LogLevel::kFatal;

}  // namespace log_internal
}  // namespace kompact

// KLOG(logger, INFO) << ...;  The stream arguments are evaluated only when the
// level is enabled (compile-time floor and the logger's runtime level).
#define KLOG(logger, severity) KOMPACT_LOG_AT_(logger, ::kompact::log_internal::kLevel_##severity)

// KLOG with a LogLevel value instead of a severity name.
#define KOMPACT_LOG_AT_(logger, level)                                      \
  (!((level) >= ::kompact::kCompiledLogFloor && (logger).IsEnabled(level))) \
      ? (void)0                                                             \
      : ::kompact::log_internal::Voidify() &                                \
            ::kompact::log_internal::LogMessage((logger), (level), __FILE__, __LINE__).stream()

#endif  // KOMPACT_BASE_LOG_H_
