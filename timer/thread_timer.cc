#include "timer/thread_timer.h"

#include <pthread.h>

#include <algorithm>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "glog/logging.h"
#include "timer/internal/timer_core.h"

namespace kompact {
namespace {

// The thread never plans a sleep further than this ahead (keeps time_point
// arithmetic far from overflow for deadlines years away); waking once a day is free.
constexpr uint64_t kMaxSleepTicks = uint64_t{24} * 60 * 60 * 1000;

}  // namespace

ThreadTimer::ThreadTimer(Logger logger)
    : start_(std::chrono::steady_clock::now()),
      core_(std::make_unique<timer_internal::TimerCore>(std::move(logger))) {}

absl::StatusOr<std::unique_ptr<ThreadTimer>> ThreadTimer::Create(ThreadTimerOptions options) {
  std::unique_ptr<ThreadTimer> timer(new ThreadTimer(std::move(options.logger)));
  try {
    timer->thread_ = std::thread(&ThreadTimer::Run, timer.get(), std::move(options.thread_name));
  } catch (const std::system_error& e) {
    return absl::ResourceExhaustedError(
        absl::StrCat("ThreadTimer: cannot start the timer thread: ", e.what()));
  }
  return timer;
}

ThreadTimer::~ThreadTimer() {
  CHECK(!IsTimerThread()) << "ThreadTimer destroyed from one of its own callbacks";
  Shutdown();
}

bool ThreadTimer::IsTimerThread() const {
  return thread_id_.load(std::memory_order_acquire) == std::this_thread::get_id();
}

uint64_t ThreadTimer::NowNanos() const {
  const auto elapsed = std::chrono::steady_clock::now() - start_;
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count());
}

absl::StatusOr<TimerId> ThreadTimer::ScheduleOnce(absl::Duration delay, OnceCallback callback) {
  return core_->ScheduleOnce(NowNanos(), delay, std::move(callback));
}

absl::StatusOr<TimerId> ThreadTimer::SchedulePeriodic(absl::Duration delay, absl::Duration period,
                                                      PeriodicCallback callback) {
  return core_->SchedulePeriodic(NowNanos(), delay, period, std::move(callback));
}

void ThreadTimer::Cancel(TimerId id) { core_->Cancel(id); }

size_t ThreadTimer::pending() const { return core_->pending(); }

void ThreadTimer::Shutdown() {
  core_->Stop();
  if (IsTimerThread()) return;  // the thread cleans up after this callback
  std::lock_guard<std::mutex> lock(join_mu_);
  if (thread_.joinable()) thread_.join();
}

void ThreadTimer::Run(std::string thread_name) {
  thread_id_.store(std::this_thread::get_id(), std::memory_order_release);
  pthread_setname_np(pthread_self(), thread_name.substr(0, 15).c_str());
  const auto now_tick = [this] { return NowNanos() / timer_internal::kNanosPerTick; };
  while (true) {
    core_->ApplyCommands();
    if (core_->stop_requested()) break;
    core_->RunUntil(now_tick(), [](uint64_t) {});
    if (core_->stop_requested()) break;
    const uint64_t now = now_tick();
    std::optional<uint64_t> wake = core_->NextWakeUp();
    if (wake.has_value() && *wake <= now) continue;  // time moved on while firing
    if (wake.has_value()) *wake = std::min(*wake, now + kMaxSleepTicks);
    const auto until = start_ + std::chrono::milliseconds(wake.value_or(0));
    if (core_->Sleep(wake, until)) wake_ups_.fetch_add(1, std::memory_order_relaxed);
  }
  core_->DestroyAll();
}

}  // namespace kompact
