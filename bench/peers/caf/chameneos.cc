// Chameneos: creatures repeatedly ask one mall for a meeting; the mall pairs
// them up until `meetings` meetings happened, then tells every creature asking
// again to fade; faded creatures report their meeting counts to the mall, which
// answers the driver with the total once all have faded. Timed from spawning
// the creatures (which ask the mall on start, as Kompact's do in on_start) until
// the mall's answer arrives.
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "bench/peers/caf/atoms.h"
#include "bench/peers/caf/driver.h"
#include "bench/peers/caf/workloads.h"
#include "caf/all.hpp"

namespace kompact::bench::caf_peer {
namespace {

// Colours travel as int32_t (a CAF built-in message type).
enum Colour : int32_t { kRed = 0, kYellow = 1, kBlue = 2 };

Colour ColourFor(int id) { return static_cast<Colour>(id % 3); }

// The colour a creature of colour `a` takes after meeting one of colour `b`.
Colour Complement(Colour a, Colour b) {
  if (a == b) return a;
  return static_cast<Colour>(3 - a - b);  // the third colour
}

struct MallState {
  int64_t meetings_goal = 0;
  int chameneos = 0;
  int64_t meetings = 0;
  caf::actor waiting;  // asked for a meeting, not yet matched (or none)
  int faded = 0;
  int64_t sum_meetings = 0;
  caf::response_promise done;  // to the driver, with the sum of meeting counts
};

caf::behavior Mall(caf::stateful_actor<MallState>* self, int chameneos, int64_t meetings_goal) {
  self->state.chameneos = chameneos;
  self->state.meetings_goal = meetings_goal;
  return {
      [self](run_atom) { self->state.done = self->make_response_promise(); },
      [self](meet_atom, int32_t colour, caf::actor creature) {
        MallState& s = self->state;
        if (s.meetings >= s.meetings_goal) {
          self->send(creature, fade_atom::value);
        } else if (s.waiting) {
          ++s.meetings;
          self->send(s.waiting, meet_atom::value, colour, std::move(creature));
          s.waiting = nullptr;
        } else {
          s.waiting = std::move(creature);
        }
      },
      [self](count_atom, int64_t creature_meetings) {
        MallState& s = self->state;
        s.sum_meetings += creature_meetings;
        if (++s.faded == s.chameneos) s.done.deliver(done_atom::value, s.sum_meetings);
      },
  };
}

struct CreatureState {
  caf::actor mall;
  Colour colour = kRed;
  int64_t meetings = 0;
};

caf::behavior Creature(caf::stateful_actor<CreatureState>* self, caf::actor mall, int32_t colour) {
  CreatureState& s = self->state;
  s.mall = std::move(mall);
  s.colour = static_cast<Colour>(colour);
  self->send(s.mall, meet_atom::value, int32_t{s.colour}, caf::actor{self});
  return {
      // Matched with `other` (who asked first): both take the complement colour.
      [self](meet_atom, int32_t other_colour, const caf::actor& other) {
        CreatureState& s = self->state;
        s.colour = Complement(s.colour, static_cast<Colour>(other_colour));
        ++s.meetings;
        self->send(other, change_atom::value, int32_t{s.colour});
        self->send(s.mall, meet_atom::value, int32_t{s.colour}, caf::actor{self});
      },
      [self](change_atom, int32_t new_colour) {
        CreatureState& s = self->state;
        s.colour = static_cast<Colour>(new_colour);
        ++s.meetings;
        self->send(s.mall, meet_atom::value, int32_t{s.colour}, caf::actor{self});
      },
      [self](fade_atom) {
        self->send(self->state.mall, count_atom::value, self->state.meetings);
        self->quit();
      },
  };
}

}  // namespace

absl::StatusOr<double> RunChameneos(caf::actor_system& system, int chameneos, int64_t meetings) {
  if (chameneos < 2)
    return absl::InvalidArgumentError(absl::StrCat("Chameneos: ", chameneos, " creatures (< 2)"));
  absl::Status status;
  double seconds = 0;
  {
    caf::scoped_actor driver{system, /*hide=*/true};
    caf::actor mall = system.spawn(Mall, chameneos, meetings);
    // The mall has the driver's request before any creature can ask it.
    auto answer = driver->request(mall, kRunDeadline, run_atom::value);
    const Stopwatch stopwatch;
    for (int i = 0; i < chameneos; ++i) system.spawn(Creature, mall, int32_t{ColourFor(i)});
    std::move(answer).receive(
        [&](done_atom, int64_t sum) {
          if (sum != 2 * meetings) {
            status = absl::InternalError(
                absl::StrCat("Chameneos: creatures met ", sum, " times in total, expected ", 2 * meetings));
          }
        },
        [&](caf::error& error) { status = FromCafError(system, error, "Chameneos"); });
    seconds = stopwatch.Seconds();
    driver->send_exit(mall, caf::exit_reason::user_shutdown);
  }
  AwaitAllActorsDone(system);
  if (!status.ok()) return status;
  return static_cast<double>(meetings) / seconds / 1e6;
}

}  // namespace kompact::bench::caf_peer
