// main() for kompact's Google Benchmark binaries: glog to stderr at WARNING and
// above (benchmarks must not measure logging), then the benchmarks. The exit code
// is non-zero if any benchmark reported an error (state.SkipWithError: the
// correctness checks of the benchmarks use it, and their smoke tests rely on the
// exit code) or if no benchmark ran.
#include <benchmark/benchmark.h>
#include <glog/logging.h>

#include <iostream>
#include <string>
#include <vector>

namespace {

// Passes everything to the default display reporter and remembers errored runs.
class ErrorRecordingReporter : public benchmark::BenchmarkReporter {
 public:
  explicit ErrorRecordingReporter(benchmark::BenchmarkReporter* display) : display_(display) {}

  bool ReportContext(const Context& context) override { return display_->ReportContext(context); }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.error_occurred) errors_.push_back(run.benchmark_name() + ": " + run.error_message);
    }
    display_->ReportRuns(runs);
  }
  void Finalize() override { display_->Finalize(); }

  const std::vector<std::string>& errors() const { return errors_; }

 private:
  benchmark::BenchmarkReporter* display_;
  std::vector<std::string> errors_;
};

}  // namespace

int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  FLAGS_minloglevel = google::GLOG_WARNING;
  google::InitGoogleLogging(argv[0]);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  ErrorRecordingReporter reporter(benchmark::CreateDefaultDisplayReporter());
  const size_t ran = benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  if (!reporter.errors().empty()) {
    std::cerr << reporter.errors().size() << " benchmark run(s) reported an error:\n";
    for (const std::string& e : reporter.errors()) std::cerr << "  " << e << "\n";
    return 1;
  }
  if (ran == 0) {
    std::cerr << "no benchmark matched (check --benchmark_filter)\n";
    return 1;
  }
  return 0;
}
