#include "testing/sim/scheduler.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "executors/internal/executor_thread.h"

namespace kompact::sim {
namespace {

uint64_t SplitMix(uint64_t& state) {
  state += 0x9E3779B97F4A7C15ULL;
  uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Folds one value into an FNV-1a style 64-bit digest (8 bytes at a time).
void Fold(uint64_t& digest, uint64_t value) {
  for (int i = 0; i < 8; ++i) {
    digest ^= (value >> (8 * i)) & 0xFF;
    digest *= 0x100000001B3ULL;
  }
}

}  // namespace

uint64_t Rng::Uniform(uint64_t n) {
  // Lemire's multiply-shift; the bias (< n / 2^64) does not matter here.
  return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
}

double Rng::UnitDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

std::string_view EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kComponent:
      return "run";
    case EventKind::kTimer:
      return "timer";
    case EventKind::kNetworkThread:
      return "net-thread";
    case EventKind::kConnect:
      return "connect";
    case EventKind::kSegment:
      return "segment";
    case EventKind::kWritable:
      return "writable";
    case EventKind::kDatagram:
      return "datagram";
    case EventKind::kResume:
      return "resume";
    case EventKind::kRecord:
      return "record";
    case EventKind::kAction:
      return "action";
  }
  return "?";
}

std::string TraceRecord::ToString() const {
  std::string line = absl::StrFormat("#%d t=%.6fms %s", step, static_cast<double>(time) / 1e6,
                                     std::string(EventKindName(kind)));
  if (system != kNoSystem) absl::StrAppend(&line, " sys", system);
  if (peer != kNoSystem) absl::StrAppend(&line, " <-> sys", peer);
  if (detail != 0) absl::StrAppend(&line, " ", detail);
  return line;
}

Scheduler::Scheduler(uint64_t seed, size_t trace_tail)
    : seed_(seed), trace_tail_(trace_tail), pick_rng_(ForkRng(0x5C4ED)) {}

Scheduler::~Scheduler() = default;

Rng Scheduler::ForkRng(uint64_t salt) const {
  uint64_t state = seed_ ^ (salt * 0xD1B54A32D192ED03ULL);
  return Rng(SplitMix(state));
}

SystemId Scheduler::AddSystem() {
  systems_.emplace_back();
  return static_cast<SystemId>(systems_.size() - 1);
}

bool Scheduler::Live(SystemId system, uint32_t generation) const {
  return system == kNoSystem || systems_[static_cast<size_t>(system)].generation == generation;
}

void Scheduler::BumpGeneration(SystemId system) {
  SystemState& s = systems_[static_cast<size_t>(system)];
  ++s.generation;
  s.paused_until = 0;
  s.held_ready.clear();
  for (uint32_t slot : s.held_events) {
    slots_[slot].fn = nullptr;
    free_slots_.push_back(slot);
  }
  s.held_events.clear();
  std::erase_if(ready_, [&](const ReadyEntry& e) { return e.system == system; });
}

void Scheduler::Pause(SystemId system, SimTime until) {
  SystemState& s = systems_[static_cast<size_t>(system)];
  if (until <= now_ || until <= s.paused_until) return;
  const bool was_paused = s.paused_until > now_;
  s.paused_until = until;
  if (!was_paused) {
    // Its ready runnables wait too.
    for (auto it = ready_.begin(); it != ready_.end();) {
      if (it->system == system) {
        s.held_ready.push_back(*it);
        it = ready_.erase(it);
      } else {
        ++it;
      }
    }
  }
  const uint32_t generation = s.generation;
  At(
      until, kNoSystem, EventKind::kResume, 0,
      [this, system, generation, until] {
        SystemState& st = systems_[static_cast<size_t>(system)];
        if (st.generation == generation && st.paused_until == until) Resume(system);
      },
      system);
}

bool Scheduler::paused(SystemId system) const {
  return system != kNoSystem && systems_[static_cast<size_t>(system)].paused_until > now_;
}

void Scheduler::Resume(SystemId system) {
  SystemState& s = systems_[static_cast<size_t>(system)];
  s.paused_until = 0;
  for (const ReadyEntry& e : s.held_ready) ready_.push_back(e);
  s.held_ready.clear();
  // What fell due meanwhile runs now, in the order it fell due.
  for (uint32_t slot : s.held_events) heap_.push(Key{now_, 0, seq_++, slot});
  s.held_events.clear();
}

uint32_t Scheduler::NewSlot(Event event) {
  if (!free_slots_.empty()) {
    const uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    slots_[slot] = std::move(event);
    return slot;
  }
  slots_.push_back(std::move(event));
  return static_cast<uint32_t>(slots_.size() - 1);
}

void Scheduler::At(SimTime at, SystemId system, EventKind kind, uint64_t tie,
                   absl::AnyInvocable<void() &&> fn, SystemId peer, uint64_t detail) {
  const uint32_t generation = system == kNoSystem ? 0 : systems_[static_cast<size_t>(system)].generation;
  const uint32_t slot = NewSlot(Event{std::move(fn), system, generation, kind, peer, detail});
  heap_.push(Key{at < now_ ? now_ : at, tie, seq_++, slot});
}

void Scheduler::Ready(SystemId system, Runnable& runnable) {
  SystemState& s = systems_[static_cast<size_t>(system)];
  const ReadyEntry entry{system, s.generation, &runnable};
  if (s.paused_until > now_) {
    s.held_ready.push_back(entry);
  } else {
    ready_.push_back(entry);
  }
}

std::vector<Runnable*> Scheduler::TakeReady(SystemId system) {
  std::vector<Runnable*> taken;
  SystemState& s = systems_[static_cast<size_t>(system)];
  for (const ReadyEntry& e : s.held_ready) taken.push_back(e.runnable);
  s.held_ready.clear();
  for (auto it = ready_.begin(); it != ready_.end();) {
    if (it->system == system) {
      taken.push_back(it->runnable);
      it = ready_.erase(it);
    } else {
      ++it;
    }
  }
  return taken;
}

std::optional<SimTime> Scheduler::NextEventTime() const {
  if (heap_.empty()) return std::nullopt;
  return heap_.top().time;
}

void Scheduler::Trace(EventKind kind, SystemId system, SystemId peer, uint64_t detail) {
  ++steps_;
  Fold(digest_, static_cast<uint64_t>(now_));
  Fold(digest_, (static_cast<uint64_t>(kind) << 48) ^
                    (static_cast<uint64_t>(static_cast<uint32_t>(system)) << 16) ^
                    static_cast<uint64_t>(static_cast<uint16_t>(peer)));
  Fold(digest_, detail);
  if (trace_tail_ == 0 && trace_out_ == nullptr) return;
  const TraceRecord record{steps_, now_, kind, system, peer, detail};
  if (trace_out_ != nullptr) *trace_out_ << record.ToString() << '\n';
  if (trace_tail_ > 0) {
    if (tail_.size() == trace_tail_) tail_.pop_front();
    tail_.push_back(record);
  }
}

void Scheduler::Record(SystemId system, uint64_t value) {
  Trace(EventKind::kRecord, system, kNoSystem, value);
}

void Scheduler::RunAs(SystemId system, EventKind kind, absl::FunctionRef<void()> body) {
  // Steps nest (a fault event that shuts a system down drives the simulation while
  // the system's connections close): restore what the outer step had.
  const SystemId outer_system = current_system_;
  const EventKind outer_kind = current_kind_;
  const bool outer_in_step = in_step_;
  current_system_ = system;
  current_kind_ = kind;
  in_step_ = true;
  body();
  current_system_ = outer_system;
  current_kind_ = outer_kind;
  in_step_ = outer_in_step;
}

bool Scheduler::Step() {
  if (!ready_.empty()) {
    const size_t i = ready_.size() == 1 ? 0 : static_cast<size_t>(pick_rng_.Uniform(ready_.size()));
    const ReadyEntry entry = ready_[i];
    ready_[i] = ready_.back();
    ready_.pop_back();
    Trace(EventKind::kComponent, entry.system, kNoSystem, 0);
    RunAs(entry.system, EventKind::kComponent, [&] {
      executors_internal::ExecutorThreadScope executor_thread;  // as on a worker: no blocking waits
      entry.runnable->Run();
    });
    return true;
  }
  while (!heap_.empty()) {
    const Key key = heap_.top();
    heap_.pop();
    Event& slot = slots_[key.slot];
    if (!Live(slot.system, slot.generation)) {
      slot.fn = nullptr;
      free_slots_.push_back(key.slot);
      continue;
    }
    if (key.time > now_) now_ = key.time;
    if (slot.system != kNoSystem && systems_[static_cast<size_t>(slot.system)].paused_until > now_) {
      systems_[static_cast<size_t>(slot.system)].held_events.push_back(key.slot);
      continue;
    }
    absl::AnyInvocable<void()&&> fn = std::move(slot.fn);
    const SystemId system = slot.system;
    const EventKind kind = slot.kind;
    const SystemId peer = slot.peer;
    const uint64_t detail = slot.detail;
    free_slots_.push_back(key.slot);  // `slot` may be reused by what fn schedules
    Trace(kind, system, peer, detail);
    RunAs(system, kind, [&] { std::move(fn)(); });
    return true;
  }
  return false;
}

}  // namespace kompact::sim
