// FanIn: `senders` actors each send their share of the messages to one receiver
// as fast as they can (unbounded mailboxes, no flow control); timed from telling
// the senders to run until the receiver has counted every message.
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

struct ReceiverState {
  int64_t expected = 0;
  int64_t received = 0;
  caf::actor driver;
};

// Counts items; tells the driver (given with `run`) when all arrived.
caf::behavior Receiver(caf::stateful_actor<ReceiverState>* self, int64_t expected, caf::actor driver) {
  self->state.expected = expected;
  self->state.driver = std::move(driver);
  return {
      [self](item_atom) {
        ReceiverState& s = self->state;
        if (++s.received == s.expected) self->send(s.driver, done_atom::value, s.received);
      },
  };
}

// On `run`, sends `count` items to the receiver in one go.
caf::behavior Sender(caf::event_based_actor* self, caf::actor receiver, int64_t count) {
  return {
      [self, receiver = std::move(receiver), count](run_atom) {
        for (int64_t i = 0; i < count; ++i) self->send(receiver, item_atom::value);
      },
  };
}

}  // namespace

absl::StatusOr<double> RunFanIn(caf::actor_system& system, int senders, int64_t messages) {
  if (senders < 1 || messages < senders) {
    return absl::InvalidArgumentError(absl::StrCat("FanIn: ", senders, " senders, ", messages, " messages"));
  }
  absl::Status status;
  double seconds = 0;
  {
    caf::scoped_actor driver{system, /*hide=*/true};
    caf::actor receiver = system.spawn(Receiver, messages, caf::actor{driver});
    std::vector<caf::actor> sender_actors;
    for (int i = 0; i < senders; ++i) {
      // The first senders take the remainder, so that the shares add up to `messages`.
      const int64_t share = messages / senders + (i < messages % senders ? 1 : 0);
      sender_actors.push_back(system.spawn(Sender, receiver, share));
    }
    const Stopwatch stopwatch;
    for (const caf::actor& sender : sender_actors) driver->send(sender, run_atom::value);
    driver->receive(
        [&](done_atom, int64_t received) {
          if (received != messages) {
            status = absl::InternalError(absl::StrCat("FanIn: received ", received, " of ", messages));
          }
        },
        caf::after(kRunDeadline) >> [&] { status = absl::DeadlineExceededError("FanIn: not done within the deadline"); });
    seconds = stopwatch.Seconds();
    driver->send_exit(receiver, caf::exit_reason::user_shutdown);
    for (const caf::actor& sender : sender_actors) driver->send_exit(sender, caf::exit_reason::user_shutdown);
  }
  AwaitAllActorsDone(system);
  if (!status.ok()) return status;
  return static_cast<double>(messages) / seconds / 1e6;
}

}  // namespace kompact::bench::caf_peer
