// main() for kompact's Google Benchmark binaries: glog to stderr at WARNING and
// above (benchmarks must not measure logging), then the benchmarks.
#include <benchmark/benchmark.h>
#include <glog/logging.h>

int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  FLAGS_minloglevel = google::GLOG_WARNING;
  google::InitGoogleLogging(argv[0]);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
