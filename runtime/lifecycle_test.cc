// Lifecycle (FEATURES.md C6, C7): state transitions, hooks, notify futures,
// handler results, passive queueing.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/channel.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"
#include "testing/status_matchers.h"
#include "testing/wait_until.h"

namespace kompact {
namespace {

using ::kompact::testing::IsOk;
using ::kompact::testing::StatusIs;
using ::kompact::testing::WaitUntil;

constexpr absl::Duration kWait = absl::Seconds(20);

struct Poke {
  int value = 0;
};
struct PokePort : Port<Requests<Poke>, Indications<>> {};

// Records everything that happens to it; behaviour can be switched per test.
class Recorder : public ComponentDefinition<Recorder> {
 public:
  explicit Recorder(std::shared_ptr<std::atomic<int>> destroyed = nullptr)
      : destroyed_(std::move(destroyed)) {}
  ~Recorder() override {
    if (destroyed_) destroyed_->fetch_add(1);
  }

  HandlerResult OnStart() override {
    log_.push_back("start");
    return Handled::kOk;
  }
  HandlerResult OnStop() override {
    log_.push_back("stop");
    return Handled::kOk;
  }
  HandlerResult OnKill() override {
    log_.push_back("kill");
    return Handled::kOk;
  }
  HandlerResult Handle(const Poke& p) {
    log_.push_back("poke " + std::to_string(p.value));
    pokes_handled.fetch_add(1);
    if (p.value < 0) return HandlerResult::Benign(absl::InvalidArgumentError("negative poke"));
    if (p.value == 999) return Handled::kShutdown;
    return Handled::kOk;
  }
  static constexpr auto Ports() { return PortList(&Recorder::port_); }

  const std::vector<std::string>& events() const { return log_; }
  std::atomic<int> pokes_handled{0};  // readable while running

 private:
  ProvidedPort<PokePort> port_;
  std::vector<std::string> log_;
  std::shared_ptr<std::atomic<int>> destroyed_;
};

class LifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto built = KompactConfig().Threads(2).Build();
    ASSERT_OK(built);
    system_ = std::make_unique<KompactSystem>(*std::move(built));
  }
  void TearDown() override {
    if (system_) {
      EXPECT_OK(system_->Shutdown());
    }
  }
  absl::Status Poke(const AnyComponent& c, int value) {
    auto port = c.GetProvidedPort<PokePort>();
    if (!port.ok()) return port.status();
    return system_->TriggerRequest(*port, kompact::Poke{value});
  }
  std::unique_ptr<KompactSystem> system_;
};

TEST_F(LifecycleTest, NewComponentIsPassiveAndStartRunsOnStart) {
  Component<Recorder> c = system_->Create<Recorder>();
  EXPECT_EQ(c.lifecycle(), LifecycleState::kPassive);
  ASSERT_OK(system_->StartNotify(c).WaitFor(kWait));
  EXPECT_EQ(c.lifecycle(), LifecycleState::kActive);
  ASSERT_OK(system_->KillNotify(c).WaitFor(kWait));
  EXPECT_EQ(c.lifecycle(), LifecycleState::kDestroyed);
  EXPECT_THAT(c.definition().events(), ::testing::ElementsAre("start", "kill"));
}

TEST_F(LifecycleTest, StopAndRestartRunsHooksInOrder) {
  Component<Recorder> c = system_->Create<Recorder>();
  ASSERT_OK(system_->StartNotify(c).WaitFor(kWait));
  ASSERT_OK(system_->StopNotify(c).WaitFor(kWait));
  EXPECT_EQ(c.lifecycle(), LifecycleState::kPassive);
  ASSERT_OK(system_->StartNotify(c).WaitFor(kWait));
  ASSERT_OK(system_->KillNotify(c).WaitFor(kWait));
  EXPECT_THAT(c.definition().events(), ::testing::ElementsAre("start", "stop", "start", "kill"));
}

TEST_F(LifecycleTest, PassiveComponentKeepsEventsUntilStarted) {
  Component<Recorder> c = system_->Create<Recorder>();
  for (int i = 0; i < 5; ++i) ASSERT_OK(Poke(c, i));
  ASSERT_OK(system_->StartNotify(c).WaitFor(kWait));
  ASSERT_TRUE(WaitUntil([&] { return c.definition().pokes_handled.load() == 5; }));
  ASSERT_OK(system_->KillNotify(c).WaitFor(kWait));
  EXPECT_THAT(c.definition().events(),
              ::testing::ElementsAre("start", "poke 0", "poke 1", "poke 2", "poke 3", "poke 4", "kill"));
}

TEST_F(LifecycleTest, StartOfADestroyedComponentFails) {
  Component<Recorder> c = system_->Create<Recorder>();
  ASSERT_OK(system_->KillNotify(c).WaitFor(kWait));
  EXPECT_THAT(system_->StartNotify(c).WaitFor(kWait),
              StatusIs(absl::StatusCode::kFailedPrecondition, "Destroyed"));
  // Killing again is fine: it has happened.
  EXPECT_OK(system_->KillNotify(c).WaitFor(kWait));
}

TEST_F(LifecycleTest, EventsToADestroyedComponentAreRefused) {
  Component<Recorder> c = system_->Create<Recorder>();
  ASSERT_OK(system_->StartNotify(c).WaitFor(kWait));
  ASSERT_OK(system_->KillNotify(c).WaitFor(kWait));
  EXPECT_THAT(Poke(c, 1), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(LifecycleTest, HandledShutdownDestroysAndRunsOnKill) {
  Component<Recorder> c = system_->Create<Recorder>();
  ASSERT_OK(system_->StartNotify(c).WaitFor(kWait));
  ASSERT_OK(Poke(c, 999));
  (void)Poke(c, 1);  // accepted or refused depending on timing; never handled after shutdown
  for (int i = 0; i < 2000 && !c.IsDestroyed(); ++i) absl::SleepFor(absl::Milliseconds(5));
  ASSERT_TRUE(c.IsDestroyed());
  ASSERT_OK(system_->KillNotify(c).WaitFor(kWait));  // ordered after the run that destroyed it
  EXPECT_THAT(c.definition().events(), ::testing::ElementsAre("start", "poke 999", "kill"));
}

TEST_F(LifecycleTest, BenignErrorIsLoggedAndTheComponentContinues) {
  Component<Recorder> c = system_->Create<Recorder>();
  ASSERT_OK(system_->StartNotify(c).WaitFor(kWait));
  ASSERT_OK(Poke(c, -1));
  ASSERT_OK(Poke(c, 2));
  // Control events take priority over port events: wait before killing.
  ASSERT_TRUE(WaitUntil([&] { return c.definition().pokes_handled.load() == 2; }));
  ASSERT_OK(system_->KillNotify(c).WaitFor(kWait));
  EXPECT_THAT(c.definition().events(), ::testing::ElementsAre("start", "poke -1", "poke 2", "kill"));
}

TEST_F(LifecycleTest, DefinitionIsDestroyedWhenTheLastReferenceGoes) {
  auto destroyed = std::make_shared<std::atomic<int>>(0);
  {
    Component<Recorder> c = system_->Create<Recorder>(destroyed);
    ASSERT_OK(system_->StartNotify(c).WaitFor(kWait));
    // Started: the supervisor keeps it alive without our handle.
  }
  EXPECT_EQ(destroyed->load(), 0);
  ASSERT_OK(system_->Shutdown());
  EXPECT_EQ(destroyed->load(), 1);
  system_.reset();
}

TEST_F(LifecycleTest, UnstartedComponentDiesWithItsLastHandle) {
  auto destroyed = std::make_shared<std::atomic<int>>(0);
  { Component<Recorder> c = system_->Create<Recorder>(destroyed); }
  EXPECT_EQ(destroyed->load(), 1);
}

class ThrowsInConstructor : public ComponentDefinition<ThrowsInConstructor> {
 public:
  ThrowsInConstructor() { throw std::runtime_error("no"); }
};

TEST_F(LifecycleTest, ConstructorExceptionPropagatesWithoutLeaking) {
  EXPECT_THROW(system_->Create<ThrowsInConstructor>(), std::runtime_error);
}

}  // namespace
}  // namespace kompact
