// Simulation: many Kompact systems in one process, on a simulated network, one
// virtual clock and one seeded scheduler (FEATURES.md Y1). The systems run the
// same component code and the same network layer (NetworkDispatcher, connections,
// retries, heartbeats, status port) as over TCP; only the bytes' path, the
// executor and the timer are simulated. A seed fixes everything: the same seed and
// program give the same trace, step for step, and digest().
#ifndef KOMPACT_TESTING_SIM_SIMULATION_H_
#define KOMPACT_TESTING_SIM_SIMULATION_H_

#include <cstdint>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "net/network_config.h"
#include "runtime/kompact_system.h"
#include "testing/sim/scheduler.h"
#include "testing/sim/sim_network.h"

namespace kompact::sim {

class SimExecutor;
class SimTimer;
class Simulation;

// How Simulation::Create builds a simulation.
struct SimOptions {
  uint64_t seed = 1;                                  // fixes every choice of the run
  LinkConfig link;                                    // every link's behaviour unless SetLink says otherwise
  size_t trace_tail = 64;                             // steps kept for a failure report
  std::string trace_file;                             // if set, every step, readable (--sim_trace)
  uint64_t max_steps = 200'000'000;                   // beyond: kResourceExhausted (> 0)
  absl::Duration max_virtual_time = absl::Hours(24);  // beyond: kDeadlineExceeded (> 0)
  // Log lines of simulated systems below this level are dropped ("warning": quiet
  // enough for a thousand seeds); each line carries the virtual time.
  std::string log_level = "warning";
};

// What setup learns about the system it sets up.
struct SystemInfo {
  SystemId id;      // the system's id in its simulation
  int incarnation;  // 0 when added, +1 per Restart
  SystemPath path;  // tcp://127.77.0.<id + 1>:7000
  Simulation* sim;  // to Await futures (never block on them: nothing would run)
};

// How to build one simulated system (Simulation::AddSystem; again on Restart).
struct SystemSpec {
  std::string name;  // the system's label; default "sim-<id>"
  // The network layer's settings. bind_address, port and advertised_* are the
  // simulator's (left at their defaults here); timeouts, retries, limits are yours.
  net::NetworkConfig network;
  // Other settings (kompact.runtime.*), TOML. kompact.net.* belongs in `network`.
  std::string config_toml;
  // Creates the system's components; runs when the system is added and after each
  // Restart. An error fails AddSystem / Restart.
  std::function<absl::Status(KompactSystem&, const SystemInfo&)> setup;
};

// A simulation: its systems, its network, its scheduler, and the faults, runs and
// observations a test drives it with.
//
//   ASSERT_OK_AND_ASSIGN(auto sim, sim::Simulation::Create({.seed = 7}));
//   sim::SystemSpec spec;
//   spec.name = "replica";
//   spec.setup = [&](KompactSystem& system, const sim::SystemInfo& info) -> absl::Status { ... };
//   ASSERT_OK_AND_ASSIGN(sim::SystemId a, sim->AddSystem(spec));     // tcp://127.77.0.1:7000
//   ASSERT_OK_AND_ASSIGN(sim::SystemId b, sim->AddSystem(spec));     // tcp://127.77.0.2:7000
//   sim->At(absl::Seconds(2), [&](sim::Simulation& s) { s.Partition({a}, {b}); return absl::OkStatus(); });
//   ASSERT_OK(sim->RunFor(absl::Seconds(10)));                       // virtual time
//
// Faults: Partition (symmetric or one way) and Heal, Kill (abrupt: no Bye, the
// peers read a reset), Restart (a new system, new incarnation, same address; the
// spec's setup runs again), Pause (a frozen process: nothing of it runs, its
// timers fire late), SetClockRate (a clock that runs fast or slow), SetLink
// (latency, jitter, bandwidth, resets, datagram loss, duplication, refusal).
//
// Misuse is an error, not nondeterminism: a spec that sets a bind address, port or
// kompact.net.* keys (the simulator assigns addresses; use SystemSpec::network),
// running past the step or virtual-time budget (kResourceExhausted /
// kDeadlineExceeded naming the budget), an invariant that fails or throws
// (kFailedPrecondition with the invariant's name, virtual time and step).
//
// Thread-safety: none; one thread creates and drives a simulation, and every
// simulated component runs on it. Do not block on futures inside: use Await.
// Lifetime: the destructor shuts every live system down gracefully (in simulated
// time); components and paths of a system are valid until it is killed or stopped.
class Simulation {
 public:
  // A simulation with no systems yet, at virtual time 0. kInvalidArgument if an
  // option is invalid (link, budgets, log level) or trace_file cannot be written.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Simulation>> Create(SimOptions options);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // ---- systems ---------------------------------------------------------------------------
  // Builds and starts a system from `spec` at the next address (see SystemInfo::path)
  // and runs its setup. An error from setup fails it, as do a misused spec
  // (kInvalidArgument) and a 251st system (kResourceExhausted).
  [[nodiscard]] absl::StatusOr<SystemId> AddSystem(SystemSpec spec);
  // Systems added so far, dead ones included (ids are 0 .. num_systems() - 1).
  size_t num_systems() const { return slots_.size(); }
  // True if `id` names a system that runs (not killed or stopped since its last start).
  bool alive(SystemId id) const;
  // The running system (check alive() first: a dead one's is gone).
  KompactSystem& system(SystemId id);
  // The system's address, `tcp://127.77.0.<id + 1>:7000` (the same across restarts).
  SystemPath path(SystemId id) const;
  // 0 when added, +1 per Restart.
  int incarnation(SystemId id) const;

  // ---- faults ----------------------------------------------------------------------------
  // Cuts every link between a system in `a` and one in `b`, both ways; segments on
  // them are held until Heal.
  void Partition(const std::vector<SystemId>& a, const std::vector<SystemId>& b);
  // Cuts the links from each system in `from` to each in `to` only.
  void PartitionOneWay(const std::vector<SystemId>& from, const std::vector<SystemId>& to);
  // Restores every cut link; held segments go on their way.
  void Heal();
  // Abrupt death: no Bye, peers read a reset, nothing more of it runs.
  [[nodiscard]] absl::Status Kill(SystemId id);
  // A fresh system on the same address (new incarnation); runs the spec's setup.
  [[nodiscard]] absl::Status Restart(SystemId id);
  // Graceful shutdown (connections closed with Bye), in simulated time.
  [[nodiscard]] absl::Status Stop(SystemId id);
  // Freezes the system for `d` of virtual time (a GC pause).
  void Pause(SystemId id, absl::Duration d);
  // The system's clock runs `rate` times as fast as virtual time (its timers fire
  // after delay / rate). Kept across restarts.
  [[nodiscard]] absl::Status SetClockRate(SystemId id, double rate);
  // The behaviour of the directed link `from` -> `to` from now on (SimNetwork::SetLink).
  [[nodiscard]] absl::Status SetLink(SystemId from, SystemId to, LinkConfig link);
  // The simulated network (owned by the simulation).
  SimNetwork& network() { return *network_; }

  // ---- running ---------------------------------------------------------------------------
  // Runs `action` at virtual time `at` (from the start), as a step of its own; an
  // error it returns fails the run.
  void At(absl::Duration at, std::function<absl::Status(Simulation&)> action);
  // Runs until virtual time has advanced by `d` (or an error).
  [[nodiscard]] absl::Status RunFor(absl::Duration d);
  // Runs until `done()` (checked after every step) or `max` of virtual time passed
  // (kDeadlineExceeded).
  [[nodiscard]] absl::Status RunUntil(const std::function<bool()>& done, absl::Duration max);
  // Runs until `future` is ready and returns its result.
  template <typename F>
  auto Await(F& future, absl::Duration max = absl::Seconds(60)) -> decltype(future.Wait()) {
    absl::Status s = RunUntil([&] { return future.IsReady(); }, max);
    if (!s.ok()) return s;
    return future.Wait();
  }
  // Checked after every `every` steps; an error (or exception) fails the run.
  void AddInvariant(std::string name, std::function<absl::Status()> check, uint64_t every = 1);

  // ---- observing -------------------------------------------------------------------------
  // Virtual time since the simulation began.
  absl::Duration Now() const { return ToDuration(scheduler_->now()); }
  // The seed the simulation runs with.
  uint64_t seed() const { return options_.seed; }
  // Steps run so far.
  uint64_t steps() const { return scheduler_->steps(); }
  // The digest of every step so far: equal for equal seed and program.
  uint64_t digest() const { return scheduler_->digest(); }
  // digest() as 16 lowercase hex digits.
  std::string DigestHex() const;
  // The last steps, one per line (for failure reports).
  std::string TraceTail() const;
  // A record of the program's own in the trace and digest (e.g. a decision).
  void Record(SystemId id, uint64_t value) { scheduler_->Record(id, value); }
  // The simulation's scheduler (owned by it), for what the methods above do not cover.
  Scheduler& scheduler() { return *scheduler_; }

 private:
  struct Slot;
  explicit Simulation(SimOptions options);
  absl::Status Build(Slot& slot);
  absl::Status Run(SimTime until, const std::function<bool()>* done);
  absl::Status CheckInvariants();
  absl::Status Fail(absl::Status status);
  Slot& slot(SystemId id) { return *slots_[static_cast<size_t>(id)]; }

  const SimOptions options_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<SimNetwork> network_;
  std::vector<std::unique_ptr<Slot>> slots_;
  struct Invariant {
    std::string name;
    std::function<absl::Status()> check;
    uint64_t every;
  };
  std::vector<Invariant> invariants_;
  absl::Status failure_;  // the first error of an At action
  std::unique_ptr<std::ofstream> trace_file_;
  std::shared_ptr<LogSink> log_sink_;
};

}  // namespace kompact::sim

#endif  // KOMPACT_TESTING_SIM_SIMULATION_H_
