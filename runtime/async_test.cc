// Async inside components (FEATURES.md C8) and futures from handlers (A4).
#include "runtime/async.h"

#include <atomic>
#include <memory>
#include <string>
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
using ::kompact::testing::IsOk;
using ::kompact::testing::IsOkAndHolds;
using ::kompact::testing::StatusIs;

struct Note {
  std::string text;
};

// Blocks in OnStart until `gate` completes; records everything in order.
class Gated : public ComponentDefinition<Gated>, public Actor<Note> {
 public:
  explicit Gated(Future<int> gate) : gate_(std::move(gate)) {}
  HandlerResult OnStart() override { return BlockOn(WaitForGate(*this)); }
  HandlerResult ReceiveLocal(Note n) {
    log.push_back(n.text);
    return Handled::kOk;
  }
  static Task<HandlerResult> WaitForGate(Gated& self) {
    self.log.push_back("blocking");
    // Telling yourself while blocked must not deadlock: it waits for the block.
    self.actor_ref().Tell(Note{"from myself"});
    absl::StatusOr<int> v = co_await std::move(self.gate_);
    if (!v.ok()) co_return v.status();
    self.log.push_back("gate " + std::to_string(*v));
    co_return Handled::kOk;
  }
  std::vector<std::string> log;

 private:
  Future<int> gate_;
};

TEST(AsyncTest, BlockOnInOnStartHoldsEverythingUntilTheTaskCompletes) {
  ASSERT_OK_AND_ASSIGN(auto sim, DeterministicSystem::Create());
  auto [gate, gate_future] = MakePromise<int>();
  auto c = sim->system().Create<Gated>(std::move(gate_future));
  Future<void> started = sim->system().StartNotify(c);
  c.actor_ref().Tell(Note{"first"});
  sim->RunUntilIdle();
  EXPECT_FALSE(started.IsReady()) << "Start completes when the blocking task does";
  EXPECT_THAT(c.definition().log, ::testing::ElementsAre("blocking"));
  EXPECT_EQ(c.lifecycle(), LifecycleState::kActive);
  c.actor_ref().Tell(Note{"second"});
  sim->RunUntilIdle();
  EXPECT_THAT(c.definition().log, ::testing::ElementsAre("blocking"));
  gate.Fulfil(7);
  sim->RunUntilIdle();
  EXPECT_THAT(started.WaitFor(absl::Seconds(1)), IsOk());
  EXPECT_THAT(c.definition().log,
              ::testing::ElementsAre("blocking", "gate 7", "first", "from myself", "second"));
}

TEST(AsyncTest, KillEndsABlockAndFailsThePendingStart) {
  ASSERT_OK_AND_ASSIGN(auto sim, DeterministicSystem::Create());
  auto [gate, gate_future] = MakePromise<int>();
  auto c = sim->system().Create<Gated>(std::move(gate_future));
  Future<void> started = sim->system().StartNotify(c);
  sim->RunUntilIdle();
  Future<void> killed = sim->system().KillNotify(c);
  sim->RunUntilIdle();
  EXPECT_THAT(killed.WaitFor(absl::Seconds(1)), IsOk());
  EXPECT_THAT(started.WaitFor(absl::Seconds(1)),
              StatusIs(absl::StatusCode::kAborted, "killed while blocked"));
  EXPECT_TRUE(c.IsDestroyed());
  gate.Fulfil(1);  // the abandoned task's resumption is refused, its frame freed
  sim->RunUntilIdle();
}

// Spawns a local task per query; the task awaits an answer and then updates state.
struct Query {
  int id;
  Future<int> answer;
};
class Resolver : public ComponentDefinition<Resolver>, public Actor<std::variant<Query, Note>> {
 public:
  HandlerResult ReceiveLocal(std::variant<Query, Note> msg) {
    if (auto* q = std::get_if<Query>(&msg)) {
      joins.push_back(SpawnLocal(*this, Resolve(*this, q->id, std::move(q->answer))));
    } else {
      log.push_back(std::get<Note>(msg).text);
    }
    return Handled::kOk;
  }
  static Task<int> Resolve(Resolver& self, int id, Future<int> answer) {
    self.log.push_back("asked " + std::to_string(id));
    absl::StatusOr<int> v = co_await std::move(answer);
    if (!v.ok()) co_return v.status();
    self.log.push_back("answered " + std::to_string(id));
    self.sum += *v;
    co_return *v * 2;
  }
  std::vector<std::string> log;
  std::vector<JoinHandle<int>> joins;
  int sum = 0;
};

TEST(AsyncTest, SpawnLocalInterleavesWithMessages) {
  ASSERT_OK_AND_ASSIGN(auto sim, DeterministicSystem::Create());
  auto c = sim->system().Create<Resolver>();
  sim->system().Start(c);
  auto [a1, f1] = MakePromise<int>();
  auto [a2, f2] = MakePromise<int>();
  c.actor_ref().Tell(Query{1, std::move(f1)});
  c.actor_ref().Tell(Query{2, std::move(f2)});
  sim->RunUntilIdle();
  c.actor_ref().Tell(Note{"between"});
  sim->RunUntilIdle();
  a2.Fulfil(20);
  sim->RunUntilIdle();
  a1.Fulfil(10);
  sim->RunUntilIdle();
  EXPECT_THAT(c.definition().log,
              ::testing::ElementsAre("asked 1", "asked 2", "between", "answered 2", "answered 1"));
  EXPECT_EQ(c.definition().sum, 30);
  ASSERT_EQ(c.definition().joins.size(), 2u);
  EXPECT_THAT(c.definition().joins[0].WaitFor(absl::Seconds(1)), IsOkAndHolds(20));
  EXPECT_THAT(c.definition().joins[1].WaitFor(absl::Seconds(1)), IsOkAndHolds(40));
}

TEST(AsyncTest, TasksOfADeadComponentAreCancelled) {
  ASSERT_OK_AND_ASSIGN(auto sim, DeterministicSystem::Create());
  auto c = sim->system().Create<Resolver>();
  sim->system().Start(c);
  auto [answer, answer_future] = MakePromise<int>();
  c.actor_ref().Tell(Query{1, std::move(answer_future)});
  sim->RunUntilIdle();
  JoinHandle<int> join = std::move(c.definition().joins[0]);
  sim->system().Kill(c);
  sim->RunUntilIdle();
  answer.Fulfil(5);  // the resumption is refused: the component is gone
  sim->RunUntilIdle();
  EXPECT_THAT(join.WaitFor(absl::Seconds(1)), StatusIs(absl::StatusCode::kCancelled));
}

// Replies with what a blocking Wait inside its handler returned.
class Waiter : public ComponentDefinition<Waiter>, public Actor<Ask<Note, absl::Status>> {
 public:
  HandlerResult ReceiveLocal(Ask<Note, absl::Status> ask) {
    auto [p, f] = MakePromise<int>();
    p.Fulfil(1);
    ask.Reply(f.Wait().status());  // blocking a pool thread: refused
    return Handled::kOk;
  }
};

TEST(AsyncTest, WaitInsideAHandlerIsRefusedNotADeadlock) {
  auto system = KompactConfig().Threads(2).Build();
  ASSERT_OK(system);
  auto c = system->Create<Waiter>();
  ASSERT_OK(system->StartNotify(c).WaitFor(absl::Seconds(20)));
  ASSERT_OK_AND_ASSIGN(absl::Status seen, c.actor_ref().Ask(Note{"x"}).WaitFor(absl::Seconds(20)));
  EXPECT_THAT(seen, StatusIs(absl::StatusCode::kFailedPrecondition));
  ASSERT_OK(system->Shutdown());
}

Task<int> Twice(Future<int> f) {
  absl::StatusOr<int> v = co_await std::move(f);
  if (!v.ok()) co_return v.status();
  co_return *v * 2;
}

TEST(AsyncTest, SystemSpawnRunsOnThePool) {
  auto system = KompactConfig().Threads(2).Build();
  ASSERT_OK(system);
  auto [p, f] = MakePromise<int>();
  JoinHandle<int> join = system->Spawn(Twice(std::move(f)));
  p.Fulfil(21);
  EXPECT_THAT(join.WaitFor(absl::Seconds(20)), IsOkAndHolds(42));
  ASSERT_OK(system->Shutdown());
}

}  // namespace
}  // namespace kompact
