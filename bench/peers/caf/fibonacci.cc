// Fibonacci: fib(n) by recursive actor creation. An actor asked for fib(n), n > 2,
// spawns two children, asks them for fib(n-1) and fib(n-2), answers its asker
// with the sum and quits; for n <= 2 it answers 1 and quits. Timed from asking
// the root until the root's answer arrives.
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "bench/peers/caf/atoms.h"
#include "bench/peers/caf/driver.h"
#include "bench/peers/caf/workloads.h"
#include "caf/all.hpp"

namespace kompact::bench::caf_peer {
namespace {

struct FibState {
  uint64_t sum = 0;
  int responses = 0;
  caf::response_promise answer;  // to the parent (or the driver, for the root)
};

caf::behavior FibActor(caf::stateful_actor<FibState>* self) {
  return {
      [self](fib_atom, int32_t n) -> caf::result<value_atom, uint64_t> {
        if (n <= 2) {
          self->quit();
          return {value_atom::value, uint64_t{1}};
        }
        self->send(self->spawn(FibActor), fib_atom::value, n - 1);
        self->send(self->spawn(FibActor), fib_atom::value, n - 2);
        self->state.answer = self->make_response_promise();
        return self->state.answer;  // delivered when both children answered
      },
      [self](value_atom, uint64_t value) {
        FibState& s = self->state;
        s.sum += value;
        if (++s.responses == 2) {
          s.answer.deliver(value_atom::value, s.sum);
          self->quit();
        }
      },
  };
}

uint64_t Fib(int n) {
  uint64_t a = 1, b = 1;  // fib(1), fib(2)
  for (int i = 3; i <= n; ++i) {
    const uint64_t c = a + b;
    a = b;
    b = c;
  }
  return b;
}

}  // namespace

absl::StatusOr<double> RunFibonacci(caf::actor_system& system, int n) {
  if (n < 1 || n > 60) return absl::InvalidArgumentError(absl::StrCat("Fibonacci: n=", n, " not in [1, 60]"));
  absl::Status status;
  double seconds = 0;
  {
    caf::scoped_actor driver{system, /*hide=*/true};
    caf::actor root = system.spawn(FibActor);
    const Stopwatch stopwatch;
    driver->request(root, kRunDeadline, fib_atom::value, int32_t{n})
        .receive(
            [&](value_atom, uint64_t value) {
              if (value != Fib(n)) {
                status = absl::InternalError(
                    absl::StrCat("Fibonacci: fib(", n, ") = ", value, ", expected ", Fib(n)));
              }
            },
            [&](caf::error& error) { status = FromCafError(system, error, "Fibonacci"); });
    seconds = stopwatch.Seconds();
  }
  AwaitAllActorsDone(system);
  if (!status.ok()) return status;
  const double actors = 2.0 * static_cast<double>(Fib(n)) - 1.0;
  return actors / seconds / 1e6;
}

}  // namespace kompact::bench::caf_peer
