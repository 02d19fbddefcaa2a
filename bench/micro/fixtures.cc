#include "bench/micro/fixtures.h"

#include <string>
#include <utility>

#include "glog/logging.h"
#include "runtime/kompact_config.h"

namespace kompact::bench {

std::unique_ptr<testing::DeterministicSystem> MakeDeterministicSystem() {
  KompactConfig config;
  config.SetConfigValue(config_keys::kLogLevel, std::string("warning"));
  absl::StatusOr<std::unique_ptr<testing::DeterministicSystem>> sim =
      testing::DeterministicSystem::Create(config);
  CHECK(sim.ok()) << sim.status();
  return std::move(sim).value();
}

KompactSystem MakeSystem(int threads) {
  absl::StatusOr<KompactSystem> system = KompactConfig()
                                             .Label("micro-bench")
                                             .Threads(threads)
                                             .SetConfigValue(config_keys::kLogLevel, std::string("warning"))
                                             .Build();
  CHECK(system.ok()) << system.status();
  return std::move(system).value();
}

}  // namespace kompact::bench
