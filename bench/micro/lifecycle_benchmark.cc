// Cost of a component's life (FEATURES.md C6, R3): creation, start, kill.
//
//   tools/bazel run -c opt //bench/micro:lifecycle_benchmark
//
//   BM_CreateDestroyPassive  Create<C>() and drop the handle (never started: the
//                            definition is destroyed with the last reference)
//   BM_CreateStartKill       Create, Start, Kill, each handled, on one thread
//                            (deterministic system; includes the supervisor's
//                            bookkeeping messages)
//   BM_CreateStartKillPool   the same for kBatch components at a time on a
//                            2-worker system, waiting for every Kill to complete
#include <cstdint>
#include <vector>

#include "absl/time/time.h"
#include "bench/micro/fixtures.h"
#include "benchmark/benchmark.h"

namespace kompact::bench {
namespace {

class Plain : public ComponentDefinition<Plain> {};

void SetCounters(benchmark::State& state, int64_t components) {
  state.SetItemsProcessed(components);
  state.counters["per_component"] = benchmark::Counter(
      static_cast<double>(components), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_CreateDestroyPassive(benchmark::State& state) {
  auto sim = MakeDeterministicSystem();
  for (auto _ : state) {
    Component<Plain> c = sim->system().Create<Plain>();
    benchmark::DoNotOptimize(c.core());
  }
  SetCounters(state, state.iterations());
}
BENCHMARK(BM_CreateDestroyPassive);

void BM_CreateStartKill(benchmark::State& state) {
  auto sim = MakeDeterministicSystem();
  KompactSystem& system = sim->system();
  for (auto _ : state) {
    Component<Plain> c = system.Create<Plain>();
    system.Start(c);
    sim->RunUntilIdle();
    system.Kill(c);
    sim->RunUntilIdle();
    if (!c.IsDestroyed()) state.SkipWithError("not destroyed after Kill");
  }
  SetCounters(state, state.iterations());
}
BENCHMARK(BM_CreateStartKill);

void BM_CreateStartKillPool(benchmark::State& state) {
  KompactSystem system = MakeSystem(2);
  std::vector<Component<Plain>> components;
  std::vector<Future<void>> killed;
  components.reserve(kBatch);
  killed.reserve(kBatch);
  for (auto _ : state) {
    for (int64_t i = 0; i < kBatch; ++i) {
      components.push_back(system.Create<Plain>());
      system.Start(components.back());
    }
    for (const auto& c : components) killed.push_back(system.KillNotify(c));
    for (auto& f : killed) {
      if (!f.WaitFor(absl::Seconds(60)).ok()) state.SkipWithError("kill did not complete");
    }
    components.clear();
    killed.clear();
  }
  SetCounters(state, state.iterations() * kBatch);
  (void)system.Shutdown();
}
BENCHMARK(BM_CreateStartKillPool)->UseRealTime();

}  // namespace
}  // namespace kompact::bench
