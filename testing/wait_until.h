// WaitUntil: polls a condition that has no notification (a counter, a state
// word) until it holds or a timeout passes, for threaded tests.
//
//   EXPECT_TRUE(WaitUntil([&] { return c.core()->pending_work() == 0; }));
//
// Prefer waiting on a Future where one exists; this is for state without one.
// Thread-safety: `done` is called on the calling thread only.
#ifndef KOMPACT_TESTING_WAIT_UNTIL_H_
#define KOMPACT_TESTING_WAIT_UNTIL_H_

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace kompact::testing {

// True as soon as `done()` is; false if it is still false after `timeout`.
template <typename F>
bool WaitUntil(F&& done, absl::Duration timeout = absl::Seconds(20)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() > deadline) return done();
    absl::SleepFor(absl::Milliseconds(1));
  }
  return true;
}

}  // namespace kompact::testing

#endif  // KOMPACT_TESTING_WAIT_UNTIL_H_
