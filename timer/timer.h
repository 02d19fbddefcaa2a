// The timer interface (FEATURES.md T1-T5) that ThreadTimer and ManualTimer implement.
//
// The timer never sees components: callbacks are plain invocables that must be
// short and non-blocking (the runtime's callback only enqueues a timeout event into
// a component, whose own thread then runs the user's handler). A periodic callback
// returns kCancel to stop itself (the runtime does this when the component died).
//
// Thread-safety: every member may be called from any thread, including from inside
// a callback. Callbacks run on the timer's own thread (ThreadTimer) or on the thread
// calling ManualTimer::Advance, one at a time, in deadline order.
//
// Lifetime: the timer owns the callbacks until they fire for the last time, are
// cancelled, or the timer shuts down (then they are destroyed without running).
#ifndef KOMPACT_TIMER_TIMER_H_
#define KOMPACT_TIMER_TIMER_H_

#include <cstdint>
#include <ostream>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace kompact {

// Identifies one scheduled timer within its Timer; never 0. The built-in timers
// encode a pool slot and a per-slot generation (24 + 39 bits), so Cancel finds the
// timer in O(1) without a map; an id could only match a later timer after that slot
// has been reused 2^39 times.
struct TimerId {
  uint64_t value = 0;  // the encoded id (0: no timer)

  // Equal ids name the same timer:
  friend bool operator==(TimerId a, TimerId b) { return a.value == b.value; }
  friend bool operator!=(TimerId a, TimerId b) { return a.value != b.value; }
  // Hashes the id (absl::Hash, so a TimerId can key an absl hash container).
  template <typename H>
  friend H AbslHashValue(H h, TimerId id) {
    return H::combine(std::move(h), id.value);
  }
  // Prints `timer#<value>`.
  friend std::ostream& operator<<(std::ostream& os, TimerId id) { return os << "timer#" << id.value; }
};

// What a periodic callback returns: whether the timer goes on firing.
enum class TimerReturn : uint8_t {
  kReschedule,  // periodic: keep firing
  kCancel,      // stop: the timer is removed, the callback destroyed
};

// The timer interface (see the file comment for callbacks, threads and lifetime).
class Timer {
 public:
  // A one-shot callback: called once with its timer's id, then destroyed.
  using OnceCallback = absl::AnyInvocable<void(TimerId) &&>;
  // A periodic callback: called with its timer's id at every deadline; its return
  // value says whether the timer goes on.
  using PeriodicCallback = absl::AnyInvocable<TimerReturn(TimerId)>;

  virtual ~Timer() = default;

  // Calls `callback` once after `delay` (zero: at the next tick, i.e. immediately).
  // Errors: kInvalidArgument for a negative or infinite delay; kFailedPrecondition
  // after Shutdown.
  [[nodiscard]] virtual absl::StatusOr<TimerId> ScheduleOnce(absl::Duration delay, OnceCallback callback) = 0;

  // Calls `callback` after `delay` and then every `period`, each deadline measured
  // from the previous *scheduled* deadline (no drift), until it returns kCancel or is
  // cancelled. Errors: kInvalidArgument for a negative/infinite delay or a zero,
  // negative or infinite period; kFailedPrecondition after Shutdown.
  [[nodiscard]] virtual absl::StatusOr<TimerId> SchedulePeriodic(absl::Duration delay, absl::Duration period,
                                                                 PeriodicCallback callback) = 0;

  // Cancels the timer. Idempotent; unknown, fired or already-cancelled ids are
  // ignored. A callback that is running while Cancel is called completes; once
  // Cancel has returned the callback does not start (again).
  virtual void Cancel(TimerId id) = 0;

  // Stops the timer: pending callbacks are destroyed without running, later
  // schedules fail. Idempotent. Joins the timer thread; from a callback it cannot,
  // so it returns at once and the callbacks still pending are destroyed right after
  // the running one returns.
  virtual void Shutdown() = 0;
};

}  // namespace kompact

#endif  // KOMPACT_TIMER_TIMER_H_
