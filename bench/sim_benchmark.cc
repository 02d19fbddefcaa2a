// Speed of the simulator (FEATURES.md Y1 targets), one process, one core:
//  1. deliveries: two simulated systems, a sender telling 1,000 messages per
//     millisecond of virtual time to a receiver over the simulated TCP network;
//     component deliveries per wall-clock second;
//  2. the five-system term election with random faults (examples/net/
//     term_election_sim.h) over 60 s of virtual time: wall time and the ratio;
//  3. 1,000 seeds of that scenario (20 s of faults each, then liveness).
//
//   tools/bazel run -c opt //bench:sim_benchmark
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "examples/net/term_election_sim.h"
#include "glog/logging.h"
#include "kompact.h"
#include "testing/sim/run_seeds.h"
#include "testing/sim/simulation.h"

namespace kompact::sim {
namespace {

struct Count {
  uint64_t received = 0;
};

class Sink : public ComponentDefinition<Sink> {
 public:
  explicit Sink(std::shared_ptr<Count> count) : count_(std::move(count)) {}
  HandlerResult ReceiveNetwork(NetMessage) {
    ++count_->received;
    return Handled::kOk;
  }

 private:
  std::shared_ptr<Count> count_;
};

class Source : public ComponentDefinition<Source> {
 public:
  Source(ActorPath target, int per_tick) : target_(std::move(target)), per_tick_(per_tick) {}
  HandlerResult OnStart() override {
    absl::StatusOr<TimerId> t =
        SchedulePeriodic(absl::Milliseconds(1), absl::Milliseconds(1), [](Source& self, TimerId) {
          for (int i = 0; i < self.per_tick_; ++i) self.target_.Tell(static_cast<uint64_t>(i), self);
          return Handled::kOk;
        });
    return t.ok() ? HandlerResult(Handled::kOk) : HandlerResult(t.status());
  }

 private:
  ActorPath target_;
  int per_tick_;
};

int Deliveries() {
  SimOptions options;
  options.seed = 1;
  auto sim = Simulation::Create(options).value();
  auto count = std::make_shared<Count>();
  SystemSpec sink;
  sink.name = "sink";
  sink.setup = [count](KompactSystem& system, const SystemInfo& info) -> absl::Status {
    Component<Sink> c = system.Create<Sink>(count);
    system.Start(c);
    Future<ActorPath> r = system.RegisterByAlias(c, "sink");
    return info.sim->Await(r).status();
  };
  const SystemId sink_id = sim->AddSystem(sink).value();
  const ActorPath target = ActorPath::Named(sim->path(sink_id), {"sink"}).value();
  SystemSpec source;
  source.name = "source";
  source.setup = [target](KompactSystem& system, const SystemInfo&) -> absl::Status {
    Component<Source> c = system.Create<Source>(target, 1000);
    system.Start(c);
    return absl::OkStatus();
  };
  (void)sim->AddSystem(source).value();
  const absl::Time start = absl::Now();
  absl::Status s = sim->RunFor(absl::Seconds(5));
  const absl::Duration wall = absl::Now() - start;
  if (!s.ok()) {
    std::cerr << s << std::endl;
    return 1;
  }
  std::cout
      << absl::StrFormat(
             "deliveries: %d messages in %s of virtual time, %s wall: %.2f M deliveries per wall second "
             "(%d steps)",
             count->received, absl::FormatDuration(sim->Now()), absl::FormatDuration(wall),
             static_cast<double>(count->received) / absl::ToDoubleSeconds(wall) / 1e6, sim->steps())
      << std::endl;
  return 0;
}

int Election60s() {
  SimOptions options;
  options.seed = 42;
  auto sim = Simulation::Create(options).value();
  examples::ElectionScenarioOptions scenario;
  scenario.faults_for = absl::Seconds(50);
  scenario.liveness_bound = absl::Seconds(10);
  const absl::Time start = absl::Now();
  absl::Status s = examples::RunElectionScenario(*sim, scenario);
  if (s.ok()) s = sim->RunFor(absl::Seconds(60) - sim->Now());
  const absl::Duration wall = absl::Now() - start;
  if (!s.ok()) {
    std::cerr << s << std::endl;
    return 1;
  }
  std::cout << absl::StrFormat(
                   "election, 5 systems, random faults: %s of virtual time in %s wall (%.0fx real time, "
                   "%d steps)",
                   absl::FormatDuration(sim->Now()), absl::FormatDuration(wall),
                   absl::ToDoubleSeconds(sim->Now()) / absl::ToDoubleSeconds(wall), sim->steps())
            << std::endl;
  return 0;
}

int ThousandSeeds() {
  SeedSearch search;
  search.seeds = 1000;
  const SeedSearchResult r = RunSeeds(search, [](Simulation& sim) {
    return examples::RunElectionScenario(sim, examples::ElectionScenarioOptions{});
  });
  if (!r.ok()) {
    std::cerr << r.report << std::endl;
    return 1;
  }
  std::cout << absl::StrFormat(
                   "1000 seeds of the election scenario: %s wall, %s of virtual time, %d steps "
                   "(%.2f M steps per wall second)",
                   absl::FormatDuration(r.wall), absl::FormatDuration(r.virtual_time), r.steps,
                   static_cast<double>(r.steps) / absl::ToDoubleSeconds(r.wall) / 1e6)
            << std::endl;
  return 0;
}

}  // namespace
}  // namespace kompact::sim

int main(int argc, char** argv) {
  kompact::InitLogging(argv[0]);
  (void)argc;
  int rc = kompact::sim::Deliveries();
  rc |= kompact::sim::Election60s();
  rc |= kompact::sim::ThousandSeeds();
  return rc;
}
