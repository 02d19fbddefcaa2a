#include "bench/suite/suite.h"

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "bench/suite/all_pairs_shortest_path.h"
#include "bench/suite/chameneos.h"
#include "bench/suite/common.h"
#include "bench/suite/fan_in.h"
#include "bench/suite/fibonacci.h"
#include "bench/suite/net_pingpong.h"
#include "bench/suite/pingpong.h"
#include "bench/suite/spawn.h"
#include "bench/suite/throughput_pingpong.h"
#include "runtime/kompact_config.h"

namespace kompact::bench {

std::vector<Workload> SuiteWorkloads(const KompactSystem& system, const Options& o) {
  std::vector<Workload> w;
  const KompactSystem s = system;

  // PingPong: n round trips.
  const int64_t pp_n = o.Scaled(1'000'000);
  w.push_back({"PingPong", "actor", "n=1000000", "M rt/s", [s, pp_n] { return RunActorPingPong(s, pp_n); }});
  w.push_back(
      {"PingPong", "component", "n=1000000", "M rt/s", [s, pp_n] { return RunComponentPingPong(s, pp_n); }});

  // ThroughputPingPong: n per pair, W in flight, P pairs.
  for (const char* style : {"actor", "component"}) {
    for (int64_t pipeline : {10, 500}) {
      for (int64_t pairs : {1, 2, 4}) {
        const ThroughputPingPongParams p{o.Scaled(1'000'000), pipeline, pairs};
        const bool actor = std::string(style) == "actor";
        w.push_back({"ThroughputPingPong", style, absl::StrCat("n=1000000 w=", pipeline, " p=", pairs),
                     "M msg/s", [s, p, actor] {
                       return actor ? RunActorThroughputPingPong(s, p) : RunComponentThroughputPingPong(s, p);
                     }});
      }
    }
  }

  // FanIn: 8 senders -> 1 sink, 4,000,000 messages; and the credit-bounded variant.
  const FanInParams fan{o.Scaled(4'000'000, 8), 8, 0};
  FanInParams bounded = fan;
  bounded.window = 1000;
  // The bounded variant first: peak RSS is the process's high-water mark, and the
  // unbounded runs leave their mailbox memory with the allocator.
  w.push_back({"FanIn", "actor", "n=4000000 s=8 w=1000", "M msg/s",
               [s, bounded] { return RunActorFanIn(s, bounded); }});
  w.push_back({"FanIn", "actor", "n=4000000 s=8", "M msg/s", [s, fan] { return RunActorFanIn(s, fan); }});
  w.push_back(
      {"FanIn", "component", "n=4000000 s=8", "M msg/s", [s, fan] { return RunComponentFanIn(s, fan); }});

  // Spawn: create + start + one message + die; IdleMemory: bytes per idle component.
  const int64_t spawn_n = o.Scaled(100'000);
  w.push_back({"Spawn", "actor", "n=100000", "M comp/s", [s, spawn_n] { return RunActorSpawn(s, spawn_n); }});
  w.push_back(
      {"Spawn", "component", "n=100000", "M comp/s", [s, spawn_n] { return RunComponentSpawn(s, spawn_n); }});
  w.push_back({"IdleMemory", "actor", "n=100000", "B/comp",
               [s, spawn_n] { return RunIdleMemory(s, spawn_n, true); }});
  w.push_back({"IdleMemory", "component", "n=100000", "B/comp",
               [s, spawn_n] { return RunIdleMemory(s, spawn_n, false); }});

  // Fibonacci: recursive creation (actor only, as in Kompact's suite).
  for (int n : {22, 25, 28}) {
    const int scaled = ScaledFibonacciN(n, o.scale);
    w.push_back({"Fibonacci", "actor", absl::StrCat("n=", n), "M comp/s",
                 [s, scaled] { return RunFibonacci(s, scaled); }});
  }

  // Chameneos: creatures meeting at a mall.
  const int64_t meetings = o.Scaled(200'000);
  for (int64_t creatures : {2, 8, 32}) {
    const std::string params = absl::StrCat("c=", creatures, " n=200000");
    w.push_back({"Chameneos", "actor", params, "M meet/s",
                 [s, creatures, meetings] { return RunActorChameneos(s, creatures, meetings); }});
    w.push_back({"Chameneos", "mixed", params, "M meet/s",
                 [s, creatures, meetings] { return RunMixedChameneos(s, creatures, meetings); }});
  }

  // AllPairsShortestPath: 8 x 8 blocks; --scale shrinks the blocks (work ~ nodes^3).
  for (int64_t block : {16, 32, 64}) {
    const int64_t scaled_block =
        std::max<int64_t>(2, std::llround(block * std::cbrt(std::min(1.0, o.scale))));
    auto apsp = std::make_shared<AllPairsShortestPath>(8 * scaled_block, scaled_block);
    const std::string params = absl::StrCat("nodes=", 8 * block, " block=", block);
    w.push_back({"AllPairsShortestPath", "actor", params, "runs/s", [s, apsp] { return apsp->RunActor(s); }});
    w.push_back(
        {"AllPairsShortestPath", "component", params, "runs/s", [s, apsp] { return apsp->RunComponent(s); }});
  }

  // The network rows: two more systems (as many threads each as this one), on
  // loopback TCP; the Kompact anchor harness has the same rows.
  const int64_t threads = s.config().Get(config_keys::kThreads).value_or(2);
  {
    NetPingPongParams p;
    p.messages_per_pair = o.Scaled(10'000);
    p.threads = threads;
    w.push_back({"NetPingPong", "actor", "n=10000", "k rt/s", [p] { return RunNetPingPong(p); }});
  }
  for (int64_t pipeline : {100, 1000}) {
    for (int64_t pairs : {1, 4}) {
      NetPingPongParams p{o.Scaled(20'000), pipeline, pairs, threads};
      w.push_back({"NetThroughputPingPong", "actor", absl::StrCat("n=20000 w=", pipeline, " p=", pairs),
                   "k msg/s", [p] { return RunNetThroughputPingPong(p); }});
    }
  }
  // The same over mutual TLS 1.3 (issue 16's targets: >= 0.7x and >= 0.6x plaintext).
  {
    NetPingPongParams p;
    p.messages_per_pair = o.Scaled(10'000);
    p.threads = threads;
    p.tls = true;
    w.push_back({"NetPingPong", "actor", "n=10000 tls", "k rt/s", [p] { return RunNetPingPong(p); }});
    NetPingPongParams t{o.Scaled(20'000), 1000, 1, threads, /*tls=*/true};
    w.push_back({"NetThroughputPingPong", "actor", "n=20000 w=1000 p=1 tls", "k msg/s",
                 [t] { return RunNetThroughputPingPong(t); }});
  }

  // A failed run may leave components behind; later runs must not wait for them.
  for (Workload& workload : w) {
    workload.run = [run = std::move(workload.run)]() -> absl::StatusOr<double> {
      absl::StatusOr<double> result = run();
      if (!result.ok()) LiveComponents::ForgetLeaked();
      return result;
    };
  }
  return w;
}

}  // namespace kompact::bench
