// Actors, refs, ask and senders (FEATURES.md A1-A5, V3).
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/actor_ref.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"
#include "testing/deterministic_system.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

using ::kompact::testing::DeterministicSystem;
using ::kompact::testing::IsOkAndHolds;
using ::kompact::testing::StatusIs;
constexpr absl::Duration kWait = absl::Seconds(30);

struct Add {
  int64_t n;
};
struct Get {};
using CounterMsg = std::variant<Add, Ask<Get, int64_t>, WithSender<Get, int64_t>>;

class Counter : public ComponentDefinition<Counter>, public Actor<CounterMsg> {
 public:
  HandlerResult ReceiveLocal(CounterMsg msg) {
    return std::visit(
        [this](auto&& m) -> HandlerResult {
          using T = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<T, Add>) {
            total_ += m.n;
            seen_.push_back(m.n);
          } else if constexpr (std::is_same_v<T, Ask<Get, int64_t>>) {
            m.Reply(total_);
          } else {
            m.Reply(total_);
          }
          return Handled::kOk;
        },
        std::move(msg));
  }
  int64_t total() const { return total_; }
  // Every Add handled, in the order handled.
  const std::vector<int64_t>& seen() const { return seen_; }

 private:
  int64_t total_ = 0;
  std::vector<int64_t> seen_;
};

// 1, 2, ..., n.
std::vector<int64_t> OneTo(int64_t n) {
  std::vector<int64_t> v;
  for (int64_t i = 1; i <= n; ++i) v.push_back(i);
  return v;
}

// Passes the first int64 sent to it (a WithSender reply) to `got`.
class Sink : public ComponentDefinition<Sink>, public Actor<int64_t> {
 public:
  explicit Sink(Promise<int64_t> got) : got_(std::move(got)) {}
  HandlerResult ReceiveLocal(int64_t v) {
    if (got_.valid()) got_.Fulfil(v);
    return Handled::kOk;
  }

 private:
  Promise<int64_t> got_;
};

// Keeps the Ask<Get, int> it receives unanswered in a field; a Probe (handled
// after it: messages keep their order) reports whether it holds one, and a
// Release answers it.
struct Probe {};
struct Release {
  int value;
};
using KeeperMsg = std::variant<Ask<Get, int>, Ask<Probe, bool>, Release>;
class Keeper : public ComponentDefinition<Keeper>, public Actor<KeeperMsg> {
 public:
  HandlerResult ReceiveLocal(KeeperMsg msg) {
    if (auto* ask = std::get_if<Ask<Get, int>>(&msg)) {
      kept_.emplace(std::move(*ask));
    } else if (auto* probe = std::get_if<Ask<Probe, bool>>(&msg)) {
      probe->Reply(kept_.has_value());
    } else if (kept_.has_value()) {
      kept_->Reply(std::get<Release>(msg).value);
      kept_.reset();
    }
    return Handled::kOk;
  }
  std::optional<Ask<Get, int>>& kept() { return kept_; }

 private:
  std::optional<Ask<Get, int>> kept_;
};

class ActorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto built = KompactConfig().Threads(2).Build();
    ASSERT_OK(built);
    system_ = std::make_unique<KompactSystem>(*std::move(built));
  }
  void TearDown() override { EXPECT_OK(system_->Shutdown()); }
  std::unique_ptr<KompactSystem> system_;
};

TEST_F(ActorTest, TellThenAskSeesEveryMessageInOrder) {
  auto c = system_->Create<Counter>();
  ASSERT_OK(system_->StartNotify(c).WaitFor(kWait));
  ActorRef<CounterMsg> ref = c.actor_ref();
  for (int i = 1; i <= 100; ++i) ref.Tell(Add{i});
  EXPECT_THAT(ref.Ask<int64_t>(Get{}).WaitFor(kWait), IsOkAndHolds(5050));
  // The sum says every Add arrived; the record says in which order.
  EXPECT_THAT(c.OnDefinition([](Counter& counter) { return counter.seen(); }).WaitFor(kWait),
              IsOkAndHolds(OneTo(100)));
}

TEST_F(ActorTest, AskFromManyThreadsGetsEveryReply) {
  auto c = system_->Create<Counter>();
  ASSERT_OK(system_->StartNotify(c).WaitFor(kWait));
  ActorRef<CounterMsg> ref = c.actor_ref();
  constexpr int kThreads = 4, kAsks = 2000;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      std::vector<Future<int64_t>> futures;
      for (int i = 0; i < kAsks; ++i) {
        ref.Tell(Add{1});
        futures.push_back(ref.Ask<int64_t>(Get{}));
      }
      for (auto& f : futures) ok += f.WaitFor(kWait).ok();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads * kAsks);
  EXPECT_THAT(ref.Ask<int64_t>(Get{}).WaitFor(kWait), IsOkAndHolds(kThreads * kAsks));
}

TEST_F(ActorTest, TellToADeadActorIsADeadLetter) {
  auto c = system_->Create<Counter>();
  ActorRef<CounterMsg> ref = c.actor_ref();
  ASSERT_OK(system_->KillNotify(c).WaitFor(kWait));
  const uint64_t before = system_->dead_letters();
  EXPECT_FALSE(ref.Tell(Add{1}));
  EXPECT_EQ(system_->dead_letters(), before + 1);
  EXPECT_FALSE(ref.IsAlive());
}

TEST_F(ActorTest, AskToADeadActorFailsInsteadOfHanging) {
  auto c = system_->Create<Counter>();
  ActorRef<CounterMsg> ref = c.actor_ref();
  c.Reset();  // never started, last handle: destroyed
  EXPECT_THAT(ref.Ask<int64_t>(Get{}).WaitFor(kWait),
              StatusIs(absl::StatusCode::kCancelled, "PromiseDropped"));
}

TEST_F(ActorTest, PendingAsksFailWhenTheActorIsKilled) {
  auto c = system_->Create<Counter>();
  ActorRef<CounterMsg> ref = c.actor_ref();
  // Passive: the asks queue up, then the kill drops them.
  std::vector<Future<int64_t>> futures;
  for (int i = 0; i < 10; ++i) futures.push_back(ref.Ask<int64_t>(Get{}));
  ASSERT_OK(system_->KillNotify(c).WaitFor(kWait));
  for (auto& f : futures) EXPECT_THAT(f.WaitFor(kWait), StatusIs(absl::StatusCode::kCancelled));
}

// A3: an Ask kept in a field fails when the component is killed, although the
// handle `c` keeps the definition (and the field) alive.
TEST_F(ActorTest, KillFailsAnAskKeptInAFieldWhileAHandleIsHeld) {
  auto c = system_->Create<Keeper>();
  ASSERT_OK(system_->StartNotify(c).WaitFor(kWait));
  ActorRef<KeeperMsg> ref = c.actor_ref();
  Future<int> reply = ref.Ask<int>(Get{});
  ASSERT_THAT(ref.Ask<bool>(Probe{}).WaitFor(kWait), IsOkAndHolds(true));  // the Ask is in the field
  ASSERT_OK(system_->KillNotify(c).WaitFor(kWait));
  EXPECT_THAT(reply.WaitFor(kWait),
              StatusIs(absl::StatusCode::kCancelled, ::testing::HasSubstr("destroyed")));
  // The definition still holds the Ask; answering it now is harmless.
  ASSERT_TRUE(c.definition().kept().has_value());
  c.definition().kept()->Reply(1);
}

TEST_F(ActorTest, AnAskKeptInAFieldIsAnsweredLater) {
  auto c = system_->Create<Keeper>();
  ASSERT_OK(system_->StartNotify(c).WaitFor(kWait));
  Future<int> reply = c.actor_ref().Ask<int>(Get{});
  ASSERT_THAT(c.actor_ref().Ask<bool>(Probe{}).WaitFor(kWait), IsOkAndHolds(true));
  EXPECT_FALSE(reply.IsReady());
  c.actor_ref().Tell(Release{7});
  EXPECT_THAT(reply.WaitFor(kWait), IsOkAndHolds(7));
}

TEST_F(ActorTest, AnAskKeptByAFaultyComponentFails) {
  struct Fail {};
  using Msg = std::variant<Ask<Get, int>, Fail>;
  struct Faulty : ComponentDefinition<Faulty>, Actor<Msg> {
    HandlerResult ReceiveLocal(Msg msg) {
      if (auto* ask = std::get_if<Ask<Get, int>>(&msg)) {
        kept.emplace(std::move(*ask));
        return Handled::kOk;
      }
      return HandlerResult::Recoverable(absl::InternalError("injected fault"));
    }
    std::optional<Ask<Get, int>> kept;
  };
  auto c = system_->Create<Faulty>();
  // Without a recovery function the supervisor leaves it faulty; the handle keeps it.
  ASSERT_OK(system_->StartNotify(c).WaitFor(kWait));
  Future<int> reply = c.actor_ref().Ask<int>(Get{});
  c.actor_ref().Tell(Fail{});
  EXPECT_THAT(reply.WaitFor(kWait), StatusIs(absl::StatusCode::kCancelled, ::testing::HasSubstr("faulty")));
}

TEST_F(ActorTest, HoldOnAKilledActorIsEmptyWhileAHandleIsHeld) {
  auto c = system_->Create<Counter>();
  ASSERT_OK(system_->StartNotify(c).WaitFor(kWait));
  ActorRef<CounterMsg> ref = c.actor_ref();
  EXPECT_TRUE(ref.Hold());
  ASSERT_OK(system_->KillNotify(c).WaitFor(kWait));
  EXPECT_FALSE(ref.Hold());  // `c` still holds the definition, but the actor is destroyed
  EXPECT_FALSE(ref.IsAlive());
}

TEST_F(ActorTest, WeakRefDoesNotKeepAnUnstartedActorAlive) {
  ActorRef<CounterMsg> ref;
  {
    auto c = system_->Create<Counter>();
    ref = c.actor_ref();
    EXPECT_TRUE(ref.IsAlive());
  }
  EXPECT_FALSE(ref.IsAlive());
  EXPECT_FALSE(ref.Hold());
}

TEST_F(ActorTest, StrongRefKeepsTheActorAlive) {
  ActorRefStrong<CounterMsg> strong;
  {
    auto c = system_->Create<Counter>();
    strong = c.actor_ref().Hold();
    ASSERT_TRUE(strong);
  }
  ASSERT_TRUE(strong.Weak().IsAlive());
  system_->Start(AnyComponent(runtime_internal::StrongCoreRef(strong.core())));
  strong.Tell(Add{7});
  EXPECT_THAT(strong.Weak().Ask<int64_t>(Get{}).WaitFor(kWait), IsOkAndHolds(7));
}

TEST_F(ActorTest, RecipientConvertsToTheActorsMessage) {
  auto c = system_->Create<Counter>();
  ASSERT_OK(system_->StartNotify(c).WaitFor(kWait));
  Recipient<Add> adds = c.actor_ref().recipient<Add>();
  Recipient<int> ints = c.actor_ref().recipient_with<int>([](int n) { return CounterMsg(Add{n * 10}); });
  adds.Tell(Add{1});
  ints.Tell(2);
  EXPECT_THAT(c.actor_ref().Ask<int64_t>(Get{}).WaitFor(kWait), IsOkAndHolds(21));
}

TEST_F(ActorTest, WithSenderRepliesToTheSender) {
  auto c = system_->Create<Counter>();
  auto [got, reply] = MakePromise<int64_t>();
  auto sink = system_->Create<Sink>(std::move(got));
  ASSERT_OK(system_->StartNotify(c).WaitFor(kWait));
  ASSERT_OK(system_->StartNotify(sink).WaitFor(kWait));
  c.actor_ref().Tell(Add{42});
  c.actor_ref().Tell(WithSender<Get, int64_t>(Get{}, sink.actor_ref()));
  EXPECT_THAT(reply.WaitFor(kWait), IsOkAndHolds(42));
}

TEST(ActorDeterministicTest, DroppedAskFailsTheFuture) {
  // An actor that never replies.
  struct Mute : ComponentDefinition<Mute>, Actor<Ask<Get, int>> {
    HandlerResult ReceiveLocal(Ask<Get, int>) { return Handled::kOk; }
  };
  ASSERT_OK_AND_ASSIGN(auto sim, DeterministicSystem::Create());
  auto m = sim->system().Create<Mute>();
  sim->system().Start(m);
  Future<int> reply = m.actor_ref().Ask(Get{});  // response type deduced from Ask<Get, int>
  sim->RunUntilIdle();
  EXPECT_THAT(reply.WaitFor(absl::Seconds(5)), StatusIs(absl::StatusCode::kCancelled, "PromiseDropped"));
}

TEST(ActorDeterministicTest, MessagesAreHandledInSendOrderAndRespectThroughput) {
  ASSERT_OK_AND_ASSIGN(auto sim, DeterministicSystem::Create(KompactConfig().Throughput(10)));
  auto c = sim->system().Create<Counter>();
  sim->system().Start(c);
  sim->RunUntilIdle();
  for (int i = 1; i <= 25; ++i) c.actor_ref().Tell(Add{i});
  ASSERT_TRUE(sim->RunOne());
  EXPECT_EQ(c.definition().seen(), OneTo(10));  // one run: the first 10, in send order
  sim->RunUntilIdle();
  EXPECT_EQ(c.definition().seen(), OneTo(25));
}

}  // namespace
}  // namespace kompact
