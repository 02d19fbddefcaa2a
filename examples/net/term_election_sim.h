// The term election (term_election.h) under deterministic simulation: five
// simulated systems run the unmodified TermElector over the real network layer on
// the simulated network, with random partitions, kills and restarts drawn from
// the seed; then every fault heals. Safety (never two leaders in one term) is an
// invariant checked after every step; liveness (one leader followed by all within
// a bound of virtual time after the last heal) is checked at the end.
//
// Used by term_election_sim_test.cc (1,000 seeds, the planted bug) and
// term_election_sim_benchmark.cc (speed). docs/simulation.md walks through it.
//
// Thread-safety: one thread (the simulation's). Lifetime: a scenario object lives
// for one Simulation.
#ifndef KOMPACT_EXAMPLES_NET_TERM_ELECTION_SIM_H_
#define KOMPACT_EXAMPLES_NET_TERM_ELECTION_SIM_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "examples/net/term_election.h"
#include "testing/sim/simulation.h"

namespace examples {

struct ElectionScenarioOptions {
  int systems = 5;
  absl::Duration faults_for = absl::Seconds(20);      // random faults during this time
  absl::Duration liveness_bound = absl::Seconds(10);  // a leader within this after the last heal
  bool planted_bug = false;                           // ElectionOptions::persist_vote = false
};

// [tutorial:sim-observer]
// Records every leader of every term, from every system; a second leader in a
// term is a safety violation, checked as a simulation invariant.
class LeaderLog final : public ElectionObserver {
 public:
  explicit LeaderLog(kompact::sim::Simulation& sim) : sim_(sim) {}
  void BecameLeader(int process, uint64_t term) override {
    sim_.Record(process, term);  // into the trace and its digest
    auto [it, inserted] = leaders_.emplace(term, process);
    if (!inserted && it->second != process && violation_.empty()) {
      violation_ =
          absl::StrCat("two leaders in term ", term, ": system ", it->second, " and system ", process);
    }
  }
  absl::Status Check() const {
    return violation_.empty() ? absl::OkStatus() : absl::InternalError(violation_);
  }
  size_t terms() const { return leaders_.size(); }

 private:
  kompact::sim::Simulation& sim_;
  std::map<uint64_t, int> leaders_;
  std::string violation_;
};
// [end]

// One run of the scenario on `sim` (fresh, seeded): OK, or why it failed.
absl::Status RunElectionScenario(kompact::sim::Simulation& sim, const ElectionScenarioOptions& options);

}  // namespace examples

#endif  // KOMPACT_EXAMPLES_NET_TERM_ELECTION_SIM_H_
