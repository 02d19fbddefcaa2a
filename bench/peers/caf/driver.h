// How the CAF peer workloads drive one run from the harness thread: a hidden
// caf::scoped_actor (CAF's blocking actor for code outside actors) sends the
// request that starts the measured phase and waits for the reply with a deadline;
// a steady clock times only that phase (as the Kompics suite times only
// run_iteration); and every run ends with all its actors terminated, so that
// nothing bleeds into the next run.
#ifndef KOMPACT_BENCH_PEERS_CAF_DRIVER_H_
#define KOMPACT_BENCH_PEERS_CAF_DRIVER_H_

#include <chrono>
#include <string_view>

#include "absl/status/status.h"
#include "bench/harness/stopwatch.h"
#include "caf/actor_system.hpp"
#include "caf/error.hpp"
#include "caf/timespan.hpp"

namespace kompact::bench::caf_peer {

// The longest a measured phase may take before the run fails with
// DeadlineExceeded (generous: the machine is shared and slow).
inline constexpr caf::timespan kRunDeadline = std::chrono::minutes(5);

// A CAF error as a status: DeadlineExceeded for a request timeout, Internal
// otherwise; the message names `what` and CAF's rendering of the error.
absl::Status FromCafError(caf::actor_system& system, const caf::error& error, std::string_view what);

// Blocks until every actor that is not hidden has terminated. Call it with no
// scoped_actor of the caller alive unless that one is hidden. (Freed memory is
// not trimmed: a trimmed heap makes the next run pay page faults again, which
// our suite does not do either.)
void AwaitAllActorsDone(caf::actor_system& system);

}  // namespace kompact::bench::caf_peer

#endif  // KOMPACT_BENCH_PEERS_CAF_DRIVER_H_
