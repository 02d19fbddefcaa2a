// RunSeeds: property testing over seeds (FEATURES.md Y1). A scenario runs on a
// fresh Simulation per seed; the first failure stops the search and is reported
// with its seed, the exact command that replays it, and the last steps of its
// trace. Replaying (--sim_seed) runs that one seed, optionally writing its whole
// trace (--sim_trace).
//
//   sim::SeedSearch search;
//   search.seeds = 1000;
//   search.replay_command = "tools/bazel test //examples/net:term_election_sim_test --test_output=all";
//   search.flag_prefix = " --test_arg=";
//   ASSERT_OK_AND_ASSIGN(search.flags, sim::ParseSimFlags(::testing::internal::GetArgvs()));
//   sim::SeedSearchResult result = sim::RunSeeds(search, [](sim::Simulation& sim) -> absl::Status {...});
//   EXPECT_TRUE(result.ok()) << result.report;
//
// Flags (arguments, or the environment when absent from the arguments):
//   --sim_seed=N   (KOMPACT_SIM_SEED)   run only seed N
//   --sim_seeds=N  (KOMPACT_SIM_SEEDS)  how many seeds to search
//   --sim_trace=F  (KOMPACT_SIM_TRACE)  write every step of each run to F
// A malformed value is an error naming the flag; other arguments are ignored.
//
// Thread-safety: none (one thread). Lifetime: nothing outlives the call.
#ifndef KOMPACT_TESTING_SIM_RUN_SEEDS_H_
#define KOMPACT_TESTING_SIM_RUN_SEEDS_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "testing/sim/simulation.h"

namespace kompact::sim {

struct SimFlags {
  std::optional<uint64_t> seed;
  std::optional<int> seeds;
  std::string trace_file;
};
[[nodiscard]] absl::StatusOr<SimFlags> ParseSimFlags(std::span<const std::string> args);

struct SeedSearch {
  uint64_t first_seed = 1;
  int seeds = 100;
  SimOptions options;             // the seed is set per run
  std::string replay_command;     // printed with flag_prefix + "--sim_seed=<seed>" appended
  std::string flag_prefix = " ";  // e.g. " --test_arg=" for a bazel test command
  SimFlags flags;                 // override seeds / seed / trace file
};

struct SeedSearchResult {
  int runs = 0;
  std::optional<uint64_t> failing_seed;
  absl::Status failure;         // the failing seed's error
  std::string report;           // the failure, the replay command and the trace tail (empty if none failed)
  absl::Duration wall;          // wall-clock time of the search
  absl::Duration virtual_time;  // summed over runs
  uint64_t steps = 0;           // summed over runs
  std::vector<std::string> digests;  // per run, in seed order
  bool ok() const { return !failing_seed.has_value(); }
};

// Runs `scenario` for each seed (or for flags.seed only) until one fails. An
// exception from the scenario is a failure too.
SeedSearchResult RunSeeds(const SeedSearch& search, absl::FunctionRef<absl::Status(Simulation&)> scenario);

}  // namespace kompact::sim

#endif  // KOMPACT_TESTING_SIM_RUN_SEEDS_H_
