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

// The simulation flags of a test run (see the flags above); unset when not given.
struct SimFlags {
  std::optional<uint64_t> seed;  // --sim_seed: run only this seed
  std::optional<int> seeds;      // --sim_seeds: how many seeds to search (> 0)
  std::string trace_file;        // --sim_trace: the trace file (empty: no trace)
};
// Reads --sim_seed, --sim_seeds and --sim_trace from `args` (e.g. the test's argv),
// else from KOMPACT_SIM_SEED / _SEEDS / _TRACE. kInvalidArgument naming the flag if
// a value is malformed (not a number, seeds <= 0, an empty trace file name).
[[nodiscard]] absl::StatusOr<SimFlags> ParseSimFlags(std::span<const std::string> args);

// What RunSeeds searches: the seeds first_seed, first_seed + 1, ... (seeds of them),
// unless `flags` says otherwise.
struct SeedSearch {
  uint64_t first_seed = 1;        // the first seed tried
  int seeds = 100;                // how many consecutive seeds (flags.seeds overrides)
  SimOptions options;             // the seed is set per run
  std::string replay_command;     // printed with flag_prefix + "--sim_seed=<seed>" appended
  std::string flag_prefix = " ";  // e.g. " --test_arg=" for a bazel test command
  SimFlags flags;                 // override seeds / seed / trace file
};

// The outcome of RunSeeds.
struct SeedSearchResult {
  int runs = 0;                          // seeds run (the failing one included)
  std::optional<uint64_t> failing_seed;  // the seed that failed, nullopt if none did
  absl::Status failure;                  // the failing seed's error
  std::string report;           // the failure, the replay command and the trace tail (empty if none failed)
  absl::Duration wall;          // wall-clock time of the search
  absl::Duration virtual_time;  // summed over runs
  uint64_t steps = 0;           // summed over runs
  std::vector<std::string> digests;  // per run, in seed order
  // True if no seed failed.
  bool ok() const { return !failing_seed.has_value(); }
};

// Runs `scenario` for each seed (or for flags.seed only) until one fails. An
// exception from the scenario is a failure too.
SeedSearchResult RunSeeds(const SeedSearch& search, absl::FunctionRef<absl::Status(Simulation&)> scenario);

}  // namespace kompact::sim

#endif  // KOMPACT_TESTING_SIM_RUN_SEEDS_H_
