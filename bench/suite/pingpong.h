// PingPong (the Kompics message-passing suite): the latency of one message round
// trip between two components, one ping in flight at a time. Timed from the
// first ping to the pinger seeing its n-th pong; messages counted are round trips.
//
//   actor      Ping carries the sender (Kompact's WithSender), the pong goes to it.
//   component  Ping and Pong are the request and indication of a port between them.
//
// Thread-safety: the workloads run on the suite's driver thread.
#ifndef KOMPACT_BENCH_SUITE_PINGPONG_H_
#define KOMPACT_BENCH_SUITE_PINGPONG_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "runtime/kompact_system.h"

namespace kompact::bench {

// One run each: `n` round trips; returns M round trips/s.
[[nodiscard]] absl::StatusOr<double> RunActorPingPong(const KompactSystem& system, int64_t n);
[[nodiscard]] absl::StatusOr<double> RunComponentPingPong(const KompactSystem& system, int64_t n);

}  // namespace kompact::bench

#endif  // KOMPACT_BENCH_SUITE_PINGPONG_H_
