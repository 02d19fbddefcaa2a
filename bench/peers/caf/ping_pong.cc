// PingPong and ThroughputPingPong (Kompics suite semantics: the pingers are told
// to run; the time until every pinger has its last pong is measured). PingPong's
// messages carry nothing (the suite's "static" variant); ThroughputPingPong's
// carry the ping's index, which the pong echoes and the pinger checks for FIFO
// order (the suite's non-static variant, as //bench:suite does).
#include <cstdint>
#include <string>
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

// Answers each ping with a pong to its sender (CAF sends a handler's result back).
caf::behavior Ponger(caf::event_based_actor* /*self*/) {
  return {
      [](ping_atom) { return pong_atom::value; },
      [](ping_atom, int64_t index) -> caf::result<pong_atom, int64_t> {
        return {pong_atom::value, index};
      },
  };
}

struct PingerState {
  caf::actor ponger;
  int64_t count = 0;     // pings to send in total
  int64_t pipeline = 1;  // pings in flight at most
  int64_t sent = 0;
  int64_t received = 0;
  int64_t out_of_order = 0;    // pongs whose index was not the next expected one
  caf::response_promise done;  // to the driver, with `received` and `out_of_order`
};

// PingPong's pinger: one static ping at a time.
caf::behavior Pinger(caf::stateful_actor<PingerState>* self, caf::actor ponger, int64_t count) {
  self->state.ponger = std::move(ponger);
  self->state.count = count;
  return {
      [self](run_atom) {
        PingerState& s = self->state;
        s.done = self->make_response_promise();
        ++s.sent;
        self->send(s.ponger, ping_atom::value);
      },
      [self](pong_atom) {
        PingerState& s = self->state;
        if (++s.received < s.count) {
          ++s.sent;
          self->send(s.ponger, ping_atom::value);
        } else {
          s.done.deliver(done_atom::value, s.received, s.out_of_order);
        }
      },
  };
}

// ThroughputPingPong's pinger: indexed pings, at most `pipeline` in flight.
caf::behavior PipelinedPinger(caf::stateful_actor<PingerState>* self, caf::actor ponger, int64_t count,
                              int64_t pipeline) {
  self->state.ponger = std::move(ponger);
  self->state.count = count;
  self->state.pipeline = pipeline;
  return {
      [self](run_atom) {
        PingerState& s = self->state;
        s.done = self->make_response_promise();
        for (int64_t i = 0; i < s.pipeline && s.sent < s.count; ++i)
          self->send(s.ponger, ping_atom::value, s.sent++);
      },
      [self](pong_atom, int64_t index) {
        PingerState& s = self->state;
        if (index != s.received) ++s.out_of_order;
        if (++s.received < s.count) {
          if (s.sent < s.count) self->send(s.ponger, ping_atom::value, s.sent++);
        } else {
          s.done.deliver(done_atom::value, s.received, s.out_of_order);
        }
      },
  };
}

// Runs `pairs` pairs and returns the seconds until all pingers are done.
absl::StatusOr<double> RunPairs(caf::actor_system& system, int64_t count, int64_t pipeline, int pairs) {
  absl::Status status;
  double seconds = 0;
  {
    caf::scoped_actor driver{system, /*hide=*/true};
    std::vector<caf::actor> actors;
    std::vector<caf::actor> pingers;
    for (int i = 0; i < pairs; ++i) {
      caf::actor ponger = system.spawn(Ponger);
      pingers.push_back(pipeline == 0 ? system.spawn(Pinger, ponger, count)
                                      : system.spawn(PipelinedPinger, ponger, count, pipeline));
      actors.push_back(std::move(ponger));
      actors.push_back(pingers.back());
    }
    const Stopwatch stopwatch;
    for (const caf::actor& pinger : pingers) driver->send(pinger, run_atom::value);
    for (int i = 0; i < pairs && status.ok(); ++i) {
      driver->receive(
          [&](done_atom, int64_t pongs, int64_t out_of_order) {
            if (pongs != count || out_of_order != 0) {
              status = absl::InternalError(absl::StrCat("a pinger got ", pongs, " pongs, expected ", count,
                                                        "; ", out_of_order, " out of order"));
            }
          },
          caf::after(kRunDeadline) >>
              [&] {
                status = absl::DeadlineExceededError(
                    absl::StrCat("PingPong: ", i, " of ", pairs, " pingers done within the deadline"));
              });
    }
    seconds = stopwatch.Seconds();
    for (const caf::actor& actor : actors) driver->send_exit(actor, caf::exit_reason::user_shutdown);
  }
  AwaitAllActorsDone(system);
  if (!status.ok()) return status;
  return seconds;
}

}  // namespace

absl::StatusOr<double> RunPingPong(caf::actor_system& system, int64_t round_trips) {
  absl::StatusOr<double> seconds = RunPairs(system, round_trips, /*pipeline=*/0, /*pairs=*/1);
  if (!seconds.ok()) return seconds.status();
  return static_cast<double>(round_trips) / *seconds / 1e6;
}

absl::StatusOr<double> RunThroughputPingPong(caf::actor_system& system, int64_t messages_per_pair,
                                             int64_t pipeline, int pairs) {
  if (pipeline < 1)
    return absl::InvalidArgumentError(absl::StrCat("ThroughputPingPong: pipeline ", pipeline));
  absl::StatusOr<double> seconds = RunPairs(system, messages_per_pair, pipeline, pairs);
  if (!seconds.ok()) return seconds.status();
  return 2.0 * static_cast<double>(messages_per_pair) * pairs / *seconds / 1e6;
}

}  // namespace kompact::bench::caf_peer
