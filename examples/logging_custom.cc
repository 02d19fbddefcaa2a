// Custom logging: the system's log lines go to a file through a LogSink of our
// own instead of glog (the Kompact book's "Logging" chapter, "Custom Logger").
//
//   tools/bazel run //examples:logging_custom [-- /path/to/file]   (default /tmp/kompact_example.log)
#include <atomic>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/log.h"
#include "glog/logging.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"

namespace examples {

// [tutorial:sink]
// Writes each record as one line: time, level, context, message and location.
// Sinks are called from many threads at once, so writes are serialised; the
// mutex is held only while writing (never while calling back into kompact).
class FileLogSink final : public kompact::LogSink {
 public:
  static absl::StatusOr<std::shared_ptr<FileLogSink>> Open(const std::string& path) {
    auto sink = std::shared_ptr<FileLogSink>(new FileLogSink(path));
    if (!sink->file_) return absl::NotFoundError("cannot open log file " + path);
    return sink;
  }

  void Send(const kompact::LogRecord& record) override {
    std::string_view file = record.file;
    file = file.substr(file.find_last_of('/') + 1);
    std::lock_guard<std::mutex> lock(mu_);
    file_ << absl::FormatTime("%Y-%m-%d %H:%M:%E6S ", record.time, absl::LocalTimeZone())
          << kompact::LogLevelName(record.level) << ' ' << record.context << ' ' << record.message << " ("
          << file << ':' << record.line << ")\n";
    ++lines_;
  }

  uint64_t Flush() {
    std::lock_guard<std::mutex> lock(mu_);
    file_.flush();
    return lines_;
  }

 private:
  explicit FileLogSink(const std::string& path) : file_(path, std::ios::out | std::ios::trunc) {}

  std::mutex mu_;
  std::ofstream file_ ABSL_GUARDED_BY(mu_);
  uint64_t lines_ ABSL_GUARDED_BY(mu_) = 0;
};
// [end]

}  // namespace examples

// [tutorial:main]
int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  const std::string path = argc > 1 ? argv[1] : "/tmp/kompact_example.log";
  absl::StatusOr<std::shared_ptr<examples::FileLogSink>> sink = examples::FileLogSink::Open(path);
  if (!sink.ok()) {
    LOG(ERROR) << sink.status();
    return 1;
  }
  absl::StatusOr<kompact::KompactSystem> system =
      kompact::KompactConfig()
          .SetLogSink(*sink)
          .LoadConfigString("kompact.runtime.log-level = \"trace\"")
          .Build();
  if (!system.ok()) {
    LOG(ERROR) << "cannot build the system: " << system.status();
    return 1;
  }
  const kompact::Logger& log = system->logger();
  KLOG(log, TRACE) << "You will only see this with log-level \"trace\", unless built with silent_logging";
  KLOG(log, DEBUG)
      << "You will only see this with log-level \"debug\" or lower, unless built with silent_logging";
  KLOG(log, INFO) << "You will see this by default, unless built with silent_logging in an optimised build";
  KLOG(log, WARNING)
      << "You will see this by default, unless built with silent_logging in an optimised build";
  KLOG(log, ERROR) << "You will always see this";
  for (int i = 0; i < 2048; ++i) KLOG(log, INFO) << "Logging number " << i << ".";

  absl::Status shutdown = system->Shutdown();
  if (!shutdown.ok()) {
    LOG(ERROR) << shutdown;
    return 1;
  }
  std::cout << "Wrote " << (*sink)->Flush() << " log lines to " << path << std::endl;
  return 0;
}
// [end]
