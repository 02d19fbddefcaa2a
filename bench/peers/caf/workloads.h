// The local workloads of the Kompics message-passing suite written for CAF 0.17,
// the peer kompact-cpp is measured against (//bench/peers/caf:suite). Each
// function performs one run on `system`: it spawns the workload's actors, times
// the measured phase, checks the result (an error if it is wrong), and returns
// with every actor of the run terminated. The metric is higher-is-better except
// for IdleMemory (bytes per actor).
//
// Thread-safety: call from one thread at a time (the harness thread); `system`
// must outlive the call.
#ifndef KOMPACT_BENCH_PEERS_CAF_WORKLOADS_H_
#define KOMPACT_BENCH_PEERS_CAF_WORKLOADS_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "caf/actor_system.hpp"

namespace kompact::bench::caf_peer {

// One pinger, one ponger, `round_trips` strictly sequential ping/pong round trips.
// Returns million round trips per second.
[[nodiscard]] absl::StatusOr<double> RunPingPong(caf::actor_system& system, int64_t round_trips);

// `pairs` pinger/ponger pairs; each pinger sends `messages_per_pair` pings keeping
// at most `pipeline` of them in flight. Returns million messages (pings + pongs)
// per second.
[[nodiscard]] absl::StatusOr<double> RunThroughputPingPong(caf::actor_system& system,
                                                           int64_t messages_per_pair, int64_t pipeline,
                                                           int pairs);

// `senders` actors each send their share of `messages` to one receiver: as fast
// as they can if `window` is 0, else with credit-based flow control (at most
// `window` unacknowledged messages per sender). Returns million messages per
// second.
[[nodiscard]] absl::StatusOr<double> RunFanIn(caf::actor_system& system, int senders, int64_t messages,
                                              int64_t window);

// Spawns `actors` actors from the harness thread; each receives one message and
// quits. Timed until every one has terminated. Returns million actors per
// second.
[[nodiscard]] absl::StatusOr<double> RunSpawn(caf::actor_system& system, int64_t actors);

// Spawns `actors` actors and waits until all are initialised (started) and idle;
// returns the heap growth per actor in bytes (mallinfo2 uordblks + hblkhd delta /
// actors; resident set growth where the allocator does not report, e.g. ASan).
[[nodiscard]] absl::StatusOr<double> RunIdleMemory(caf::actor_system& system, int64_t actors);

// fib(n) by recursive actor creation: each actor for n > 2 spawns two children
// for n-1 and n-2 and sums their answers. Returns million actors per second
// (fib(n) spawns 2 * fib(n) - 1 actors); the answer is checked.
[[nodiscard]] absl::StatusOr<double> RunFibonacci(caf::actor_system& system, int n);

// `chameneos` creatures meet pairwise through one mall until `meetings` meetings
// happened. Returns million meetings per second; the creatures' meeting counts
// must add up to 2 * meetings.
[[nodiscard]] absl::StatusOr<double> RunChameneos(caf::actor_system& system, int chameneos, int64_t meetings);

// Block-parallel Floyd-Warshall over a generated `nodes`-node graph, one actor per
// `block_size` x `block_size` block. Returns runs (graphs solved) per second; the
// result is compared with a sequential Floyd-Warshall.
[[nodiscard]] absl::StatusOr<double> RunAllPairsShortestPath(caf::actor_system& system, int nodes,
                                                             int block_size);

// The network workloads: two actor systems in this process, A and B, each with
// its own caf::io::middleman and `threads` scheduler workers, connected over TCP
// on 127.0.0.1 only. B publishes a service actor (port 0: the OS picks the
// port) that hands out B's pongers; A gets a proxy of it with a connect request
// to its middleman, asks it for the pongers (proxies on A) and runs its pingers
// against them, so every ping and pong crosses the network. Set up once for all
// net runs; ShutDown ends it.
//
// Thread-safety: one thread at a time (the harness thread).
class NetPeers {
 public:
  // Starts A and B and connects them; every wait is bounded.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<NetPeers>> Create(int threads);

  // Terminates B's actors, releases A's proxies, then destroys A and B. Bounded:
  // if a system does not finish shutting down within a minute, the process
  // reports it on stderr and exits with status 1 (CAF cannot abort a shutdown).
  // Call it on the thread that called Create (CAF 0.17 keeps the last created
  // system's logger in that thread's thread-local state, and a system's
  // destructor waits until its logger is gone).
  [[nodiscard]] static absl::Status ShutDown(std::unique_ptr<NetPeers> peers);

  ~NetPeers();

  // One pinger on A, one ponger on B, `round_trips` sequential round trips of
  // (ping, uint64 index) / (pong, index). Returns thousand round trips per second.
  [[nodiscard]] absl::StatusOr<double> RunPingPong(int64_t round_trips);

  // `pairs` pinger (A) / ponger (B) pairs, each pinger with at most `pipeline`
  // indexed pings in flight, FIFO checked. Returns thousand messages (pings +
  // pongs, 2 * messages_per_pair * pairs) per second.
  [[nodiscard]] absl::StatusOr<double> RunThroughputPingPong(int64_t messages_per_pair, int64_t pipeline,
                                                             int pairs);

  // The most pairs RunThroughputPingPong takes.
  static constexpr int kMaxPairs = 4;

  struct State;

 private:
  explicit NetPeers(std::unique_ptr<State> state);
  absl::StatusOr<double> RunPairs(int64_t count, int64_t pipeline, int pairs);

  std::unique_ptr<State> state_;
};

}  // namespace kompact::bench::caf_peer

#endif  // KOMPACT_BENCH_PEERS_CAF_WORKLOADS_H_
