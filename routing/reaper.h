// Reaping (FEATURES.md P2): removes lookup-table entries whose component died,
// periodically with an adaptive interval (Kompact's ActorRefReaper; every interval
// is a configuration key, fixing Kompact #138).
//
// After each run the interval adapts: a run that removed entries divides it by
// `decrease-divisor` (down to `min-interval`: components are dying, look again
// soon); a run that found nothing adds `additive-increase` (aimd) or multiplies by
// `multiplicative-increase` (mimd), up to `max-interval`.
//
// Runs are scheduled on the system's timer and executed on its executor (so a
// deterministic test drives them with ManualTimer::Advance and RunUntilIdle).
//
// Thread-safety: Start/Stop and the counters from any thread.
#ifndef KOMPACT_ROUTING_REAPER_H_
#define KOMPACT_ROUTING_REAPER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/config.h"
#include "routing/actor_store.h"
#include "runtime/dispatcher.h"

namespace kompact {

namespace config_keys {
// ReaperOptions::initial_interval: the delay of the first run.
inline constexpr ConfigEntry<absl::Duration> kReaperInitialInterval{
    .key = "kompact.dispatch.reaper.initial-interval",
    .default_value = absl::Milliseconds(500),
    .doc = "Delay of the first reaping of dead lookup-table entries after the first registration.",
    .check = ConfigCheck<absl::Duration>::Range(absl::Milliseconds(1), absl::Hours(24)),
};
// ReaperOptions::min_interval: the shortest interval.
inline constexpr ConfigEntry<absl::Duration> kReaperMinInterval{
    .key = "kompact.dispatch.reaper.min-interval",
    .default_value = absl::Milliseconds(20),
    .doc = "Shortest interval between reapings (reached while components keep dying).",
    .check = ConfigCheck<absl::Duration>::Range(absl::Milliseconds(1), absl::Hours(24)),
};
// ReaperOptions::max_interval: the longest interval.
inline constexpr ConfigEntry<absl::Duration> kReaperMaxInterval{
    .key = "kompact.dispatch.reaper.max-interval",
    .default_value = absl::Seconds(5),
    .doc = "Longest interval between reapings (reached while nothing dies).",
    .check = ConfigCheck<absl::Duration>::Range(absl::Milliseconds(1), absl::Hours(24)),
};
// The values kReaperAlgorithm accepts.
inline constexpr std::string_view kReaperAlgorithms[] = {"aimd", "mimd"};
// ReaperOptions::algorithm: "aimd" (the default) or "mimd".
inline constexpr ConfigEntry<std::string> kReaperAlgorithm{
    .key = "kompact.dispatch.reaper.algorithm",
    .default_value = "aimd",
    .doc =
        "How the interval grows after a run that reaped nothing: aimd adds additive-increase, mimd "
        "multiplies by multiplicative-increase.",
    .check = ConfigCheck<std::string>::OneOf(kReaperAlgorithms),
};
// ReaperOptions::additive_increase: the aimd step after an empty run.
inline constexpr ConfigEntry<absl::Duration> kReaperAdditiveIncrease{
    .key = "kompact.dispatch.reaper.additive-increase",
    .default_value = absl::Milliseconds(500),
    .doc = "aimd: added to the interval after a run that reaped nothing.",
    .check = ConfigCheck<absl::Duration>::Range(absl::ZeroDuration(), absl::Hours(24)),
};
// ReaperOptions::multiplicative_increase: the mimd factor after an empty run.
inline constexpr ConfigEntry<double> kReaperMultiplicativeIncrease{
    .key = "kompact.dispatch.reaper.multiplicative-increase",
    .default_value = 2.0,
    .doc = "mimd: the interval is multiplied by this after a run that reaped nothing.",
    .check = ConfigCheck<double>::Range(1.0, 1000.0),
};
// ReaperOptions::decrease_divisor: divides the interval after a run that reaped.
inline constexpr ConfigEntry<double> kReaperDecreaseDivisor{
    .key = "kompact.dispatch.reaper.decrease-divisor",
    .default_value = 2.0,
    .doc = "The interval is divided by this after a run that reaped something.",
    .check = ConfigCheck<double>::Range(1.0, 1000.0),
};
}  // namespace config_keys

// Every kompact.dispatch.* key (validated by the dispatcher at system Build()).
std::span<const ConfigEntryRef> DispatchConfigEntries();

// The settings of a Reaper (the kompact.dispatch.reaper.* keys above; see the file
// comment for how the interval adapts).
struct ReaperOptions {
  // How the interval grows after a run that reaped nothing.
  enum class Algorithm {
    // Adds additive_increase ("aimd").
    kAimd,
    // Multiplies by multiplicative_increase ("mimd").
    kMimd
  };
  absl::Duration initial_interval = absl::Milliseconds(500);   // the delay of the first run
  absl::Duration min_interval = absl::Milliseconds(20);        // the interval's lower bound
  absl::Duration max_interval = absl::Seconds(5);              // the interval's upper bound
  Algorithm algorithm = Algorithm::kAimd;                      // growth after an empty run
  absl::Duration additive_increase = absl::Milliseconds(500);  // kAimd: the step
  double multiplicative_increase = 2.0;                        // kMimd: the factor (>= 1)
  double decrease_divisor = 2.0;  // divides the interval after a run that reaped (>= 1)

  // Reads and checks the kompact.dispatch.reaper.* keys: kInvalidArgument names the
  // key (unknown kompact.dispatch keys too) and min <= initial <= max is required.
  [[nodiscard]] static absl::StatusOr<ReaperOptions> FromConfig(const Config& config);
  // The interval after a run at `current` that reaped `reaped` entries.
  absl::Duration Next(absl::Duration current, size_t reaped) const;
};

// Reaps the dead entries of one ActorStore on its system's timer and executor (see
// the file comment).
class Reaper {
 public:
  // A reaper of `store` (shared with it) on the timer and executor of `context`'s
  // system; nothing runs before Start.
  Reaper(std::shared_ptr<ActorStore> store, const DispatcherContext& context, ReaperOptions options);
  ~Reaper();  // Stop()
  Reaper(const Reaper&) = delete;
  Reaper& operator=(const Reaper&) = delete;

  // Schedules the first run after the initial interval (later calls: no-op).
  void Start();
  // No run starts after this returns (one in progress finishes).
  void Stop();

  absl::Duration interval() const;  // the delay before the next run
  uint64_t runs() const;            // runs completed so far
  uint64_t reaped() const;          // entries removed by all runs

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace kompact

#endif  // KOMPACT_ROUTING_REAPER_H_
