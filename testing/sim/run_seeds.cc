#include "testing/sim/run_seeds.h"

#include <cstdlib>
#include <exception>
#include <fstream>
#include <memory>
#include <string_view>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"

namespace kompact::sim {
namespace {

// The value of --name=V in args, else of the environment variable, else nullopt.
std::optional<std::string> FlagValue(std::span<const std::string> args, std::string_view name,
                                     const char* env) {
  const std::string prefix = absl::StrCat("--", AsAbsl(name), "=");
  for (const std::string& arg : args) {
    if (arg.rfind(prefix, 0) == 0) return arg.substr(prefix.size());
  }
  if (const char* value = std::getenv(env); value != nullptr && *value != '\0') return std::string(value);
  return std::nullopt;
}

}  // namespace

absl::StatusOr<SimFlags> ParseSimFlags(std::span<const std::string> args) {
  SimFlags flags;
  if (std::optional<std::string> v = FlagValue(args, "sim_seed", "KOMPACT_SIM_SEED")) {
    uint64_t seed = 0;
    if (!absl::SimpleAtoi(AsAbsl(*v), &seed)) {
      return absl::InvalidArgumentError(absl::StrCat("--sim_seed='", *v, "' is not an unsigned integer"));
    }
    flags.seed = seed;
  }
  if (std::optional<std::string> v = FlagValue(args, "sim_seeds", "KOMPACT_SIM_SEEDS")) {
    int seeds = 0;
    if (!absl::SimpleAtoi(AsAbsl(*v), &seeds) || seeds <= 0) {
      return absl::InvalidArgumentError(absl::StrCat("--sim_seeds='", *v, "' is not a positive integer"));
    }
    flags.seeds = seeds;
  }
  if (std::optional<std::string> v = FlagValue(args, "sim_trace", "KOMPACT_SIM_TRACE")) {
    if (v->empty()) return absl::InvalidArgumentError("--sim_trace needs a file name");
    flags.trace_file = *v;
  }
  return flags;
}

SeedSearchResult RunSeeds(const SeedSearch& search, absl::FunctionRef<absl::Status(Simulation&)> scenario) {
  SeedSearchResult result;
  const absl::Time start = absl::Now();
  uint64_t first = search.first_seed;
  int count = search.flags.seeds.value_or(search.seeds);
  if (search.flags.seed.has_value()) {
    first = *search.flags.seed;
    count = 1;
  }
  // KOMPACT_SIM_DIGESTS=FILE: one "seed digest steps" line per run, to compare
  // two builds or two machines run for run.
  std::unique_ptr<std::ofstream> digests;
  if (const char* path = std::getenv("KOMPACT_SIM_DIGESTS"); path != nullptr && *path != '\0') {
    digests = std::make_unique<std::ofstream>(path, std::ios::app);
  }
  for (int i = 0; i < count; ++i) {
    const uint64_t seed = first + static_cast<uint64_t>(i);
    SimOptions options = search.options;
    options.seed = seed;
    if (!search.flags.trace_file.empty()) options.trace_file = search.flags.trace_file;
    absl::Status status;
    std::string tail;
    {
      absl::StatusOr<std::unique_ptr<Simulation>> sim = Simulation::Create(options);
      if (!sim.ok()) {
        status = sim.status();
      } else {
        try {
          status = scenario(**sim);
        } catch (const std::exception& e) {
          status = absl::InternalError(absl::StrCat("the scenario threw: ", e.what()));
        }
        ++result.runs;
        result.virtual_time += (*sim)->Now();
        result.steps += (*sim)->steps();
        result.digests.push_back((*sim)->DigestHex());
        if (digests != nullptr)
          *digests << seed << " " << (*sim)->DigestHex() << " " << (*sim)->steps() << "\n";
        if (!status.ok()) tail = (*sim)->TraceTail();
      }
    }
    if (!status.ok()) {
      result.failing_seed = seed;
      result.failure = status;
      result.report = absl::StrCat("seed ", seed, " failed (run ", i + 1, " of ", count,
                                   "): ", status.ToString(), "\nreplay: ", search.replay_command,
                                   search.flag_prefix, "--sim_seed=", seed, "\n(the whole trace: add ",
                                   search.flag_prefix, "--sim_trace=FILE)\nlast steps:\n", tail);
      break;
    }
  }
  result.wall = absl::Now() - start;
  return result;
}

}  // namespace kompact::sim
