// The network rows of the suite (BENCHMARKS.md B2; the rows of the Kompact anchor
// harness, ../shared/reference/kompact-rs-anchor/): two systems in this process,
// each with a NetworkDispatcher on 127.0.0.1 port 0, talking over loopback TCP.
//
//   NetPingPong             one ping in flight; k round trips/s
//   NetThroughputPingPong   P pairs, each n round trips with <= W in flight;
//                           k msg/s, pings + pongs (2 * n * P)
//
// With `tls`, the same rows run over mutual TLS 1.3 (net/tls) on a second pair of
// systems, whose certificates come from a throw-away PKI made at the first TLS run
// (testing/tls/test_pki.h, in a temp dir); the plaintext and TLS rows of one run
// give the cost of TLS side by side.
//
// The pinger sends 8-byte pings eagerly (TellSerialised) to the ponger's named path
// on the other system; the ponger answers the ping's sender path. Pongs echo the
// ping's index, so FIFO order per pair is checked, and every count is checked.
// The two systems are built by the first network run (its connection set up in the
// warm-up run is reused) and shut down by ShutdownNetSystems().
//
// Thread-safety: the workloads run on the suite's driver thread.
#ifndef KOMPACT_BENCH_SUITE_NET_PINGPONG_H_
#define KOMPACT_BENCH_SUITE_NET_PINGPONG_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace kompact::bench {

struct NetPingPongParams {
  int64_t messages_per_pair = 10'000;  // n
  int64_t pipeline = 1;                // W
  int64_t pairs = 1;                   // P
  int64_t threads = 2;                 // worker threads of each of the two systems
  bool tls = false;                    // over mutual TLS 1.3 instead of plaintext TCP
};

// One run: returns k round trips/s when pipeline == 1 and pairs == 1 (NetPingPong),
// else k msg/s (pings + pongs).
[[nodiscard]] absl::StatusOr<double> RunNetPingPong(const NetPingPongParams& params);
[[nodiscard]] absl::StatusOr<double> RunNetThroughputPingPong(const NetPingPongParams& params);

// Shuts the systems down (the plaintext and the TLS pair, if they were built). Bounded.
[[nodiscard]] absl::Status ShutdownNetSystems();

}  // namespace kompact::bench

#endif  // KOMPACT_BENCH_SUITE_NET_PINGPONG_H_
