// Ports and channels (FEATURES.md C1-C4, C10, C11).
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
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

using ::kompact::testing::StatusIs;
using ::kompact::testing::WaitUntil;
constexpr absl::Duration kWait = absl::Seconds(20);

struct Increment {};
struct Reset {};
struct CountChanged {
  int64_t value;
};
struct CounterPort : Port<Requests<Increment, Reset>, Indications<CountChanged>> {};

// Provides CounterPort: counts Increments, announces each change.
class Counter : public ComponentDefinition<Counter> {
 public:
  HandlerResult Handle(const Increment&) {
    port_.Trigger(CountChanged{++count_});
    return Handled::kOk;
  }
  HandlerResult Handle(const Reset&) {
    count_ = 0;
    port_.Trigger(CountChanged{0});
    return Handled::kOk;
  }
  static constexpr auto Ports() { return PortList(&Counter::port_); }
  int64_t count() const { return count_; }
  // Connected required ports (own thread: read it through OnDefinition).
  size_t connections() const { return port_.connections(); }

 private:
  ProvidedPort<CounterPort> port_;
  int64_t count_ = 0;
};

// Shared between a test and its observers.
struct Observations {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<int64_t> values ABSL_GUARDED_BY(mu);
  void Add(int64_t v) {
    {
      std::lock_guard<std::mutex> lock(mu);
      values.push_back(v);
    }
    cv.notify_all();
  }
  bool WaitForCount(size_t n) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, absl::ToChronoNanoseconds(kWait), [&] { return values.size() >= n; });
  }
  std::vector<int64_t> Snapshot() {
    std::lock_guard<std::mutex> lock(mu);
    return values;
  }
};

// Requires CounterPort; forwards increments it is poked with, records changes.
class Display : public ComponentDefinition<Display> {
 public:
  explicit Display(std::shared_ptr<Observations> seen) : seen_(std::move(seen)) {}
  HandlerResult Handle(const CountChanged& c) {
    seen_->Add(c.value);
    return Handled::kOk;
  }
  static constexpr auto Ports() { return PortList(&Display::counter_); }

 private:
  RequiredPort<CounterPort> counter_;
  std::shared_ptr<Observations> seen_;
};

class PortsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto built = KompactConfig().Threads(2).Build();
    ASSERT_OK(built);
    system_ = std::make_unique<KompactSystem>(*std::move(built));
  }
  void TearDown() override { EXPECT_OK(system_->Shutdown()); }
  absl::Status SendIncrement(const AnyComponent& counter) {
    auto port = counter.GetProvidedPort<CounterPort>();
    if (!port.ok()) return port.status();
    return system_->TriggerRequest(*port, kompact::Increment{});
  }
  std::unique_ptr<KompactSystem> system_;
};

TEST_F(PortsTest, IndicationReachesTheConnectedRequirer) {
  auto seen = std::make_shared<Observations>();
  auto counter = system_->Create<Counter>();
  auto display = system_->Create<Display>(seen);
  ASSERT_OK(BiconnectComponents<CounterPort>(counter, display));
  ASSERT_OK(system_->StartNotify(counter).WaitFor(kWait));
  ASSERT_OK(system_->StartNotify(display).WaitFor(kWait));
  for (int i = 0; i < 3; ++i) ASSERT_OK(SendIncrement(counter));
  ASSERT_TRUE(seen->WaitForCount(3));
  EXPECT_THAT(seen->Snapshot(), ::testing::ElementsAre(1, 2, 3));
}

TEST_F(PortsTest, TriggerBroadcastsToEveryPeer) {
  constexpr int kDisplays = 50;
  auto counter = system_->Create<Counter>();
  std::vector<std::shared_ptr<Observations>> seen;
  for (int i = 0; i < kDisplays; ++i) {
    seen.push_back(std::make_shared<Observations>());
    auto display = system_->Create<Display>(seen.back());
    ASSERT_OK(BiconnectComponents<CounterPort>(counter, display));
    system_->Start(display);
  }
  ASSERT_OK(system_->StartNotify(counter).WaitFor(kWait));
  ASSERT_OK(SendIncrement(counter));
  ASSERT_OK(SendIncrement(counter));
  for (auto& s : seen) {
    ASSERT_TRUE(s->WaitForCount(2));
    EXPECT_THAT(s->Snapshot(), ::testing::ElementsAre(1, 2));
  }
}

TEST_F(PortsTest, DeadPeersArePrunedAndDoNotDisturbTheSender) {
  auto seen_alive = std::make_shared<Observations>();
  auto counter = system_->Create<Counter>();
  auto alive = system_->Create<Display>(seen_alive);
  ASSERT_OK(BiconnectComponents<CounterPort>(counter, alive));
  {
    auto doomed = system_->Create<Display>(std::make_shared<Observations>());
    ASSERT_OK(BiconnectComponents<CounterPort>(counter, doomed));
    ASSERT_OK(system_->StartNotify(doomed).WaitFor(kWait));
    ASSERT_OK(system_->KillNotify(doomed).WaitFor(kWait));
  }
  system_->Start(alive);
  ASSERT_OK(system_->StartNotify(counter).WaitFor(kWait));
  auto connections = [&] {
    return counter.OnDefinition([](Counter& c) { return c.connections(); }).WaitFor(kWait);
  };
  // Nothing was triggered since the kill: the link to the dead peer is still there
  // (pruning is lazy), or was already dropped.
  ASSERT_OK_AND_ASSIGN(const size_t before, connections());
  EXPECT_LE(before, 2u);
  for (int i = 0; i < 3; ++i) ASSERT_OK(SendIncrement(counter));
  ASSERT_TRUE(seen_alive->WaitForCount(3));
  EXPECT_THAT(seen_alive->Snapshot(), ::testing::ElementsAre(1, 2, 3));
  EXPECT_EQ(counter.lifecycle(), LifecycleState::kActive);
  // The triggers (all handled: the live peer saw them) pruned the dead peer.
  EXPECT_THAT(connections(), ::kompact::testing::IsOkAndHolds(1u));
}

TEST_F(PortsTest, DisconnectStopsDelivery) {
  auto seen = std::make_shared<Observations>();
  auto witness_seen = std::make_shared<Observations>();
  auto counter = system_->Create<Counter>();
  auto display = system_->Create<Display>(seen);
  auto witness = system_->Create<Display>(witness_seen);
  auto channel = BiconnectComponents<CounterPort>(counter, display);
  ASSERT_OK(channel);
  ASSERT_OK(BiconnectComponents<CounterPort>(counter, witness));
  system_->Start(display);
  system_->Start(witness);
  ASSERT_OK(system_->StartNotify(counter).WaitFor(kWait));
  ASSERT_OK(SendIncrement(counter));
  ASSERT_TRUE(seen->WaitForCount(1));
  ASSERT_OK(channel->Disconnect());
  ASSERT_OK(SendIncrement(counter));
  ASSERT_OK(SendIncrement(counter));
  // The witness, still connected, proves both increments were handled.
  ASSERT_TRUE(witness_seen->WaitForCount(3));
  EXPECT_THAT(witness_seen->Snapshot(), ::testing::ElementsAre(1, 2, 3));
  // The display may not have run since: reconnect it and send one more. Its port
  // queue is FIFO, so had 2 or 3 reached it, they would be handled before 4.
  ASSERT_OK(BiconnectComponents<CounterPort>(counter, display));
  ASSERT_OK(SendIncrement(counter));
  ASSERT_TRUE(seen->WaitForCount(2));
  EXPECT_THAT(seen->Snapshot(), ::testing::ElementsAre(1, 4));
}

TEST_F(PortsTest, MissingPortIsNotFound) {
  auto display = system_->Create<Display>(std::make_shared<Observations>());
  EXPECT_THAT(display.GetProvidedPort<CounterPort>(), StatusIs(absl::StatusCode::kNotFound, "provided port"));
  auto a = system_->Create<Display>(std::make_shared<Observations>());
  EXPECT_THAT(BiconnectComponents<CounterPort>(a, display), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(PortsTest, ConnectingToADeadComponentFails) {
  auto counter = system_->Create<Counter>();
  auto display = system_->Create<Display>(std::make_shared<Observations>());
  auto port = display.GetRequiredPort<CounterPort>();
  ASSERT_OK(port);
  ASSERT_OK(system_->KillNotify(display).WaitFor(kWait));
  display.Reset();  // the last strong reference: the definition is destroyed
  auto provided = counter.GetProvidedPort<CounterPort>();
  ASSERT_OK(provided);
  EXPECT_THAT(ConnectPorts<CounterPort>(*provided, *port),
              StatusIs(absl::StatusCode::kFailedPrecondition, "cannot connect"));
}

// Two fields of the same port type, told apart by tags (C3).
class TwoCounters : public ComponentDefinition<TwoCounters> {
  // Declared before the handlers that name them in tags (C++ lookup rule).
  ProvidedPort<CounterPort> left_;
  ProvidedPort<CounterPort> right_;

 public:
  HandlerResult Handle(Provided<&TwoCounters::left_>, const Increment&) {
    left_count.fetch_add(1);
    return Handled::kOk;
  }
  HandlerResult Handle(Provided<&TwoCounters::right_>, const Increment&) {
    right_count.fetch_add(1);
    return Handled::kOk;
  }
  HandlerResult Handle(const Reset&) {  // untagged: from either port
    resets.fetch_add(1);
    return Handled::kOk;
  }
  static constexpr auto Ports() { return PortList(&TwoCounters::left_, &TwoCounters::right_); }
  ProvidedPortRef<CounterPort> left() { return left_.Share(); }
  ProvidedPortRef<CounterPort> right() { return right_.Share(); }
  // Atomics: the test reads them while the component runs.
  std::atomic<int> left_count{0};
  std::atomic<int> right_count{0};
  std::atomic<int> resets{0};
};

TEST_F(PortsTest, TagsDistinguishTwoFieldsOfOnePortType) {
  auto c = system_->Create<TwoCounters>();
  ASSERT_OK(system_->StartNotify(c).WaitFor(kWait));
  ASSERT_OK(system_->TriggerRequest(c.definition().left(), Increment{}));
  ASSERT_OK(system_->TriggerRequest(c.definition().right(), Increment{}));
  ASSERT_OK(system_->TriggerRequest(c.definition().right(), Increment{}));
  ASSERT_OK(system_->TriggerRequest(c.definition().left(), Reset{}));
  ASSERT_OK(system_->TriggerRequest(c.definition().right(), Reset{}));
  TwoCounters& d = c.definition();
  ASSERT_TRUE(WaitUntil([&] { return d.resets.load() == 2; }));
  EXPECT_EQ(d.left_count.load(), 1);
  EXPECT_EQ(d.right_count.load(), 2);
}

// A port whose incoming events are ignored needs no handlers.
class Ignorer : public ComponentDefinition<Ignorer> {
 public:
  static constexpr auto Ports() { return PortList(Ignore(&Ignorer::port_)); }
  ProvidedPortRef<CounterPort> port() { return port_.Share(); }

 private:
  ProvidedPort<CounterPort> port_;
};

TEST_F(PortsTest, IgnoredPortDropsEvents) {
  auto c = system_->Create<Ignorer>();
  ASSERT_OK(system_->StartNotify(c).WaitFor(kWait));
  ASSERT_OK(system_->TriggerRequest(c.definition().port(), Increment{}));
  ASSERT_OK(system_->TriggerRequest(c.definition().port(), Reset{}));
  // Consumed (and dropped), not left queued.
  EXPECT_TRUE(WaitUntil([&] { return c.core()->pending_work() == 0; }));
}

TEST_F(PortsTest, TypeErasedCreationAndLookup) {
  AnyComponent erased = system_->CreateErased<Counter>();
  EXPECT_THAT(std::string(erased.type_name()), ::testing::HasSubstr("Counter"));
  ASSERT_OK(erased.GetProvidedPort<CounterPort>());
  EXPECT_THAT(erased.GetRequiredPort<CounterPort>(), StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace kompact
