// FanIn (../shared/spec/BENCHMARKS.md): `senders` sources send n messages in
// total to one sink. Timed from the start signal to the sink having received all
// n; messages counted are the data messages. The sink checks per-source FIFO
// order and the total.
//
//   actor      sources send as fast as they can (unbounded mailbox: the sink's
//              queue grows if it falls behind; the row's peak RSS shows by how much)
//   component  the same over a port (every source requires the sink's port)
//   actor, window=W   bounded: credit-based flow control; a source has W credits,
//              spends one per message and gets them back from the sink in acks
//              of W/10, so at most senders x W messages are ever in flight
//
// Thread-safety: the workloads run on the suite's driver thread.
#ifndef KOMPACT_BENCH_SUITE_FAN_IN_H_
#define KOMPACT_BENCH_SUITE_FAN_IN_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "runtime/kompact_system.h"

namespace kompact::bench {

struct FanInParams {
  int64_t messages = 4'000'000;  // in total, split evenly over the senders
  int64_t senders = 8;
  int64_t window = 0;  // credits per sender (bounded variant); 0: unbounded
};

// One run each; returns M messages/s.
[[nodiscard]] absl::StatusOr<double> RunActorFanIn(const KompactSystem& system, const FanInParams& params);
[[nodiscard]] absl::StatusOr<double> RunComponentFanIn(const KompactSystem& system,
                                                       const FanInParams& params);

}  // namespace kompact::bench

#endif  // KOMPACT_BENCH_SUITE_FAN_IN_H_
