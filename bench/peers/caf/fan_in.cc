// FanIn: `senders` actors send their shares of the messages to one receiver.
// Unbounded (window 0): each sender sends its whole share at once, no flow
// control (the receiver's mailbox grows if it falls behind). Bounded (window W):
// credit-based flow control as in //bench:suite: a sender starts with W credits,
// spends one per message and gets W/10 back from the receiver for every W/10 of
// its messages received, so at most senders x W messages are in flight. Items
// carry (source, sequence number); the receiver checks per-source FIFO order and
// the total. Timed from telling the senders to run until the receiver has all.
#include <algorithm>
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
  int64_t out_of_order = 0;
  int64_t ack = 0;                // credits returned per ack (bounded variant), else 0
  std::vector<int64_t> next_seq;  // per source
  std::vector<caf::actor> sources;
  caf::actor driver;
};

caf::behavior Receiver(caf::stateful_actor<ReceiverState>* self, int64_t expected, int senders,
                       int64_t window, caf::actor driver) {
  ReceiverState& s = self->state;
  s.expected = expected;
  s.ack = window > 0 ? std::max<int64_t>(1, window / 10) : 0;
  s.next_seq.assign(static_cast<size_t>(senders), 0);
  s.driver = std::move(driver);
  return {
      [self](sources_atom, std::vector<caf::actor> sources) { self->state.sources = std::move(sources); },
      [self](item_atom, int64_t source, int64_t seq) {
        ReceiverState& s = self->state;
        int64_t& next = s.next_seq[static_cast<size_t>(source)];
        if (seq != next) ++s.out_of_order;
        ++next;
        if (s.ack > 0 && next % s.ack == 0)
          self->send(s.sources[static_cast<size_t>(source)], credit_atom::value, s.ack);
        if (++s.received == s.expected) self->send(s.driver, done_atom::value, s.received, s.out_of_order);
      },
  };
}

struct SenderState {
  caf::actor receiver;
  int64_t index = 0;
  int64_t left = 0;
  int64_t window = 0;  // 0: unbounded
  int64_t credits = 0;
  int64_t seq = 0;
};

void SendItems(caf::stateful_actor<SenderState>* self, int64_t k) {
  SenderState& s = self->state;
  for (int64_t i = 0; i < k; ++i) self->send(s.receiver, item_atom::value, s.index, s.seq++);
  s.left -= k;
  s.credits -= k;
}

caf::behavior Sender(caf::stateful_actor<SenderState>* self, caf::actor receiver, int64_t index,
                     int64_t count, int64_t window) {
  SenderState& s = self->state;
  s.receiver = std::move(receiver);
  s.index = index;
  s.left = count;
  s.window = window;
  return {
      [self](run_atom) {
        SenderState& s = self->state;
        if (s.window == 0) {
          SendItems(self, s.left);  // unbounded: everything at once
        } else {
          s.credits += s.window;
          SendItems(self, std::min(s.left, s.credits));
        }
      },
      [self](credit_atom, int64_t amount) {
        SenderState& s = self->state;
        s.credits += amount;
        SendItems(self, std::min(s.left, s.credits));
      },
  };
}

}  // namespace

absl::StatusOr<double> RunFanIn(caf::actor_system& system, int senders, int64_t messages, int64_t window) {
  if (senders < 1 || messages < senders || window < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("FanIn: ", senders, " senders, ", messages, " messages, window ", window));
  }
  absl::Status status;
  double seconds = 0;
  {
    caf::scoped_actor driver{system, /*hide=*/true};
    caf::actor receiver = system.spawn(Receiver, messages, senders, window, caf::actor{driver});
    std::vector<caf::actor> sender_actors;
    for (int i = 0; i < senders; ++i) {
      // The first senders take the remainder, so that the shares add up to `messages`.
      const int64_t share = messages / senders + (i < messages % senders ? 1 : 0);
      sender_actors.push_back(system.spawn(Sender, receiver, int64_t{i}, share, window));
    }
    // Ahead of every item in the receiver's mailbox: the senders run only later.
    driver->send(receiver, sources_atom::value, sender_actors);
    const Stopwatch stopwatch;
    for (const caf::actor& sender : sender_actors) driver->send(sender, run_atom::value);
    driver->receive(
        [&](done_atom, int64_t received, int64_t out_of_order) {
          seconds = stopwatch.Seconds();
          if (received != messages || out_of_order != 0) {
            status = absl::InternalError(absl::StrCat("FanIn: received ", received, " of ", messages, ", ",
                                                      out_of_order, " out of order"));
          }
        },
        caf::after(kRunDeadline) >>
            [&] { status = absl::DeadlineExceededError("FanIn: not done within the deadline"); });
    driver->send_exit(receiver, caf::exit_reason::user_shutdown);
    for (const caf::actor& sender : sender_actors) driver->send_exit(sender, caf::exit_reason::user_shutdown);
  }
  AwaitAllActorsDone(system);
  if (!status.ok()) return status;
  return static_cast<double>(messages) / seconds / 1e6;
}

}  // namespace kompact::bench::caf_peer
