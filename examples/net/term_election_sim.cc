#include "examples/net/term_election_sim.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "kompact.h"
#include "testing/sim/scheduler.h"

namespace examples {

using kompact::ActorPath;
using kompact::KompactSystem;
using kompact::sim::Simulation;
using kompact::sim::SystemId;

absl::Status RunElectionScenario(Simulation& sim, const ElectionScenarioOptions& options) {
  const int n = options.systems;
  auto log = std::make_shared<LeaderLog>(sim);
  // [tutorial:sim-systems]
  // Every elector is at the named path "elector" of its system; the simulator's
  // addresses are known before any system exists.
  auto members = std::make_shared<std::vector<ActorPath>>();
  for (int i = 0; i < n; ++i) {
    kompact::SystemPath system(kompact::Transport::kTcp,
                               kompact::IpAddress::V4(127, 77, 0, static_cast<uint8_t>(i + 1)), 7000);
    KOMPACT_ASSIGN_OR_RETURN(ActorPath path, ActorPath::Named(system, {"elector"}));
    members->push_back(path);
  }
  // The "disks": they survive a Kill and are handed to the restarted system.
  std::vector<std::shared_ptr<MemoryTermStore>> disks;
  for (int i = 0; i < n; ++i) disks.push_back(std::make_shared<MemoryTermStore>());
  std::vector<std::optional<kompact::Component<TermElector>>> electors(static_cast<size_t>(n));

  for (int i = 0; i < n; ++i) {
    kompact::sim::SystemSpec spec;
    spec.name = absl::StrCat("member-", i);
    spec.network.heartbeat_interval = absl::Milliseconds(100);
    spec.network.heartbeat_timeout = absl::Milliseconds(500);
    spec.network.handshake_timeout = absl::Milliseconds(500);
    spec.network.retry_interval = absl::Milliseconds(100);
    spec.network.max_retry_attempts = 1000;
    spec.network.shutdown_timeout = absl::Milliseconds(500);
    spec.setup = [&, i](KompactSystem& system, const kompact::sim::SystemInfo& info) -> absl::Status {
      ElectionOptions election;
      election.seed = sim.seed() * 1000 + static_cast<uint64_t>(info.incarnation);
      election.persist_vote = !options.planted_bug;
      auto elector = system.Create<TermElector>(i, members, disks[static_cast<size_t>(i)], log, election);
      kompact::Future<ActorPath> registered = system.RegisterByAlias(elector, "elector");
      KOMPACT_RETURN_IF_ERROR(info.sim->Await(registered).status());
      system.Start(elector);
      electors[static_cast<size_t>(i)] = elector;
      return absl::OkStatus();
    };
    KOMPACT_ASSIGN_OR_RETURN(SystemId id, sim.AddSystem(std::move(spec)));
    (void)id;
  }
  sim.AddInvariant("at most one leader per term", [log] { return log->Check(); });
  // [end]

  // [tutorial:sim-faults]
  // Random faults, drawn from the seed: partitions, heals, kills and restarts.
  kompact::sim::Rng rng = sim.scheduler().ForkRng(0xFA17);
  absl::Duration at = absl::Milliseconds(500);
  while (at < options.faults_for) {
    const uint64_t what = rng.Uniform(4);
    const SystemId victim = static_cast<SystemId>(rng.Uniform(static_cast<uint64_t>(n)));
    const uint64_t split = rng.Next();
    sim.At(at, [=, &electors](Simulation& s) -> absl::Status {
      switch (what) {
        case 0: {  // a random split into two sides
          std::vector<SystemId> a, b;
          for (SystemId i = 0; i < n; ++i) ((split >> i) & 1 ? a : b).push_back(i);
          s.Partition(a, b);
          return absl::OkStatus();
        }
        case 1:
          s.Heal();
          return absl::OkStatus();
        case 2:
          if (!s.alive(victim)) return absl::OkStatus();
          electors[static_cast<size_t>(victim)].reset();
          return s.Kill(victim);
        default:
          return s.alive(victim) ? absl::OkStatus() : s.Restart(victim);
      }
    });
    at += absl::Milliseconds(200 + static_cast<int64_t>(rng.Uniform(1800)));
  }
  // Then everything heals and every dead system comes back.
  sim.At(options.faults_for, [n](Simulation& s) -> absl::Status {
    s.Heal();
    for (SystemId i = 0; i < n; ++i) {
      if (!s.alive(i)) KOMPACT_RETURN_IF_ERROR(s.Restart(i));
    }
    return absl::OkStatus();
  });
  // [end]
  KOMPACT_RETURN_IF_ERROR(sim.RunFor(options.faults_for));

  // [tutorial:sim-liveness]
  // Liveness: after the last heal, within the bound, one leader followed by all.
  const auto agreed = [&] {
    std::optional<int> leader;
    uint64_t term = 0;
    for (const auto& e : electors) {
      if (!e.has_value()) return false;
      const TermElector& elector = e->definition();
      if (!elector.leader().has_value()) return false;
      if (leader.has_value() && (*leader != *elector.leader() || term != elector.term())) return false;
      leader = elector.leader();
      term = elector.term();
    }
    return true;
  };
  absl::Status live = sim.RunUntil(agreed, options.liveness_bound);
  if (!live.ok() && live.code() != absl::StatusCode::kDeadlineExceeded) return live;  // e.g. the invariant
  if (!live.ok()) {
    return absl::DeadlineExceededError(absl::StrCat(
        "no leader followed by all ", n, " systems within ", absl::FormatDuration(options.liveness_bound),
        " of virtual time after the last heal: ", live.message()));
  }
  // [end]
  return log->Check();
}

}  // namespace examples
