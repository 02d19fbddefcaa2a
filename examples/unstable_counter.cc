// Unstable counter: a counter that faults when its 8-bit count would overflow and
// is recovered from a snapshot of its state (the Kompact book, "Fault Recovery").
// Every 2 ms it counts; every 100 ms it replaces its recovery function with one
// that restarts it from the current count. After two recoveries, the third
// generation shuts the system down.
//
//   tools/bazel run //examples:unstable_counter
#include <cstdint>
#include <limits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "glog/logging.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"
#include "runtime/supervision.h"
#include "timer/timer.h"

namespace examples {

using kompact::FaultContext;
using kompact::Handled;
using kompact::HandlerResult;
using kompact::TimerId;

constexpr absl::Duration kCountPeriod = absl::Milliseconds(2);
constexpr absl::Duration kStatePeriod = absl::Milliseconds(100);
constexpr int kLastGeneration = 3;

// [tutorial:state]
class UnstableCounter : public kompact::ComponentDefinition<UnstableCounter> {
 public:
  // A fresh counter, or one restored from a snapshot.
  UnstableCounter() = default;
  UnstableCounter(uint8_t count, int generation) : count_(count), generation_(generation) {}
  // [end]

  // [tutorial:lifecycle]
  HandlerResult OnStart() override {
    KLOG(log(), INFO) << "Generation " << generation_ << " starts counting at " << int{count_};
    if (generation_ == kLastGeneration) {
      KLOG(log(), INFO) << "Recovered " << generation_ - 1 << " times; shutting down";
      system().ShutdownAsync();
      return Handled::kOk;
    }
    absl::StatusOr<TimerId> count_timeout =
        SchedulePeriodic(kCountPeriod, kCountPeriod,
                         [](UnstableCounter& self, TimerId id) { return self.HandleCountTimeout(id); });
    if (!count_timeout.ok()) return count_timeout.status();
    count_timeout_ = *count_timeout;
    absl::StatusOr<TimerId> state_timeout =
        SchedulePeriodic(kStatePeriod, kStatePeriod,
                         [](UnstableCounter& self, TimerId id) { return self.HandleStateTimeout(id); });
    if (!state_timeout.ok()) return state_timeout.status();
    state_timeout_ = *state_timeout;
    SaveRecoveryState();
    return Handled::kOk;
  }

  HandlerResult OnStop() override {
    CancelTimer(count_timeout_);
    CancelTimer(state_timeout_);
    return Handled::kOk;
  }

  HandlerResult OnKill() override { return OnStop(); }
  // [end]

 private:
  // [tutorial:timeouts]
  HandlerResult HandleCountTimeout(TimerId) {
    KLOG(log(), INFO) << "Incrementing count of " << int{count_};
    if (count_ == std::numeric_limits<uint8_t>::max()) {
      // A fault: the component becomes faulty and its recovery function runs.
      return HandlerResult::Recoverable(absl::OutOfRangeError("Count overflowed!"));
    }
    ++count_;
    return Handled::kOk;
  }

  HandlerResult HandleStateTimeout(TimerId) {
    SaveRecoveryState();
    return Handled::kOk;
  }

  // A recovery function remembering this moment: on a fault, the supervisor
  // starts a new counter from here.
  void SaveRecoveryState() {
    KLOG(log(), INFO) << "Saving recovery state with count of " << int{count_};
    SetRecoveryFunction([count = count_, generation = generation_](FaultContext fault) {
      return std::move(fault).RecoverWith([count, generation](FaultContext fault,
                                                              kompact::KompactSystem& system,
                                                              const kompact::Logger& log) {
        KLOG(log, WARNING) << "Recovering UnstableCounter from \"" << fault.fault().message()
                           << "\" based on last state count=" << int{count};
        kompact::Component<UnstableCounter> counter = system.Create<UnstableCounter>(count, generation + 1);
        system.Start(counter);
      });
    });
  }
  // [end]

  // [tutorial:state]
  uint8_t count_ = 0;
  int generation_ = 1;
  TimerId count_timeout_;
  TimerId state_timeout_;
};
// [end]

}  // namespace examples

// [tutorial:main]
int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  absl::StatusOr<kompact::KompactSystem> system = kompact::KompactConfig().Build();
  if (!system.ok()) {
    LOG(ERROR) << "cannot build the system: " << system.status();
    return 1;
  }
  // No handle kept: once started, the supervisor owns the counter (and, after a
  // fault, lets the faulty one go).
  system->Start(system->Create<examples::UnstableCounter>());
  system->AwaitTermination();
  LOG(INFO) << "Shut down";
  return 0;
}
// [end]
