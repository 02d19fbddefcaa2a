// SimTimer: the timer of one simulated system, on the simulation's virtual clock.
#ifndef KOMPACT_TESTING_SIM_SIM_TIMER_H_
#define KOMPACT_TESTING_SIM_SIM_TIMER_H_

#include <cstdint>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "testing/sim/scheduler.h"
#include "timer/timer.h"

namespace kompact::sim {

// The timer of one simulated system. Deadlines are events of the
// simulation's Scheduler on the one virtual clock; a system's clock may run fast
// or slow (SetRate: a delay d fires after d / rate of virtual time), which is how a
// simulation skews the clocks of its systems.
//
// Same contract as every Timer (timer/timer.h): periodic deadlines measured from
// the previous scheduled deadline, Cancel idempotent, nothing runs after Shutdown.
// Unlike ThreadTimer, deadlines are exact to the nanosecond of virtual time.
//
// Thread-safety: none (the simulation's thread only). Lifetime: owned by its
// system; its pending events belong to the system's generation, so they are
// dropped when the system is killed or gone.
class SimTimer final : public Timer {
 public:
  // The timer of `system`, whose deadlines are events of `scheduler`; `rate` as in
  // SetRate.
  SimTimer(Scheduler& scheduler, SystemId system, double rate);
  ~SimTimer() override { Shutdown(); }

  [[nodiscard]] absl::StatusOr<TimerId> ScheduleOnce(absl::Duration delay, OnceCallback callback) override;
  [[nodiscard]] absl::StatusOr<TimerId> SchedulePeriodic(absl::Duration delay, absl::Duration period,
                                                         PeriodicCallback callback) override;
  void Cancel(TimerId id) override;
  void Shutdown() override;

  // From now on a delay d fires after d / rate of virtual time (rate > 0).
  void SetRate(double rate) { rate_ = rate; }
  // Timers pending: one-shot ones not yet fired, periodic ones not yet cancelled.
  size_t pending() const { return timers_.size(); }

 private:
  struct Entry {
    OnceCallback once;
    PeriodicCallback periodic;
    absl::Duration period;
  };
  SimTime Scaled(absl::Duration d) const;
  void Arm(uint64_t id, absl::Duration delay);
  void Fire(uint64_t id);

  Scheduler& scheduler_;
  const SystemId system_;
  double rate_;
  bool shut_down_ = false;
  uint64_t next_id_ = 1;
  absl::flat_hash_map<uint64_t, Entry> timers_;
};

}  // namespace kompact::sim

#endif  // KOMPACT_TESTING_SIM_SIM_TIMER_H_
