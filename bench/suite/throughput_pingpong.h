// ThroughputPingPong (the Kompics message-passing suite): pipelined throughput.
// P independent pairs; each pinger keeps up to W pings in flight and sends the
// next one when a pong returns, until n pongs came back. Timed from the start
// signal to the last pinger finishing; messages counted are pings + pongs
// (2 * n * P). Pings carry their index and pongs echo it, so per-pair FIFO order
// is checked.
//
//   actor      Ping carries the sender (Kompact's WithSender), the pong goes to it.
//   component  Ping and Pong are the request and indication of a port per pair.
//
// Thread-safety: the workloads run on the suite's driver thread.
#ifndef KOMPACT_BENCH_SUITE_THROUGHPUT_PINGPONG_H_
#define KOMPACT_BENCH_SUITE_THROUGHPUT_PINGPONG_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "runtime/kompact_system.h"

namespace kompact::bench {

struct ThroughputPingPongParams {
  int64_t messages_per_pair = 1'000'000;  // n
  int64_t pipeline = 500;                 // W
  int64_t pairs = 1;                      // P
};

// One run each; returns M messages/s (pings + pongs).
[[nodiscard]] absl::StatusOr<double> RunActorThroughputPingPong(const KompactSystem& system,
                                                                const ThroughputPingPongParams& params);
[[nodiscard]] absl::StatusOr<double> RunComponentThroughputPingPong(const KompactSystem& system,
                                                                    const ThroughputPingPongParams& params);

}  // namespace kompact::bench

#endif  // KOMPACT_BENCH_SUITE_THROUGHPUT_PINGPONG_H_
