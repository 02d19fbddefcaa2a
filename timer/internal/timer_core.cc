#include "timer/internal/timer_core.h"

#include <algorithm>
#include <bit>
#include <exception>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"
#include "base/log.h"
#include "glog/logging.h"

namespace kompact::timer_internal {
namespace {

constexpr uint64_t kGenerationMask = (uint64_t{1} << (63 - TimerCore::kIndexBits)) - 1;

uint64_t ToNanos(absl::Duration d) { return static_cast<uint64_t>(absl::ToInt64Nanoseconds(d)); }

uint64_t SaturatingAdd(uint64_t a, uint64_t b) { return b > UINT64_MAX - a ? UINT64_MAX : a + b; }

}  // namespace

absl::Status ValidateDelay(std::string_view what, absl::Duration delay) {
  if (delay < absl::ZeroDuration() || delay == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat(AsAbsl(what), ": delay must be finite and >= 0, got ", absl::FormatDuration(delay)));
  }
  return absl::OkStatus();
}

absl::Status ValidatePeriod(std::string_view what, absl::Duration period) {
  if (period <= absl::ZeroDuration() || period == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat(AsAbsl(what), ": period must be finite and > 0, got ", absl::FormatDuration(period)));
  }
  return absl::OkStatus();
}

TimerCore::TimerCore(Logger logger) : logger_(std::move(logger)) {}

TimerCore::~TimerCore() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
  }
  stop_requested_.store(true, std::memory_order_release);
  DestroyAll();
  for (int chunk = 0; chunk < kChunks; ++chunk) delete[] chunks_[chunk].load(std::memory_order_relaxed);
}

// Chunk 0 holds indices [0, 1024); chunk k >= 1 holds [2^(k+9), 2^(k+10)), so the
// pool doubles as it grows and an index maps to its chunk with one bit_width.
TimerNode* TimerCore::Lookup(uint32_t index) const {
  if (index >= kMaxTimers) return nullptr;
  const int width = std::bit_width(index);
  const int chunk = width <= kFirstChunkBits ? 0 : width - kFirstChunkBits;
  const uint32_t first = chunk == 0 ? 0 : uint32_t{1} << (width - 1);
  TimerNode* nodes = chunks_[chunk].load(std::memory_order_acquire);
  return nodes == nullptr ? nullptr : &nodes[index - first];
}

TimerNode* TimerCore::AllocateLocked() {
  if (free_head_ == nullptr) {
    if (capacity_ >= kMaxTimers) return nullptr;
    const int chunk = capacity_ == 0 ? 0 : std::bit_width(capacity_) - kFirstChunkBits;
    const uint32_t size = chunk == 0 ? uint32_t{1} << kFirstChunkBits : capacity_;
    TimerNode* nodes = new TimerNode[size];
    for (uint32_t i = 0; i < size; ++i) {
      nodes[i].index = capacity_ + i;
      nodes[i].next_free = i + 1 < size ? &nodes[i + 1] : nullptr;
    }
    chunks_[chunk].store(nodes, std::memory_order_release);
    free_head_ = nodes;
    capacity_ += size;
  }
  TimerNode* node = free_head_;
  free_head_ = node->next_free;
  node->next_free = nullptr;
  return node;
}

void TimerCore::WakeIfNeededLocked(uint64_t tick, bool* wake) {
  if (driver_sleeping_ &&
      (tick < driver_wake_tick_ || queued_schedules_.size() + queued_cancels_.size() >= kWakeBatch)) {
    driver_sleeping_ = false;
    *wake = true;
  }
}

TimerId TimerCore::QueueLocked(TimerNode* node, uint64_t tick, bool* wake) {
  node->generation = (node->generation + 1) & kGenerationMask;
  if (node->generation == 0) node->generation = 1;
  const uint64_t id = (node->generation << kIndexBits) | node->index;
  node->deadline = tick;
  node->state.store(id, std::memory_order_release);
  queued_schedules_.push_back(node);
  has_commands_.store(true, std::memory_order_release);
  live_.fetch_add(1, std::memory_order_acq_rel);
  WakeIfNeededLocked(tick, wake);
  return TimerId{id};
}

absl::StatusOr<TimerId> TimerCore::ScheduleOnce(uint64_t now_ns, absl::Duration delay,
                                                Timer::OnceCallback callback) {
  if (absl::Status s = ValidateDelay("ScheduleOnce", delay); !s.ok()) return s;
  if (!callback) return absl::InvalidArgumentError("ScheduleOnce: the callback is empty");
  const uint64_t deadline_ns = SaturatingAdd(now_ns, ToNanos(delay));
  const uint64_t tick = delay == absl::ZeroDuration() ? 0 : TickAtOrAfter(deadline_ns);
  bool wake = false;
  TimerId id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return absl::FailedPreconditionError("ScheduleOnce: the timer is shut down");
    TimerNode* node = AllocateLocked();
    if (node == nullptr) {
      return absl::ResourceExhaustedError(
          absl::StrCat("ScheduleOnce: more than ", kMaxTimers, " timers pending"));
    }
    node->deadline_ns = deadline_ns;
    node->period_ns = 0;
    ::new (static_cast<void*>(&node->once)) Timer::OnceCallback(std::move(callback));
    id = QueueLocked(node, tick, &wake);
  }
  if (wake) wake_cv_.notify_one();
  return id;
}

absl::StatusOr<TimerId> TimerCore::SchedulePeriodic(uint64_t now_ns, absl::Duration delay,
                                                    absl::Duration period, Timer::PeriodicCallback callback) {
  if (absl::Status s = ValidateDelay("SchedulePeriodic", delay); !s.ok()) return s;
  if (absl::Status s = ValidatePeriod("SchedulePeriodic", period); !s.ok()) return s;
  if (!callback) return absl::InvalidArgumentError("SchedulePeriodic: the callback is empty");
  const uint64_t deadline_ns = SaturatingAdd(now_ns, ToNanos(delay));
  const uint64_t tick = delay == absl::ZeroDuration() ? 0 : TickAtOrAfter(deadline_ns);
  // Durations below 1 ns truncate to 0; a period must move the deadline forward.
  const uint64_t period_ns = std::max<uint64_t>(ToNanos(period), 1);
  bool wake = false;
  TimerId id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return absl::FailedPreconditionError("SchedulePeriodic: the timer is shut down");
    TimerNode* node = AllocateLocked();
    if (node == nullptr) {
      return absl::ResourceExhaustedError(
          absl::StrCat("SchedulePeriodic: more than ", kMaxTimers, " timers pending"));
    }
    node->deadline_ns = deadline_ns;
    node->period_ns = period_ns;
    ::new (static_cast<void*>(&node->periodic)) Timer::PeriodicCallback(std::move(callback));
    id = QueueLocked(node, tick, &wake);
  }
  if (wake) wake_cv_.notify_one();
  return id;
}

void TimerCore::Cancel(TimerId id) {
  if ((id.value & kCancelledBit) != 0) return;
  TimerNode* node = Lookup(static_cast<uint32_t>(id.value & (kMaxTimers - 1)));
  if (node == nullptr) return;
  uint64_t expected = id.value;
  if (!node->state.compare_exchange_strong(expected, id.value | kCancelledBit, std::memory_order_acq_rel)) {
    return;  // unknown, fired, finished or already cancelled
  }
  live_.fetch_sub(1, std::memory_order_acq_rel);
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;  // DestroyAll frees the node
    queued_cancels_.push_back(id.value);
    has_commands_.store(true, std::memory_order_release);
    WakeIfNeededLocked(UINT64_MAX, &wake);
  }
  if (wake) wake_cv_.notify_one();
}

bool TimerCore::Stop() {
  bool first;
  {
    std::lock_guard<std::mutex> lock(mu_);
    first = !stopped_;
    stopped_ = true;
    stop_requested_.store(true, std::memory_order_release);
    driver_sleeping_ = false;
  }
  wake_cv_.notify_all();
  return first;
}

void TimerCore::ApplyCommands() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    applying_schedules_.swap(queued_schedules_);
    applying_cancels_.swap(queued_cancels_);
    has_commands_.store(false, std::memory_order_relaxed);
    if (freed_head_ != nullptr) {
      freed_tail_->next_free = free_head_;
      free_head_ = freed_head_;
      freed_head_ = freed_tail_ = nullptr;
    }
  }
  for (TimerNode* node : applying_schedules_) {
    if ((node->state.load(std::memory_order_acquire) & kCancelledBit) != 0) {
      Free(node);  // cancelled before it reached the wheel
    } else {
      wheel_.Insert(node);
    }
  }
  applying_schedules_.clear();
  for (uint64_t id : applying_cancels_) {
    TimerNode* node = Lookup(static_cast<uint32_t>(id & (kMaxTimers - 1)));
    // Only if the node still holds this very cancelled timer: it may have finished
    // (state 0) or been reused (another id) since.
    if (node != nullptr && node->state.load(std::memory_order_acquire) == (id | kCancelledBit) &&
        node->linked()) {
      wheel_.Remove(node);
      Free(node);
    }
  }
  applying_cancels_.clear();
}

void TimerCore::Free(TimerNode* node) {
  if (node->period_ns == 0) {
    std::destroy_at(&node->once);
  } else {
    std::destroy_at(&node->periodic);
  }
  node->state.store(0, std::memory_order_release);
  node->next_free = nullptr;
  if (freed_tail_ == nullptr) {
    freed_head_ = node;
  } else {
    freed_tail_->next_free = node;
  }
  freed_tail_ = node;
}

void TimerCore::Finish(TimerNode* node) {
  uint64_t state = node->state.load(std::memory_order_acquire);
  if ((state & kCancelledBit) == 0 &&
      node->state.compare_exchange_strong(state, 0, std::memory_order_acq_rel)) {
    live_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

void TimerCore::Fire(TimerNode* node) {
  uint64_t state = node->state.load(std::memory_order_acquire);
  const TimerId id{state & ~kCancelledBit};
  if ((state & kCancelledBit) != 0) {
    Free(node);
    return;
  }
  if (node->period_ns == 0) {
    // Claim it: from here a concurrent Cancel finds nothing to cancel.
    if (!node->state.compare_exchange_strong(state, 0, std::memory_order_acq_rel)) {
      Free(node);  // Cancel won
      return;
    }
    live_.fetch_sub(1, std::memory_order_acq_rel);
    try {
      std::move(node->once)(id);
    } catch (...) {
      LogCallbackException(id);
    }
    Free(node);
    return;
  }
  TimerReturn result;
  try {
    result = node->periodic(id);
  } catch (...) {
    LogCallbackException(id);
    result = TimerReturn::kCancel;  // a periodic callback that threw is not run again
  }
  if (result == TimerReturn::kCancel) {
    Finish(node);
    Free(node);
    return;
  }
  if ((node->state.load(std::memory_order_acquire) & kCancelledBit) != 0) {
    Free(node);  // cancelled while running (possibly by itself)
    return;
  }
  // No drift: the next deadline is measured from the scheduled one. A deadline
  // already past (the driver fell behind) is due at once: missed periods catch up.
  node->deadline_ns = SaturatingAdd(node->deadline_ns, node->period_ns);
  node->deadline = TickAtOrAfter(node->deadline_ns);
  wheel_.Insert(node);
}

void TimerCore::LogCallbackException(TimerId id) {
  std::string what = "unknown exception";
  try {
    throw;
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  KLOG(logger_, ERROR) << "callback of " << id << " threw (" << what << "); timer stopped";
}

void TimerCore::RunUntil(uint64_t to, absl::FunctionRef<void(uint64_t)> on_tick) {
  while (!stop_requested()) {
    WheelEntry* entry = wheel_.PopDue();
    if (entry == nullptr) {
      if (!wheel_.Step(to)) return;
      on_tick(wheel_.now());
      continue;
    }
    Fire(static_cast<TimerNode*>(entry));
    if (has_commands_.load(std::memory_order_acquire)) ApplyCommands();
  }
}

bool TimerCore::Sleep(std::optional<uint64_t> wake_tick, std::chrono::steady_clock::time_point until) {
  std::unique_lock<std::mutex> lock(mu_);
  // Hand freed nodes back before a possibly long sleep.
  if (freed_head_ != nullptr) {
    freed_tail_->next_free = free_head_;
    free_head_ = freed_head_;
    freed_head_ = freed_tail_ = nullptr;
  }
  if (stopped_ || !queued_schedules_.empty() || !queued_cancels_.empty()) return false;
  driver_sleeping_ = true;
  driver_wake_tick_ = wake_tick.value_or(UINT64_MAX);
  if (wake_tick.has_value()) {
    wake_cv_.wait_until(lock, until);
  } else {
    wake_cv_.wait(lock);
  }
  driver_sleeping_ = false;
  return true;
}

void TimerCore::DestroyAll() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    DCHECK(stopped_);
    applying_schedules_.swap(queued_schedules_);
    queued_cancels_.clear();
    has_commands_.store(false, std::memory_order_relaxed);
  }
  // Callbacks may run code that calls back into the timer (Cancel, Schedule); no
  // lock is held here and both calls see the timer stopped.
  for (TimerNode* node : applying_schedules_) {
    Finish(node);
    Free(node);
  }
  applying_schedules_.clear();
  while (WheelEntry* entry = wheel_.PopAny()) {
    TimerNode* node = static_cast<TimerNode*>(entry);
    Finish(node);
    Free(node);
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (freed_head_ != nullptr) {
    freed_tail_->next_free = free_head_;
    free_head_ = freed_head_;
    freed_head_ = freed_tail_ = nullptr;
  }
}

}  // namespace kompact::timer_internal
