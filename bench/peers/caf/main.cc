// //bench/peers/caf:suite: the CAF peer suite's runner. Flags are the harness's
// (bench/harness/harness.h) plus --threads=N (CAF scheduler workers, default 2,
// as the Kompics suite runs its systems with 2 threads here).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "bench/harness/harness.h"
#include "bench/peers/caf/workloads.h"
#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"

namespace kompact::bench::caf_peer {
namespace {

// fib(n) spawns ~2.6 * 1.618^n actors: --scale shrinks n by log_phi(1 / scale)
// (as //bench:suite does).
int ScaledFibonacci(int n, double scale) {
  const double phi = (1.0 + std::sqrt(5.0)) / 2.0;
  return std::max(3, n + static_cast<int>(std::floor(std::log(scale) / std::log(phi) + 1e-9)));
}

// The two connected systems of the net rows, set up by the first net run (so a
// selection without net rows never starts them) and shut down after the suite.
class LazyNetPeers {
 public:
  explicit LazyNetPeers(int threads) : threads_(threads) {}

  absl::StatusOr<NetPeers*> Get() {
    if (!tried_) {
      tried_ = true;
      absl::StatusOr<std::unique_ptr<NetPeers>> peers = NetPeers::Create(threads_);
      if (peers.ok()) {
        peers_ = *std::move(peers);
      } else {
        status_ = peers.status();
      }
    }
    if (!status_.ok()) return status_;
    return peers_.get();
  }

  absl::Status ShutDown() { return NetPeers::ShutDown(std::move(peers_)); }

 private:
  int threads_;
  bool tried_ = false;
  absl::Status status_;
  std::unique_ptr<NetPeers> peers_;
};

// The workloads with the standard parameters of BENCHMARKS.md. `params` names
// the standard values (as //bench:suite does), so rows pair up at any --scale.
std::vector<Workload> MakeWorkloads(caf::actor_system& system, LazyNetPeers& net, const Options& o) {
  std::vector<Workload> w;
  const int64_t pp_n = o.Scaled(1'000'000);
  w.push_back(
      {"PingPong", "actor", "n=1000000", "M rt/s", [&system, pp_n] { return RunPingPong(system, pp_n); }});
  for (int64_t pipeline : {10, 500}) {
    for (int pairs : {1, 2, 4}) {
      w.push_back({"ThroughputPingPong", "actor", absl::StrCat("n=1000000 w=", pipeline, " p=", pairs),
                   "M msg/s", [&system, pp_n, pipeline, pairs] {
                     return RunThroughputPingPong(system, pp_n, pipeline, pairs);
                   }});
    }
  }
  const int64_t fan_in_n = o.Scaled(4'000'000, 8);
  // Bounded first (as //bench:suite): the unbounded run leaves its mailbox peak
  // resident in the heap, which would show as the bounded row's peak RSS.
  w.push_back({"FanIn", "actor", "n=4000000 s=8 w=1000", "M msg/s",
               [&system, fan_in_n] { return RunFanIn(system, 8, fan_in_n, /*window=*/1000); }});
  w.push_back({"FanIn", "actor", "n=4000000 s=8", "M msg/s",
               [&system, fan_in_n] { return RunFanIn(system, 8, fan_in_n, /*window=*/0); }});
  const int64_t spawn_n = o.Scaled(100'000);
  w.push_back(
      {"Spawn", "actor", "n=100000", "M comp/s", [&system, spawn_n] { return RunSpawn(system, spawn_n); }});
  w.push_back({"IdleMemory", "actor", "n=100000", "B/comp",
               [&system, spawn_n] { return RunIdleMemory(system, spawn_n); }});
  for (int n : {22, 25, 28}) {
    const int fib_n = ScaledFibonacci(n, o.scale);
    w.push_back({"Fibonacci", "actor", absl::StrCat("n=", n), "M comp/s",
                 [&system, fib_n] { return RunFibonacci(system, fib_n); }});
  }
  const int64_t meetings = o.Scaled(200'000);
  for (int chameneos : {2, 8, 32}) {
    w.push_back({"Chameneos", "actor", absl::StrCat("c=", chameneos, " n=200000"), "M meet/s",
                 [&system, chameneos, meetings] { return RunChameneos(system, chameneos, meetings); }});
  }
  // 8 x 8 blocks; --scale shrinks the blocks (the work grows with nodes^3).
  for (int block : {16, 32, 64}) {
    const int scaled_block =
        std::max(2, static_cast<int>(std::lround(block * std::cbrt(std::min(1.0, o.scale)))));
    w.push_back({"AllPairsShortestPath", "actor", absl::StrCat("nodes=", 8 * block, " block=", block),
                 "runs/s", [&system, scaled_block] {
                   return RunAllPairsShortestPath(system, 8 * scaled_block, scaled_block);
                 }});
  }
  // The network rows: pingers on system A, pongers on system B (NetPeers).
  const int64_t net_pp_n = o.Scaled(10'000);
  w.push_back({"NetPingPong", "actor", "n=10000", "k rt/s", [&net, net_pp_n]() -> absl::StatusOr<double> {
                 absl::StatusOr<NetPeers*> peers = net.Get();
                 if (!peers.ok()) return peers.status();
                 return (*peers)->RunPingPong(net_pp_n);
               }});
  const int64_t net_tpp_n = o.Scaled(20'000);
  for (int pairs : {1, 4}) {
    for (int64_t pipeline : {100, 1000}) {
      w.push_back({"NetThroughputPingPong", "actor", absl::StrCat("n=20000 w=", pipeline, " p=", pairs),
                   "k msg/s", [&net, net_tpp_n, pipeline, pairs]() -> absl::StatusOr<double> {
                     absl::StatusOr<NetPeers*> peers = net.Get();
                     if (!peers.ok()) return peers.status();
                     return (*peers)->RunThroughputPingPong(net_tpp_n, pipeline, pairs);
                   }});
    }
  }
  return w;
}

int Main(int argc, char** argv) {
  int threads = 2;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i > 0 && arg.rfind("--threads=", 0) == 0) {
      if (!absl::SimpleAtoi(arg.substr(10), &threads) || threads < 1) {
        std::fprintf(stderr, "%s: expected an integer >= 1\n", arg.c_str());
        return 2;
      }
      continue;
    }
    args.push_back(argv[i]);
  }
  const int args_count = static_cast<int>(args.size());
  args.push_back(nullptr);  // argv convention
  caf::actor_system_config config;
  config.set("scheduler.max-threads", threads);
  caf::actor_system system{config};
  LazyNetPeers net(threads);
  int exit_code = RunSuite(args_count, args.data(), "caf",
                           [&system, &net](const Options& o) { return MakeWorkloads(system, net, o); });
  if (const absl::Status status = net.ShutDown(); !status.ok()) {
    std::fprintf(stderr, "shutting down the net rows' systems: %s\n", std::string(status.message()).c_str());
    if (exit_code == 0) exit_code = 1;
  }
  return exit_code;
}

}  // namespace
}  // namespace kompact::bench::caf_peer

int main(int argc, char** argv) { return kompact::bench::caf_peer::Main(argc, argv); }
