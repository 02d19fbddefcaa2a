// A LogSink that keeps every record in memory, for tests (FEATURES.md L1, Q2).
//
//   auto sink = std::make_shared<CaptureLogSink>();
//   Logger log(sink, LogLevel::kTrace);
//   ...
//   EXPECT_TRUE(sink->Contains("Hello World!"));
//   EXPECT_TRUE(sink->WaitFor("stopped", absl::Seconds(5)));  // from other threads
//
// Thread-safety: all members may be called from any thread. Lifetime: loggers hold
// the sink through a shared_ptr, so it outlives every logger that writes to it.
#ifndef KOMPACT_BASE_CAPTURE_LOG_SINK_H_
#define KOMPACT_BASE_CAPTURE_LOG_SINK_H_

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "base/log.h"

namespace kompact {

// Keeps a copy of every record it receives (see the file comment).
class CaptureLogSink final : public LogSink {
 public:
  // One received record, copied (its time is not kept).
  struct Entry {
    LogLevel level;       // The record's level.
    std::string file;     // Its source file.
    int line;             // Its source line.
    std::string context;  // "[k=v k=v]" or empty.
    std::string message;  // The logged text.
    // "context message" as one line would show it.
    std::string Line() const { return context.empty() ? message : context + " " + message; }
  };

  // If `forward_to` is set, every record is also sent there (e.g. GlogSink()).
  explicit CaptureLogSink(std::shared_ptr<LogSink> forward_to = nullptr)
      : forward_to_(std::move(forward_to)) {}

  // Keeps a copy of `record`, wakes WaitFor() and forwards `record` if asked to.
  void Send(const LogRecord& record) override;

  // A copy of the entries kept so far, oldest first.
  std::vector<Entry> Entries() const;
  // Number of entries whose Line() contains `needle`.
  size_t Count(std::string_view needle) const;
  // Whether some entry's Line() contains `needle`.
  bool Contains(std::string_view needle) const { return Count(needle) > 0; }
  // Blocks until an entry containing `needle` arrives or `timeout` passes.
  bool WaitFor(std::string_view needle, absl::Duration timeout) const;
  // Drops every entry kept so far.
  void Clear();

 private:
  size_t CountLocked(std::string_view needle) const;

  const std::shared_ptr<LogSink> forward_to_;
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  std::vector<Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kompact

#endif  // KOMPACT_BASE_CAPTURE_LOG_SINK_H_
