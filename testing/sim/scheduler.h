// Scheduler: the one event loop, virtual clock and source of randomness of a
// simulation (FEATURES.md Y1), with its virtual time, its seeded generator and its
// trace records.
#ifndef KOMPACT_TESTING_SIM_SCHEDULER_H_
#define KOMPACT_TESTING_SIM_SCHEDULER_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <ostream>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/time/time.h"
#include "base/internal/xoshiro256.h"
#include "executors/executor.h"

namespace kompact::sim {

// Virtual time: nanoseconds since the simulation began.
using SimTime = int64_t;
// `d` as virtual time (whole nanoseconds, truncated).
inline SimTime ToSimTime(absl::Duration d) { return absl::ToInt64Nanoseconds(d); }
// Virtual time `t` as an absl::Duration.
inline absl::Duration ToDuration(SimTime t) { return absl::Nanoseconds(t); }

// Index of a simulated system; kNoSystem for events that belong to none.
using SystemId = int32_t;
// No system (e.g. current_system() between steps).
inline constexpr SystemId kNoSystem = -1;

// A seeded generator (xoshiro256**): the simulation's only randomness.
class Rng {
 public:
  // A generator seeded with `seed` (equal seeds, equal sequences).
  explicit Rng(uint64_t seed) : gen_(seed) {}
  // The next 64 random bits.
  uint64_t Next() { return gen_.Next(); }
  // Uniform in [0, n) (n > 0).
  uint64_t Uniform(uint64_t n);
  // Uniform in [0, 1).
  double UnitDouble();
  // True with probability p.
  bool Chance(double p) { return p > 0 && UnitDouble() < p; }

 private:
  base_internal::Xoshiro256 gen_;
};

// What a step was: the kind of a scheduled event or trace record.
enum class EventKind : uint8_t {
  kComponent,      // a ready runnable ran
  kTimer,          // a timer deadline
  kNetworkThread,  // a transport's network-thread work (wake-ups, posted tasks)
  kConnect,        // a connection attempt reached its destination (or was refused)
  kSegment,        // bytes (or an end of stream, or a reset) arrived on a connection
  kWritable,       // a connection's send window opened again
  kDatagram,       // a datagram arrived
  kResume,         // a paused system resumed
  kRecord,         // a record of the program's own (Scheduler::Record)
  kAction,         // a scheduled action of the simulation's driver (faults, checks)
};
// The short name of `kind` in traces ("run", "timer", "net-thread", ...).
std::string_view EventKindName(EventKind kind);

// One step, as traced and digested.
struct TraceRecord {
  uint64_t step = 0;                       // the step's number, from 1
  SimTime time = 0;                        // virtual time of the step
  EventKind kind = EventKind::kComponent;  // what ran
  SystemId system = kNoSystem;             // the system it ran for (kNoSystem: none)
  SystemId peer = kNoSystem;               // the other end of a network event
  uint64_t detail = 0;                     // bytes of a segment or datagram, a record's value, ...
  // One readable line, e.g. `#12 t=3.000000ms segment sys1 <-> sys0 512`.
  std::string ToString() const;
};

// The event loop of a simulation. Everything a simulated system does runs as one
// of its steps, on the thread that drives the simulation:
//
//  * ready runnables: components (and other executor tasks) that have work; one
//    step runs one of them, chosen by the seeded generator among all that are
//    ready, so a seed fixes the interleaving and different seeds explore others;
//  * timed events: timer deadlines, bytes arriving on a link, network-thread work
//    of a transport; ordered by (time, tie, insertion order).
//
// Virtual time moves only when nothing is ready: it jumps to the next event. A
// handler takes no virtual time.
//
// Every step is folded into a digest (time, kind, system, peer, detail), and the
// last `trace_tail` steps are kept, so two runs can be compared and a failure shown.
//
// Systems: each simulated system has an id (AddSystem) and a generation; Kill
// drops every pending event of the system's current generation (its process is
// gone), Pause holds its events and runnables until a virtual time.
//
// Thread-safety: none; one thread drives the scheduler, and everything scheduled
// runs on it. Lifetime: events and runnables must stay valid while pending; events
// of a system whose generation was bumped are destroyed without running.
class Scheduler {
 public:
  // A scheduler at virtual time 0 whose choices all derive from `seed`, keeping the
  // last `trace_tail` steps (0: none) for tail().
  Scheduler(uint64_t seed, size_t trace_tail);
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;
  ~Scheduler();

  // The current virtual time.
  SimTime now() const { return now_; }
  // The seed given at construction.
  uint64_t seed() const { return seed_; }
  // A generator for one purpose (a link, a system's component code), derived from
  // the seed and `salt` only: draws from it do not depend on the order of others.
  Rng ForkRng(uint64_t salt) const;

  // ---- systems -------------------------------------------------------------------------
  // Registers a new system (generation 0, not paused); ids count up from 0.
  SystemId AddSystem();
  // How many systems were added.
  size_t systems() const { return systems_.size(); }
  // Drops every pending event and ready runnable of `system` (its process died).
  void BumpGeneration(SystemId system);
  // Holds the events and runnables of `system` until `until` (virtual time).
  void Pause(SystemId system, SimTime until);
  // True while `system` is paused (false for kNoSystem).
  bool paused(SystemId system) const;
  // The system whose step is running (kNoSystem between steps).
  SystemId current_system() const { return current_system_; }
  // The kind of the running step (meaningless between steps: see in_step()).
  EventKind current_kind() const { return current_kind_; }
  // True while a step (or a nested one) runs.
  bool in_step() const { return in_step_; }

  // ---- scheduling ------------------------------------------------------------------------
  // An event at `at` (clamped to now) for `system`. Same-time events run in order
  // of `tie`, then of scheduling.
  void At(SimTime at, SystemId system, EventKind kind, uint64_t tie, absl::AnyInvocable<void() &&> fn,
          SystemId peer = kNoSystem, uint64_t detail = 0);
  // `runnable` of `system` is ready to run.
  void Ready(SystemId system, Runnable& runnable);
  // Removes `system`'s ready (and held) runnables and returns them in readiness order.
  std::vector<Runnable*> TakeReady(SystemId system);

  // Runs one step: a ready runnable if any, else the next event (time jumps to it).
  // False if there is nothing to run at all.
  bool Step();
  // Time of the next event, if there is one (ready runnables run at now()).
  std::optional<SimTime> NextEventTime() const;
  // True if a runnable is ready (Step would run it before any event).
  bool has_ready() const { return !ready_.empty(); }
  // Moves virtual time forward to `t` without running anything (nothing may be due
  // before it: call when NextEventTime() is later or there is none).
  void AdvanceTo(SimTime t) {
    if (t > now_) now_ = t;
  }

  // ---- trace -----------------------------------------------------------------------------
  // Adds a record of the program's own to the trace and digest (e.g. "process 3
  // became leader in term 7"); counts as a step.
  void Record(SystemId system, uint64_t value);
  // Steps run (and records added) so far.
  uint64_t steps() const { return steps_; }
  // The digest of every step so far (FNV-1a style fold of each step's fields).
  uint64_t digest() const { return digest_; }
  // The last steps (up to trace_tail), oldest first.
  const std::deque<TraceRecord>& tail() const { return tail_; }
  // Writes every step, readable, to `out` (null: none).
  void SetTraceSink(std::ostream* out) { trace_out_ = out; }

 private:
  struct Event {
    absl::AnyInvocable<void() &&> fn;
    SystemId system;
    uint32_t generation;
    EventKind kind;
    SystemId peer;
    uint64_t detail;
  };
  struct Key {
    SimTime time;
    uint64_t tie;
    uint64_t seq;
    uint32_t slot;
    bool operator>(const Key& o) const {
      if (time != o.time) return time > o.time;
      if (tie != o.tie) return tie > o.tie;
      return seq > o.seq;
    }
  };
  struct ReadyEntry {
    SystemId system;
    uint32_t generation;
    Runnable* runnable;
  };
  struct SystemState {
    uint32_t generation = 0;
    SimTime paused_until = 0;
    std::vector<ReadyEntry> held_ready;
    std::vector<uint32_t> held_events;  // slots, in the order they fell due
  };

  void Trace(EventKind kind, SystemId system, SystemId peer, uint64_t detail);
  void RunAs(SystemId system, EventKind kind, absl::FunctionRef<void()> body);
  uint32_t NewSlot(Event event);
  void Resume(SystemId system);
  bool Live(SystemId system, uint32_t generation) const;

  const uint64_t seed_;
  const size_t trace_tail_;
  Rng pick_rng_;
  SimTime now_ = 0;
  uint64_t seq_ = 0;
  uint64_t steps_ = 0;
  uint64_t digest_ = 0xcbf29ce484222325ULL;
  SystemId current_system_ = kNoSystem;
  EventKind current_kind_ = EventKind::kComponent;
  bool in_step_ = false;
  std::priority_queue<Key, std::vector<Key>, std::greater<Key>> heap_;
  std::vector<Event> slots_;
  std::vector<uint32_t> free_slots_;
  std::vector<ReadyEntry> ready_;
  std::vector<SystemState> systems_;
  std::deque<TraceRecord> tail_;
  std::ostream* trace_out_ = nullptr;
};

}  // namespace kompact::sim

#endif  // KOMPACT_TESTING_SIM_SCHEDULER_H_
