#include "base/capture_log_sink.h"

#include <chrono>

namespace kompact {

void CaptureLogSink::Send(const LogRecord& record) {
  Entry entry{record.level, record.file, record.line, std::string(record.context),
              std::string(record.message)};
  {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.push_back(std::move(entry));
  }
  changed_.notify_all();
  if (forward_to_) forward_to_->Send(record);
}

std::vector<CaptureLogSink::Entry> CaptureLogSink::Entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_;
}

size_t CaptureLogSink::CountLocked(std::string_view needle) const {
  size_t n = 0;
  for (const Entry& e : entries_) {
    if (e.Line().find(needle) != std::string::npos) ++n;
  }
  return n;
}

size_t CaptureLogSink::Count(std::string_view needle) const {
  std::lock_guard<std::mutex> lock(mu_);
  return CountLocked(needle);
}

bool CaptureLogSink::WaitFor(std::string_view needle, absl::Duration timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] { return CountLocked(needle) > 0; });
}

void CaptureLogSink::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.clear();
}

}  // namespace kompact
