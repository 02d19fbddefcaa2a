#include "routing/reaper.h"

#include <algorithm>
#include <mutex>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "base/status.h"

namespace kompact {
namespace {

const ConfigEntryRef kEntries[] = {
    config_keys::kReaperInitialInterval,  config_keys::kReaperMinInterval,
    config_keys::kReaperMaxInterval,      config_keys::kReaperAlgorithm,
    config_keys::kReaperAdditiveIncrease, config_keys::kReaperMultiplicativeIncrease,
    config_keys::kReaperDecreaseDivisor,
};

}  // namespace

std::span<const ConfigEntryRef> DispatchConfigEntries() { return kEntries; }

absl::StatusOr<ReaperOptions> ReaperOptions::FromConfig(const Config& config) {
  KOMPACT_RETURN_IF_ERROR(config.Validate(kEntries, "kompact.dispatch"));
  ReaperOptions o;
  KOMPACT_ASSIGN_OR_RETURN(o.initial_interval, config.Get(config_keys::kReaperInitialInterval));
  KOMPACT_ASSIGN_OR_RETURN(o.min_interval, config.Get(config_keys::kReaperMinInterval));
  KOMPACT_ASSIGN_OR_RETURN(o.max_interval, config.Get(config_keys::kReaperMaxInterval));
  // (Not ASSIGN_OR_RETURN into a std::string: GCC 12 -O2 warns maybe-uninitialized.)
  const absl::StatusOr<std::string> algorithm = config.Get(config_keys::kReaperAlgorithm);
  if (!algorithm.ok()) return algorithm.status();
  o.algorithm = *algorithm == "mimd" ? Algorithm::kMimd : Algorithm::kAimd;
  KOMPACT_ASSIGN_OR_RETURN(o.additive_increase, config.Get(config_keys::kReaperAdditiveIncrease));
  KOMPACT_ASSIGN_OR_RETURN(o.multiplicative_increase, config.Get(config_keys::kReaperMultiplicativeIncrease));
  KOMPACT_ASSIGN_OR_RETURN(o.decrease_divisor, config.Get(config_keys::kReaperDecreaseDivisor));
  if (o.min_interval > o.max_interval) {
    return absl::InvalidArgumentError(absl::StrCat(
        "key '", AsAbsl(config_keys::kReaperMinInterval.key), "' (", absl::FormatDuration(o.min_interval),
        ") must not exceed '", AsAbsl(config_keys::kReaperMaxInterval.key), "' (",
        absl::FormatDuration(o.max_interval), ")"));
  }
  if (o.initial_interval < o.min_interval || o.initial_interval > o.max_interval) {
    return absl::InvalidArgumentError(absl::StrCat(
        "key '", AsAbsl(config_keys::kReaperInitialInterval.key), "' (",
        absl::FormatDuration(o.initial_interval), ") must lie between '",
        AsAbsl(config_keys::kReaperMinInterval.key), "' and '", AsAbsl(config_keys::kReaperMaxInterval.key),
        "' (", absl::FormatDuration(o.min_interval), " to ", absl::FormatDuration(o.max_interval), ")"));
  }
  return o;
}

absl::Duration ReaperOptions::Next(absl::Duration current, size_t reaped) const {
  absl::Duration next;
  if (reaped > 0) {
    next = current / decrease_divisor;
  } else if (algorithm == Algorithm::kAimd) {
    next = current + additive_increase;
  } else {
    next = current * multiplicative_increase;
  }
  return std::clamp(next, min_interval, max_interval);
}

// Shared with the timer callback and the executor task, so neither outlives it.
struct Reaper::State : std::enable_shared_from_this<Reaper::State> {
  State(std::shared_ptr<ActorStore> s, const DispatcherContext& context, ReaperOptions o)
      : store(std::move(s)),
        timer(context.timer()),
        executor(context.executor()),
        logger(context.logger().WithContext("component", "reaper")),
        options(o),
        interval(o.initial_interval) {}

  void ScheduleLocked() {
    absl::StatusOr<TimerId> id = timer.ScheduleOnce(interval, [self = shared_from_this()](TimerId) {
      // On the timer thread: the walk over the table runs on the executor.
      (void)self->executor.Execute([self] { self->Run(); });
    });
    if (id.ok()) {
      timer_id = *id;
    } else {
      KLOG(logger, DEBUG) << "reaping not scheduled: " << id.status();
    }
  }

  void Run() {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (stopped) return;
    }
    const size_t removed = store->Reap();
    runs.fetch_add(1, std::memory_order_relaxed);
    reaped.fetch_add(removed, std::memory_order_relaxed);
    std::lock_guard<std::mutex> lock(mu);
    if (stopped) return;
    interval = options.Next(interval, removed);
    KLOG(logger, DEBUG) << "reaped " << removed << " dead entries; next run in " << interval;
    ScheduleLocked();
  }

  const std::shared_ptr<ActorStore> store;
  Timer& timer;
  Executor& executor;
  const Logger logger;
  const ReaperOptions options;

  mutable std::mutex mu;
  bool started ABSL_GUARDED_BY(mu) = false;
  bool stopped ABSL_GUARDED_BY(mu) = false;
  TimerId timer_id ABSL_GUARDED_BY(mu);
  absl::Duration interval ABSL_GUARDED_BY(mu);
  std::atomic<uint64_t> runs{0};
  std::atomic<uint64_t> reaped{0};
};

Reaper::Reaper(std::shared_ptr<ActorStore> store, const DispatcherContext& context, ReaperOptions options)
    : state_(std::make_shared<State>(std::move(store), context, options)) {}

Reaper::~Reaper() { Stop(); }

void Reaper::Start() {
  std::lock_guard<std::mutex> lock(state_->mu);
  if (state_->started || state_->stopped) return;
  state_->started = true;
  state_->ScheduleLocked();
}

void Reaper::Stop() {
  std::lock_guard<std::mutex> lock(state_->mu);
  if (state_->stopped) return;
  state_->stopped = true;
  if (state_->timer_id.value != 0) state_->timer.Cancel(state_->timer_id);
}

absl::Duration Reaper::interval() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->interval;
}

uint64_t Reaper::runs() const { return state_->runs.load(std::memory_order_relaxed); }
uint64_t Reaper::reaped() const { return state_->reaped.load(std::memory_order_relaxed); }

}  // namespace kompact
