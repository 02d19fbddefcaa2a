// Cost of telling an actor (FEATURES.md A2; issue 7 target: Tell on a strong ref
// <= 10 ns per message single-threaded; Kompact's criterion bench: 18 ns).
//
//   tools/bazel run -c opt //bench/micro:tell_benchmark
//
// The single-thread benchmarks tell a started component on a deterministic
// system in batches of kBatch: the tells are timed, draining the mailbox (running
// the component) between batches is not — so the figure is what a sender pays.
// Kompact's bench tells a passive component instead; here the receiver is
// scheduled after the first tell of a batch (the common case of a busy receiver).
// BM_TellAndHandle times both halves on one thread. BM_TellCrossThread tells a
// component running on a worker thread and waits for each batch to be handled.
#include <cstdint>
#include <utility>

#include "bench/micro/fixtures.h"
#include "benchmark/benchmark.h"
#include "executors/future.h"
#include "runtime/actor_ref.h"

namespace kompact::bench {
namespace {

void SetCounters(benchmark::State& state, int64_t messages) {
  state.SetItemsProcessed(messages);
  state.counters["per_msg"] = benchmark::Counter(static_cast<double>(messages),
                                                 benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

template <typename Ref>
void TellBatches(benchmark::State& state, testing::DeterministicSystem& sim, const Ref& ref,
                 const Component<Counter>& counter) {
  int64_t sent = 0;
  for (auto _ : state) {
    for (int64_t i = 0; i < kBatch; ++i) ref.Tell(Msg{i});
    sent += kBatch;
    state.PauseTiming();
    sim.RunUntilIdle();
    state.ResumeTiming();
  }
  if (counter.definition().count() != sent) state.SkipWithError("messages were lost");
  SetCounters(state, sent);
}

void BM_TellWeakRef(benchmark::State& state) {
  auto sim = MakeDeterministicSystem();
  Component<Counter> counter = sim->system().Create<Counter>();
  sim->system().Start(counter);
  sim->RunUntilIdle();
  const ActorRef<Msg> ref = counter.actor_ref();
  TellBatches(state, *sim, ref, counter);
}
BENCHMARK(BM_TellWeakRef);

void BM_TellStrongRef(benchmark::State& state) {
  auto sim = MakeDeterministicSystem();
  Component<Counter> counter = sim->system().Create<Counter>();
  sim->system().Start(counter);
  sim->RunUntilIdle();
  const ActorRefStrong<Msg> ref = counter.actor_ref().Hold();
  TellBatches(state, *sim, ref, counter);
}
BENCHMARK(BM_TellStrongRef);

// Tell + dispatch + handle, all on one thread (the runtime's whole per-message
// cost without any cross-thread traffic).
void BM_TellAndHandle(benchmark::State& state) {
  auto sim = MakeDeterministicSystem();
  Component<Counter> counter = sim->system().Create<Counter>();
  sim->system().Start(counter);
  sim->RunUntilIdle();
  const ActorRefStrong<Msg> ref = counter.actor_ref().Hold();
  int64_t sent = 0;
  for (auto _ : state) {
    for (int64_t i = 0; i < kBatch; ++i) ref.Tell(Msg{i});
    sent += kBatch;
    sim->RunUntilIdle();
  }
  if (counter.definition().count() != sent) state.SkipWithError("messages were lost");
  SetCounters(state, sent);
}
BENCHMARK(BM_TellAndHandle);

// The benchmark thread tells a component on a one-worker system, kBatch * 10 at a
// time, and waits until the batch is handled (one wake-up per batch).
class BatchCounter : public ComponentDefinition<BatchCounter>, public Actor<Msg> {
 public:
  void Expect(int64_t count, Promise<void> done) {
    target_ = count;
    done_ = std::move(done);
  }
  HandlerResult ReceiveLocal(Msg) {
    if (++count_ == target_) done_.Fulfil();
    return Handled::kOk;
  }

 private:
  int64_t count_ = 0;
  int64_t target_ = -1;
  Promise<void> done_;
};

void BM_TellCrossThread(benchmark::State& state) {
  constexpr int64_t kCrossBatch = 10 * kBatch;
  KompactSystem system = MakeSystem(1);
  Component<BatchCounter> counter = system.Create<BatchCounter>();
  if (!system.StartNotify(counter).Wait().ok()) state.SkipWithError("start failed");
  const ActorRefStrong<Msg> ref = counter.actor_ref().Hold();
  int64_t sent = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto [promise, done] = MakePromise<void>();
    const int64_t target = sent + kCrossBatch;
    if (!counter
             .OnDefinition([target, p = std::move(promise)](BatchCounter& c) mutable {
               c.Expect(target, std::move(p));
             })
             .Wait()
             .ok()) {
      state.SkipWithError("OnDefinition failed");
      break;
    }
    state.ResumeTiming();
    for (int64_t i = 0; i < kCrossBatch; ++i) ref.Tell(Msg{i});
    sent += kCrossBatch;
    if (!done.WaitFor(absl::Seconds(60)).ok()) {
      state.SkipWithError("batch not handled in 60 s");
      break;
    }
  }
  SetCounters(state, sent);
  (void)system.Shutdown();
}
BENCHMARK(BM_TellCrossThread)->UseRealTime();

}  // namespace
}  // namespace kompact::bench
