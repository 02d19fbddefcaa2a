// Fair execution (FEATURES.md C5) and passive queueing, on the deterministic
// system: every run is started by the test, so the order is exact.
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_config.h"
#include "testing/deterministic_system.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

using ::kompact::testing::DeterministicSystem;
using ::kompact::testing::StatusIs;

struct Item {
  int n;
};
struct ItemPort : Port<Requests<Item>, Indications<>> {};

// Two provided ports of one type; records which port each item came from.
class TwoInputs : public ComponentDefinition<TwoInputs> {
  ProvidedPort<ItemPort> a_;
  ProvidedPort<ItemPort> b_;

 public:
  HandlerResult Handle(Provided<&TwoInputs::a_>, const Item& i) {
    seen.push_back("a" + std::to_string(i.n));
    return Handled::kOk;
  }
  HandlerResult Handle(Provided<&TwoInputs::b_>, const Item& i) {
    seen.push_back("b" + std::to_string(i.n));
    return Handled::kOk;
  }
  static constexpr auto Ports() { return PortList(&TwoInputs::a_, &TwoInputs::b_); }
  ProvidedPortRef<ItemPort> a() { return a_.Share(); }
  ProvidedPortRef<ItemPort> b() { return b_.Share(); }
  std::vector<std::string> seen;
};

class SchedulingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto sim = DeterministicSystem::Create(KompactConfig().Throughput(10));
    ASSERT_OK(sim);
    sim_ = std::move(*sim);
  }
  KompactSystem& system() { return sim_->system(); }
  std::unique_ptr<DeterministicSystem> sim_;
};

TEST_F(SchedulingTest, OneRunHandlesAtMostThroughputEvents) {
  auto c = system().Create<TwoInputs>();
  system().Start(c);
  sim_->RunUntilIdle();
  for (int i = 0; i < 35; ++i) ASSERT_OK(system().TriggerRequest(c.definition().a(), Item{i}));
  ASSERT_EQ(sim_->scheduled(), 1u);
  ASSERT_TRUE(sim_->RunOne());
  EXPECT_EQ(c.definition().seen.size(), 10u);
  EXPECT_EQ(sim_->scheduled(), 1u) << "a component with work left reschedules itself";
  EXPECT_EQ(sim_->RunUntilIdle(), 3u);  // 10 + 10 + 5
  EXPECT_EQ(c.definition().seen.size(), 35u);
}

TEST_F(SchedulingTest, PortsAreServedRoundRobinSoAFloodCannotStarveAnother) {
  auto c = system().Create<TwoInputs>();
  system().Start(c);
  sim_->RunUntilIdle();
  for (int i = 0; i < 1000; ++i) ASSERT_OK(system().TriggerRequest(c.definition().a(), Item{i}));
  for (int i = 0; i < 3; ++i) ASSERT_OK(system().TriggerRequest(c.definition().b(), Item{i}));
  ASSERT_TRUE(sim_->RunOne());
  EXPECT_THAT(c.definition().seen,
              ::testing::ElementsAre("a0", "b0", "a1", "b1", "a2", "b2", "a3", "a4", "a5", "a6"));
}

TEST_F(SchedulingTest, RoundRobinResumesAtThePortWhereItStopped) {
  auto c = system().Create<TwoInputs>();
  system().Start(c);
  sim_->RunUntilIdle();
  // 5 on each: the first run ends after b4 (10 events); put one more on each.
  for (int i = 0; i < 6; ++i) ASSERT_OK(system().TriggerRequest(c.definition().a(), Item{i}));
  for (int i = 0; i < 6; ++i) ASSERT_OK(system().TriggerRequest(c.definition().b(), Item{i}));
  ASSERT_TRUE(sim_->RunOne());
  ASSERT_EQ(c.definition().seen.size(), 10u);
  EXPECT_EQ(c.definition().seen.back(), "b4");
  ASSERT_TRUE(sim_->RunOne());
  EXPECT_THAT(std::vector<std::string>(c.definition().seen.begin() + 10, c.definition().seen.end()),
              ::testing::ElementsAre("a5", "b5"));
}

TEST_F(SchedulingTest, PassiveComponentParksItsEventsWithoutSpinning) {
  auto c = system().Create<TwoInputs>();
  for (int i = 0; i < 100; ++i) ASSERT_OK(system().TriggerRequest(c.definition().a(), Item{i}));
  // One run parks everything; a spinning component would never let this end.
  EXPECT_LE(sim_->RunUntilIdle(1000), 2u);
  EXPECT_TRUE(c.definition().seen.empty());
  EXPECT_EQ(c.core()->pending_work(), 0u);
  // More events while passive: one more run each burst, still nothing handled.
  ASSERT_OK(system().TriggerRequest(c.definition().b(), Item{0}));
  EXPECT_EQ(sim_->RunUntilIdle(1000), 1u);
  system().Start(c);
  sim_->RunUntilIdle();
  EXPECT_EQ(c.definition().seen.size(), 101u);
  EXPECT_EQ(c.core()->pending_work(), 0u);
}

// A destroyed component refuses events but still runs for control events. A
// refused event's unit stays counted until a run takes it back, so the
// component is queued exactly once however refusals and control events mix
// (runtime/component_core.h).
TEST_F(SchedulingTest, EventsRefusedByADestroyedComponentQueueItOnceUntilARunTakesThemBack) {
  auto c = system().Create<TwoInputs>();
  system().Start(c);
  system().Kill(c);
  sim_->RunUntilIdle();
  ASSERT_TRUE(c.IsDestroyed());
  ASSERT_EQ(sim_->scheduled(), 0u);
  EXPECT_THAT(system().TriggerRequest(c.definition().a(), Item{1}),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(c.core()->pending_work(), 1u);  // the refused unit, until a run takes it
  EXPECT_EQ(sim_->scheduled(), 1u);
  Future<void> stop = system().StopNotify(c);
  EXPECT_THAT(system().TriggerRequest(c.definition().b(), Item{2}),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(sim_->scheduled(), 1u) << "a busy component must not be queued again";
  EXPECT_EQ(sim_->RunUntilIdle(), 1u);
  EXPECT_EQ(c.core()->pending_work(), 0u);
  EXPECT_THAT(stop.WaitFor(absl::ZeroDuration()),
              StatusIs(absl::StatusCode::kFailedPrecondition, "Destroyed"));
  EXPECT_TRUE(c.definition().seen.empty());
}

TEST_F(SchedulingTest, StoppedComponentParksUntilRestarted) {
  auto c = system().Create<TwoInputs>();
  system().Start(c);
  sim_->RunUntilIdle();
  system().Stop(c);
  sim_->RunUntilIdle();
  for (int i = 0; i < 4; ++i) ASSERT_OK(system().TriggerRequest(c.definition().a(), Item{i}));
  sim_->RunUntilIdle();
  EXPECT_TRUE(c.definition().seen.empty());
  system().Start(c);
  sim_->RunUntilIdle();
  EXPECT_THAT(c.definition().seen, ::testing::ElementsAre("a0", "a1", "a2", "a3"));
}

TEST_F(SchedulingTest, DeterministicShutdownKillsEverything) {
  auto c = system().Create<TwoInputs>();
  system().Start(c);
  sim_->RunUntilIdle();
  ASSERT_OK(sim_->Shutdown());
  EXPECT_TRUE(c.IsDestroyed());
  EXPECT_TRUE(system().IsTerminated());
}

}  // namespace
}  // namespace kompact
