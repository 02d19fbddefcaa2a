// Checks that --//routing:implicit_routes reaches routing behaviour (FEATURES.md P4,
// F): with it on, `…/group/*` and `…/group/?` work on a node without a policy; with
// it off they are dead letters (the DoS defence), while explicit policies work
// either way. argv[1] is the expected setting (0 or 1).
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "routing/policies.h"
#include "routing/routing_config.h"
#include "routing/testing/recorder.h"
#include "runtime/kompact_system.h"
#include "testing/deterministic_system.h"

namespace {

int Fail(const char* what) {
  std::fprintf(stderr, "FAIL: %s\n", what);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace kompact;  // NOLINT
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <0|1>\n", argv[0]);
    return 2;
  }
  const int expected = std::atoi(argv[1]);
  std::printf("KOMPACT_IMPLICIT_ROUTES = %d (expected %d)\n", KOMPACT_IMPLICIT_ROUTES, expected);
  if (KOMPACT_IMPLICIT_ROUTES != expected)
    return Fail("the build flag did not reach routing/routing_config.h");

  auto sim = testing::DeterministicSystem::Create().value();
  KompactSystem& system = sim->system();
  auto inbox = std::make_shared<routing_testing::Inbox>();
  Component<routing_testing::Recorder> a = system.Create<routing_testing::Recorder>(inbox, 0);
  Component<routing_testing::Recorder> b = system.Create<routing_testing::Recorder>(inbox, 1);
  system.Start(a);
  system.Start(b);
  if (!system.RegisterByAlias(a, "implicit/a").Wait().ok() ||
      !system.RegisterByAlias(b, "implicit/b").Wait().ok() ||
      !system.RegisterByAlias(a, "explicit/a").Wait().ok() ||
      !system.RegisterByAlias(b, "explicit/b").Wait().ok() ||
      !system.SetRoutingPolicy(BroadcastRouting(), "explicit").Wait().ok()) {
    return Fail("registration");
  }
  sim->RunUntilIdle();

  const uint64_t dead_before = system.dead_letters();
  system.SystemPath().Named("implicit/*")->Tell(std::string("all"), system);
  system.SystemPath().Named("implicit/?")->Tell(std::string("one"), system);
  sim->RunUntilIdle();
  const size_t implicit_delivered = inbox->size();
  const uint64_t implicit_dead = system.dead_letters() - dead_before;
  std::printf("implicit routes: %zu delivered, %llu dead letters\n", implicit_delivered,
              static_cast<unsigned long long>(implicit_dead));
  if (expected == 1 && (implicit_delivered != 3 || implicit_dead != 0))
    return Fail("implicit routes on: expected 3, 0");
  if (expected == 0 && (implicit_delivered != 0 || implicit_dead != 2))
    return Fail("implicit routes off: expected 0, 2");

  system.SystemPath().Named("explicit/*")->Tell(std::string("all"), system);
  sim->RunUntilIdle();
  if (inbox->size() != implicit_delivered + 2)
    return Fail("an explicit broadcast policy must work either way");

  a = {};
  b = {};
  if (!sim->Shutdown().ok()) return Fail("shutdown");
  std::printf("ok\n");
  return 0;
}
