// Concurrency stress (FEATURES.md C5, C6): lifecycle races from many threads,
// messages racing with kills, and the message/port-event ratio of one run.
#include <atomic>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "base/build_config.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/actor_ref.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"
#include "testing/deterministic_system.h"
#include "testing/status_matchers.h"
#include "testing/wait_until.h"

namespace kompact {
namespace {

using ::kompact::testing::DeterministicSystem;
using ::kompact::testing::StatusIs;
using ::kompact::testing::WaitUntil;

struct Bump {};
struct BumpPort : Port<Requests<Bump>, Indications<>> {};

// Counts everything; checks it never runs on two threads at once.
class Busy : public ComponentDefinition<Busy>, public Actor<int> {
 public:
  HandlerResult OnStart() override { return Enter(); }
  HandlerResult OnStop() override { return Enter(); }
  HandlerResult OnKill() override { return Enter(); }
  HandlerResult ReceiveLocal(int) { return Enter(); }
  HandlerResult Handle(const Bump&) { return Enter(); }
  static constexpr auto Ports() { return PortList(&Busy::port_); }
  ProvidedPortRef<BumpPort> port() { return port_.Share(); }

  static std::atomic<int> overlaps;
  static std::atomic<int64_t> handled;

 private:
  HandlerResult Enter() {
    if (inside_.exchange(true)) overlaps.fetch_add(1);
    handled.fetch_add(1, std::memory_order_relaxed);
    inside_.store(false);
    return Handled::kOk;
  }
  std::atomic<bool> inside_{false};
  ProvidedPort<BumpPort> port_;
};
std::atomic<int> Busy::overlaps{0};
std::atomic<int64_t> Busy::handled{0};

int Scale(int n) { return kSanitizer == Sanitizer::kNone ? n : n / 5; }

TEST(RuntimeStress, LifecycleRacesFromManyThreadsNeverOverlapOrHang) {
  auto system = KompactConfig().Threads(2).Build();
  ASSERT_OK(system);
  constexpr int kComponents = 64;
  std::vector<Component<Busy>> components;
  for (int i = 0; i < kComponents; ++i) components.push_back(system->Create<Busy>());
  std::vector<std::thread> threads;
  std::atomic<int> hung_notifies{0};
  const int ops = Scale(4000);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(t);
      std::vector<Future<void>> pending;
      for (int i = 0; i < ops; ++i) {
        Component<Busy>& c = components[rng() % kComponents];
        switch (rng() % 6) {
          case 0:
            pending.push_back(system->StartNotify(c));
            break;
          case 1:
            pending.push_back(system->StopNotify(c));
            break;
          case 2:
            if (rng() % 20 == 0) pending.push_back(system->KillNotify(c));
            break;
          case 3:
            (void)system->TriggerRequest(c.definition().port(), Bump{});
            break;
          default:
            c.actor_ref().Tell(i);
        }
      }
      // Each notify completes (OK, or an error such as "Destroyed"): never hangs.
      // One deadline for all, so a lost one fails the test instead of timing it out.
      const absl::Time deadline = absl::Now() + absl::Seconds(30);
      for (auto& f : pending) {
        if (f.WaitFor(deadline - absl::Now()).code() == absl::StatusCode::kDeadlineExceeded) {
          hung_notifies.fetch_add(1);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(hung_notifies.load(), 0);
  EXPECT_EQ(Busy::overlaps.load(), 0) << "a component ran on two threads at once";
  EXPECT_GT(Busy::handled.load(), 0);
  ASSERT_OK(system->Shutdown());
  for (auto& c : components) EXPECT_TRUE(c.IsDestroyed() || c.lifecycle() == LifecycleState::kPassive);
}

TEST(RuntimeStress, MessagesRacingWithKillsAreHandledOrDeadLettered) {
  auto system = KompactConfig().Threads(2).Build();
  ASSERT_OK(system);
  const int rounds = Scale(200);
  int64_t sent = 0;
  const int64_t handled_before = Busy::handled.load();
  const uint64_t dead_before = system->dead_letters();
  int64_t lifecycle_events = 0;
  for (int r = 0; r < rounds; ++r) {
    auto c = system->Create<Busy>();
    ASSERT_OK(system->StartNotify(c).WaitFor(absl::Seconds(30)));
    ++lifecycle_events;  // OnStart
    std::thread sender([&, ref = c.actor_ref()] {
      for (int i = 0; i < 200; ++i) {
        ref.Tell(i);
        ++sent;
      }
    });
    Future<void> killed = system->KillNotify(c);
    sender.join();
    ASSERT_OK(killed.WaitFor(absl::Seconds(30)));
    ++lifecycle_events;  // OnKill
  }
  ASSERT_OK(system->Shutdown());
  // Every message was either handled or counted as a dead letter (refused after
  // the kill, or accepted before it and dropped with the dying component's queue):
  // exactly once.
  const int64_t handled = Busy::handled.load() - handled_before - lifecycle_events;
  const int64_t dead = static_cast<int64_t>(system->dead_letters() - dead_before);
  EXPECT_EQ(handled + dead, sent) << handled << " handled, " << dead << " dead letters";
  EXPECT_EQ(Busy::overlaps.load(), 0);
}

// A destroyed component still handles control events (their futures complete
// with an error) while refusing messages and port events. A refused event must
// not take its unit out of the state word behind the back of a run: the run
// could see the unit, keep the component queued, and the next control event
// would queue it a second time (corrupting the executor's intrusive queue and
// losing every task linked after it). Every notify must complete.
TEST(RuntimeStress, EventsRefusedByADestroyedComponentNeverQueueItTwice) {
  auto system = KompactConfig().Threads(2).Build();
  ASSERT_OK(system);
  auto c = system->Create<Busy>();
  ASSERT_OK(system->StartNotify(c).WaitFor(absl::Seconds(30)));
  ASSERT_OK(system->KillNotify(c).WaitFor(absl::Seconds(30)));
  ASSERT_TRUE(c.IsDestroyed());
  std::atomic<bool> done{false};
  std::vector<std::thread> refused_senders;
  for (int t = 0; t < 2; ++t) {
    refused_senders.emplace_back([&, ref = c.actor_ref()] {
      while (!done.load(std::memory_order_relaxed)) {
        ref.Tell(1);
        (void)system->TriggerRequest(c.definition().port(), Bump{});
      }
    });
  }
  // Rounds of at most 1000 queued control events (the state word counts up to 16383).
  const int rounds = Scale(20);
  int lost = 0;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  for (int r = 0; r < rounds; ++r) {
    std::vector<Future<void>> stops;
    for (int i = 0; i < 1000; ++i) stops.push_back(system->StopNotify(c));
    for (auto& f : stops) {
      const absl::Status s = f.WaitFor(deadline - absl::Now());
      if (s.code() == absl::StatusCode::kDeadlineExceeded) {
        ++lost;
      } else {
        EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition, "Destroyed"));
      }
    }
  }
  done = true;
  for (auto& t : refused_senders) t.join();
  EXPECT_EQ(lost, 0) << "control events were lost";
  // Every refused unit was taken back by a run.
  EXPECT_TRUE(WaitUntil([&] { return c.core()->pending_work() == 0; }));
  ASSERT_OK(system->Shutdown());
}

// Actor messages and port events in one run follow message_priority (C5).
struct Tick {};
struct TickPort : Port<Requests<Tick>, Indications<>> {};
class Mixed : public ComponentDefinition<Mixed>, public Actor<int> {
 public:
  HandlerResult ReceiveLocal(int) {
    order += "m";
    return Handled::kOk;
  }
  HandlerResult Handle(const Tick&) {
    order += "p";
    return Handled::kOk;
  }
  static constexpr auto Ports() { return PortList(&Mixed::port_); }
  ProvidedPortRef<TickPort> port() { return port_.Share(); }
  std::string order;

 private:
  ProvidedPort<TickPort> port_;
};

TEST(RuntimeStress, MessagePriorityDividesTheBudget) {
  for (double priority : {0.5, 0.2, 0.8}) {
    ASSERT_OK_AND_ASSIGN(
        auto sim, DeterministicSystem::Create(KompactConfig().Throughput(10).MessagePriority(priority)));
    auto c = sim->system().Create<Mixed>();
    sim->system().Start(c);
    sim->RunUntilIdle();
    for (int i = 0; i < 100; ++i) c.actor_ref().Tell(i);
    for (int i = 0; i < 100; ++i) ASSERT_OK(sim->system().TriggerRequest(c.definition().port(), Tick{}));
    ASSERT_TRUE(sim->RunOne());
    const size_t messages = static_cast<size_t>(10 * priority);
    EXPECT_EQ(c.definition().order, std::string(messages, 'm') + std::string(10 - messages, 'p'))
        << "priority " << priority;
  }
}

TEST(RuntimeStress, SpareBudgetGoesToWhicheverKindHasEvents) {
  ASSERT_OK_AND_ASSIGN(auto sim, DeterministicSystem::Create(KompactConfig().Throughput(10)));
  auto c = sim->system().Create<Mixed>();
  sim->system().Start(c);
  sim->RunUntilIdle();
  for (int i = 0; i < 100; ++i) c.actor_ref().Tell(i);  // messages only
  ASSERT_TRUE(sim->RunOne());
  EXPECT_EQ(c.definition().order, std::string(10, 'm'));
}

}  // namespace
}  // namespace kompact
