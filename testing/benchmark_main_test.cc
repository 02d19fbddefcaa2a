// Input of benchmark_main_test.sh: one benchmark that passes and one that reports
// an error (the way kompact's benchmarks report a failed correctness check).
#include <benchmark/benchmark.h>

namespace {

void BM_Passes(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(state.iterations());
}
BENCHMARK(BM_Passes);

void BM_LosesAMessage(benchmark::State& state) {
  for (auto _ : state) {
  }
  state.SkipWithError("expected 10 replies, got 9");
}
BENCHMARK(BM_LosesAMessage);

}  // namespace
