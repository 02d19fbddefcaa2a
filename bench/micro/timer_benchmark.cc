// Timers through a component (FEATURES.md T2, T3): ScheduleOnce / CancelTimer
// called from a handler, on a 1-worker system with the production timer thread.
// (The wheel itself is measured by //timer:timer_benchmark.)
//
//   tools/bazel run -c opt //bench/micro:timer_benchmark
//
//   BM_ScheduleCancel   kBatch ScheduleOnce(60 s) + CancelTimer pairs per handler call
//   BM_Schedule         kBatch ScheduleOnce(60 s) per handler call (cancelled
//                       untimed afterwards, so they never pile up)
// A batch is one ask to the component; its round trip (a wake-up, ~1/kBatch of
// the figure) is included.
#include <cstdint>
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "bench/micro/fixtures.h"
#include "benchmark/benchmark.h"
#include "runtime/actor_ref.h"

namespace kompact::bench {
namespace {

// Request: how many timers to schedule, and whether to cancel each at once.
struct TimerBatch {
  int64_t count;
  bool cancel;
};
struct CancelAll {};
using TimerMessage = std::variant<Ask<TimerBatch, int64_t>, Ask<CancelAll, int64_t>>;

class TimerUser : public ComponentDefinition<TimerUser>, public Actor<TimerMessage> {
 public:
  HandlerResult ReceiveLocal(TimerMessage message) {
    if (auto* batch = std::get_if<Ask<TimerBatch, int64_t>>(&message)) {
      int64_t ok = 0;
      for (int64_t i = 0; i < batch->request().count; ++i) {
        absl::StatusOr<TimerId> id = ScheduleOnce(
            absl::Seconds(60), [](TimerUser&, TimerId) -> HandlerResult { return Handled::kOk; });
        if (!id.ok()) continue;
        ++ok;
        if (batch->request().cancel) {
          CancelTimer(*id);
        } else {
          pending_.push_back(*id);
        }
      }
      batch->Reply(ok);
    } else {
      auto& cancel = std::get<Ask<CancelAll, int64_t>>(message);
      for (TimerId id : pending_) CancelTimer(id);
      const int64_t n = static_cast<int64_t>(pending_.size());
      pending_.clear();
      cancel.Reply(n);
    }
    return Handled::kOk;
  }

 private:
  std::vector<TimerId> pending_;
};

void RunTimerBatches(benchmark::State& state, bool cancel) {
  KompactSystem system = MakeSystem(1);
  Component<TimerUser> user = system.Create<TimerUser>();
  if (!system.StartNotify(user).Wait().ok()) state.SkipWithError("start failed");
  const ActorRef<TimerMessage> ref = user.actor_ref();
  int64_t timers = 0;
  for (auto _ : state) {
    absl::StatusOr<int64_t> ok = ref.Ask<int64_t>(TimerBatch{kBatch, cancel}).WaitFor(absl::Seconds(60));
    if (!ok.ok() || *ok != kBatch) {
      state.SkipWithError("timers refused");
      break;
    }
    timers += kBatch;
    if (!cancel) {
      state.PauseTiming();
      (void)ref.Ask<int64_t>(CancelAll{}).WaitFor(absl::Seconds(60));
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(timers);
  state.counters["per_timer"] = benchmark::Counter(static_cast<double>(timers),
                                                   benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  (void)system.Shutdown();
}

void BM_ScheduleCancel(benchmark::State& state) { RunTimerBatches(state, /*cancel=*/true); }
BENCHMARK(BM_ScheduleCancel)->UseRealTime();

void BM_Schedule(benchmark::State& state) { RunTimerBatches(state, /*cancel=*/false); }
BENCHMARK(BM_Schedule)->UseRealTime();

}  // namespace
}  // namespace kompact::bench
