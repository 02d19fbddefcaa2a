#include "bench/suite/suite.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "bench/suite/pingpong.h"

namespace kompact::bench {

std::vector<Workload> SuiteWorkloads(const KompactSystem& system, const Options& o) {
  std::vector<Workload> w;
  const int64_t pp_n = o.Scaled(1'000'000);
  w.push_back({"PingPong", "actor", "n=1000000", "M rt/s", [system, pp_n] { return RunActorPingPong(system, pp_n); }});
  w.push_back(
      {"PingPong", "component", "n=1000000", "M rt/s", [system, pp_n] { return RunComponentPingPong(system, pp_n); }});
  return w;
}

}  // namespace kompact::bench
