// State of a component that most components never need, allocated on first use so
// an idle component stays small (FEATURES.md target: <= 256 bytes each).
//
// Thread-safety: `recovery` is guarded by recovery_mu (any thread may replace it);
// everything else is touched only on the component's own thread.
#ifndef KOMPACT_RUNTIME_INTERNAL_COMPONENT_EXTRAS_H_
#define KOMPACT_RUNTIME_INTERNAL_COMPONENT_EXTRAS_H_

#include <mutex>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "base/log.h"
#include "runtime/component_core.h"
#include "timer/timer.h"

namespace kompact::runtime_internal {

struct ComponentExtras {
  struct TimerEntry {
    ComponentCore::TimerCallback callback;
    bool periodic = false;
  };

  std::optional<Logger> logger;
  absl::flat_hash_map<TimerId, TimerEntry> timers;
  // Timer expiries taken from the timer stack but not yet handled (budget ran out),
  // oldest first, linked through `next`.
  QueueNode* pending_timers = nullptr;

  std::mutex recovery_mu;
  std::optional<RecoveryFunction> recovery;  // guarded by recovery_mu
};

}  // namespace kompact::runtime_internal

#endif  // KOMPACT_RUNTIME_INTERNAL_COMPONENT_EXTRAS_H_
