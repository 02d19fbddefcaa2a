#include "base/log.h"

#include <glog/logging.h>

#include <cctype>
#include <cstdlib>
#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace kompact {
namespace {

class GlogSinkImpl final : public LogSink {
 public:
  void Send(const LogRecord& record) override {
    google::LogSeverity severity = google::GLOG_INFO;
    switch (record.level) {
      case LogLevel::kTrace:
      case LogLevel::kDebug:
      case LogLevel::kInfo:
        severity = google::GLOG_INFO;
        break;
      case LogLevel::kWarning:
        severity = google::GLOG_WARNING;
        break;
      case LogLevel::kError:
        severity = google::GLOG_ERROR;
        break;
      case LogLevel::kFatal:
        severity = google::GLOG_FATAL;
        break;
    }
    google::LogMessage message(record.file, record.line, severity);
    std::ostream& out = message.stream();
    if (record.level < LogLevel::kInfo) out << LogLevelName(record.level) << ' ';
    if (!record.context.empty()) out << record.context << ' ';
    out << record.message;
  }
};

}  // namespace

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return "TRACE";
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarning:
      return "WARNING";
    case LogLevel::kError:
      return "ERROR";
    case LogLevel::kFatal:
      return "FATAL";
  }
  return "UNKNOWN";
}

std::optional<LogLevel> ParseLogLevel(std::string_view name) {
  std::string upper(name);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "WARN") return LogLevel::kWarning;
  for (LogLevel level : {LogLevel::kTrace, LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarning,
                         LogLevel::kError, LogLevel::kFatal}) {
    if (upper == LogLevelName(level)) return level;
  }
  return std::nullopt;
}

void InitLogging(const char* argv0, bool to_stderr) {
  static std::once_flag once;
  std::call_once(once, [&] {
    FLAGS_logtostderr = to_stderr;
    if (!google::IsGoogleLoggingInitialized()) google::InitGoogleLogging(argv0);
  });
}

std::shared_ptr<LogSink> GlogSink() {
  static const std::shared_ptr<LogSink>* const sink =
      new std::shared_ptr<LogSink>(std::make_shared<GlogSinkImpl>());
  return *sink;
}

Logger::Logger() : Logger(GlogSink()) {}

Logger::Logger(std::shared_ptr<LogSink> sink, LogLevel min_level)
    : state_(std::make_shared<const State>(State{"", sink ? std::move(sink) : GlogSink()})),
      min_level_(min_level) {}

Logger Logger::WithContext(std::string_view key, std::string_view value) const {
  std::string context;
  if (state_->context.empty()) {
    context.reserve(key.size() + value.size() + 3);
    context.append("[").append(key).append("=").append(value).append("]");
  } else {
    context = state_->context;
    context.pop_back();  // ']'
    context.append(" ").append(key).append("=").append(value).append("]");
  }
  return Logger(std::make_shared<const State>(State{std::move(context), state_->sink}), min_level_);
}

Logger Logger::WithLevel(LogLevel min_level) const { return Logger(state_, min_level); }

Logger Logger::WithSink(std::shared_ptr<LogSink> sink) const {
  return Logger(std::make_shared<const State>(State{state_->context, sink ? std::move(sink) : GlogSink()}),
                min_level_);
}

bool LogRateLimiter::Allow(int64_t* suppressed) {
  const int64_t now = absl::GetCurrentTimeNanos();
  int64_t start = window_start_ns_.load(std::memory_order_relaxed);
  if (now - start >= 1'000'000'000) {
    // One thread opens the next window; the others count in it.
    if (window_start_ns_.compare_exchange_strong(start, now, std::memory_order_relaxed)) {
      in_window_.store(0, std::memory_order_relaxed);
    }
  }
  if (in_window_.fetch_add(1, std::memory_order_relaxed) < per_second_) {
    const int64_t dropped = suppressed_.exchange(0, std::memory_order_relaxed);
    if (suppressed != nullptr) *suppressed = dropped;
    return true;
  }
  suppressed_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

namespace log_internal {

LogMessage::~LogMessage() {
  const std::string message = std::move(stream_).str();
  LogRecord record{level_, file_, line_, absl::Now(), logger_.context(), message};
  logger_.sink()->Send(record);
  if (level_ == LogLevel::kFatal) {
    // A custom sink does not abort by itself; FATAL always ends the process.
    std::abort();
  }
}

}  // namespace log_internal
}  // namespace kompact
