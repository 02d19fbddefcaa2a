// The measuring harness shared by kompact's benchmark suite (//bench:suite) and
// the CAF peer suite (//bench/peers/caf:suite), so both print the same rows and
// //bench:compare can pair them up.
//
//   int main(int argc, char** argv) {
//     return kompact::bench::RunSuite(argc, argv, "kompact", [](const Options& o) {
//       return std::vector<Workload>{
//           {"PingPong", "actor", "n=1000000", "M rt/s", [n = o.Scaled(1'000'000)] { return RunPingPong(n);
//           }},
//       };
//     });
//   }
//
// Command line (both suites):
//   --workloads=PingPong,FanIn   run only these (by name, or name/style); default all
//   --runs=N                     measured runs per workload after --warmup (default 5)
//   --warmup=N                   unmeasured runs first (default 1)
//   --scale=F                    multiply problem sizes (default 1; smoke tests use 0.01)
//   --json                       one JSON object per workload on stdout instead of a table
//   --list                       print the workloads and exit
// A progress line per run goes to stderr, so long runs never look hung.
//
// Each run returns the metric (higher is better, e.g. messages per second) or an
// error; the row reports the median, min and max of the measured runs, and the
// peak resident memory seen during the workload's runs (VmHWM, reset per workload
// through /proc/self/clear_refs where the kernel allows it).
//
// Thread-safety: RunSuite runs workloads one after another on the calling thread.
#ifndef KOMPACT_BENCH_HARNESS_HARNESS_H_
#define KOMPACT_BENCH_HARNESS_HARNESS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace kompact::bench {

struct Options {
  std::vector<std::string> workloads;  // empty: all
  int runs = 5;
  int warmup = 1;
  double scale = 1.0;
  bool json = false;
  bool list = false;

  // `n` scaled by --scale, at least `min`.
  int64_t Scaled(int64_t n, int64_t min = 1) const;
  bool Selected(const std::string& name, const std::string& style) const;
};

// Parses the flags above; kInvalidArgument naming the flag for bad input.
absl::StatusOr<Options> ParseOptions(int argc, char** argv);

struct Workload {
  std::string name;    // e.g. "ThroughputPingPong" (the MPP suite's name)
  std::string style;   // "actor", "component", "mixed"
  std::string params;  // e.g. "n=1000000 w=500 p=1" (same string in both suites)
  std::string unit;    // e.g. "M msg/s", "M rt/s", "k comp/s", "B/comp"
  // One run: returns the metric (higher is better except for memory units, whose
  // unit starts with "B/").
  std::function<absl::StatusOr<double>()> run;
};

struct Row {
  std::string framework;
  std::string name;
  std::string style;
  std::string params;
  std::string unit;
  int runs = 0;
  double median = 0;
  double min = 0;
  double max = 0;
  double peak_rss_mib = 0;
  std::string error;  // non-empty if a run failed (then the numbers are partial)
};

// Peak resident set size of this process in bytes since the last reset.
int64_t PeakRssBytes();
// Resets the peak (true if the kernel supports it).
bool ResetPeakRss();

// Warm-up and measured runs of one workload.
Row Measure(const std::string& framework, const Workload& workload, const Options& options);

std::string FormatTableHeader();
std::string FormatTableRow(const Row& row);
std::string FormatJson(const Row& row);

// Parses flags, builds the workloads with `make`, runs the selected ones and
// prints rows (table or JSON). Returns the process exit code (non-zero if a
// workload failed or the flags were bad).
int RunSuite(int argc, char** argv, const std::string& framework,
             const std::function<std::vector<Workload>(const Options&)>& make);

}  // namespace kompact::bench

#endif  // KOMPACT_BENCH_HARNESS_HARNESS_H_
