// The suite's workload list: every workload in every style, with the parameters
// of ../shared/spec/BENCHMARKS.md (scaled by --scale), as rows for the shared
// harness (bench/harness/harness.h). Names, styles and `params` strings are the
// ones the CAF peer suite uses, so //bench:compare can pair the rows.
//
// Thread-safety: the workloads run one after another on the driver thread; they
// all use `system`, which must outlive them.
#ifndef KOMPACT_BENCH_SUITE_SUITE_H_
#define KOMPACT_BENCH_SUITE_SUITE_H_

#include <vector>

#include "bench/harness/harness.h"
#include "runtime/kompact_system.h"

namespace kompact::bench {

std::vector<Workload> SuiteWorkloads(const KompactSystem& system, const Options& options);

}  // namespace kompact::bench

#endif  // KOMPACT_BENCH_SUITE_SUITE_H_
