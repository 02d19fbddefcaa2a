// The local dispatcher through the KompactSystem API (FEATURES.md P2, P4, P5, R3,
// R4): registration (unique, alias, update, explicit deregistration, from inside
// components, races), routing, dead letters for misses, reaping, configuration.
#include "routing/local_dispatcher.h"

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "routing/policies.h"
#include "routing/testing/recorder.h"
#include "runtime/dispatcher.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"
#include "testing/deterministic_system.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

using ::kompact::routing_testing::Inbox;
using ::kompact::routing_testing::Received;
using ::kompact::routing_testing::Recorder;
using ::kompact::testing::DeterministicSystem;
using ::kompact::testing::IsOkAndHolds;
using ::kompact::testing::StatusIs;

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK_AND_ASSIGN(sim_, DeterministicSystem::Create()); }
  void TearDown() override {
    if (sim_) {
      ASSERT_OK(sim_->Shutdown());
    }
  }

  KompactSystem& system() { return sim_->system(); }
  Component<Recorder> Start(int id) {
    Component<Recorder> c = system().Create<Recorder>(inbox_, id);
    system().Start(c);
    sim_->RunUntilIdle();
    return c;
  }
  ActorPath Named(std::string_view relative) { return *system().SystemPath().Named(relative); }
  void Send(const ActorPath& to, std::string text) {
    to.Tell(std::move(text), system());
    sim_->RunUntilIdle();
  }
  LocalDispatcher& dispatcher() { return *static_cast<LocalDispatcher*>(system().core()->dispatcher()); }

  std::unique_ptr<DeterministicSystem> sim_;
  std::shared_ptr<Inbox> inbox_ = std::make_shared<Inbox>();
};

TEST_F(DispatcherTest, IsTheDefaultWhenRoutingIsLinked) {
  ASSERT_NE(system().core()->dispatcher(), nullptr);
  EXPECT_EQ(system().SystemPath().ToString(), "local://127.0.0.1:0");
  EXPECT_EQ(system().DeadletterPath().ToString(), "local://127.0.0.1:0");
  EXPECT_TRUE(system().DeadletterPath().is_dead_letter_path());
}

TEST_F(DispatcherTest, RegistersUniqueAndAliasPaths) {
  Component<Recorder> a = Start(0);
  Component<Recorder> b = Start(1);
  EXPECT_THAT(system().Register(a).Wait(), IsOkAndHolds(system().ActorPathFor(a)));
  EXPECT_THAT(system().Register(a).Wait(), IsOkAndHolds(system().ActorPathFor(a)));  // again: same path
  EXPECT_THAT(system().RegisterByAlias(a, "svc/main").Wait(), IsOkAndHolds(Named("svc/main")));
  EXPECT_THAT(system().RegisterByAlias(b, "svc/main").Wait(),
              StatusIs(absl::StatusCode::kAlreadyExists, "path \"svc/main\" is already registered"));
  EXPECT_THAT(system().RegisterByAlias(b, "svc/*").Wait(),
              StatusIs(absl::StatusCode::kInvalidArgument, "registering \"svc/*\""));

  Send(system().ActorPathFor(a), "by id");
  Send(Named("svc/main"), "by alias");
  ASSERT_EQ(inbox_->size(), 2u);
  for (const Received& r : inbox_->items()) {
    EXPECT_EQ(r.recorder, 0);
    EXPECT_TRUE(r.was_boxed);  // lazy: never serialised
    EXPECT_EQ(r.sender, system().DeadletterPath());
  }
  EXPECT_EQ(inbox_->items()[1].receiver, Named("svc/main"));

  ASSERT_OK(system().UpdateAliasRegistration(b, "svc/main").Wait());
  Send(Named("svc/main"), "moved");
  EXPECT_EQ(inbox_->CountFor(1), 1u);
  EXPECT_EQ(inbox_->items().back().text, "moved");
}

TEST_F(DispatcherTest, MissesAreCountedDeadLetters) {
  Component<Recorder> a = Start(0);
  ASSERT_OK(system().RegisterByAlias(a, "present").Wait());
  const uint64_t before = system().dead_letters();
  Send(Named("absent"), "x");                                   // nothing registered
  Send(Named("present/child"), "x");                            // below a component
  Send(*ActorPath::Parse("tcp://10.0.0.1:9000/present"), "x");  // another system
  Send(system().DeadletterPath(), "x");                         // the dead-letter path itself
  Send(system().SystemPath().Unique(Uuid::Random()), "x");      // unknown id
  EXPECT_EQ(system().dead_letters(), before + 5);
  EXPECT_EQ(inbox_->size(), 0u);
  // A registered component that died: its entry is still there until reaped.
  Future<void> killed = system().KillNotify(a);
  sim_->RunUntilIdle();
  ASSERT_OK(killed.Wait());
  Send(Named("present"), "x");
  EXPECT_EQ(system().dead_letters(), before + 6);
}

class SelfRegistering : public ComponentDefinition<SelfRegistering> {
 public:
  explicit SelfRegistering(std::shared_ptr<Inbox> inbox) : inbox_(std::move(inbox)) {}
  HandlerResult OnStart() override {
    // From inside a handler: the future is complete at once, nothing blocks.
    Future<ActorPath> registered = system().RegisterByAlias(*this, "self");
    std::optional<absl::StatusOr<ActorPath>> path = registered.TryTake();
    if (!path || !path->ok()) return absl::InternalError("registration from a handler did not complete");
    path->value().Tell(std::string("to myself"), *this);
    return Handled::kOk;
  }
  HandlerResult ReceiveNetwork(NetMessage m) {
    Received r;
    r.sender = m.sender();
    r.receiver = m.receiver();
    inbox_->Add(std::move(r));
    return Handled::kOk;
  }

 private:
  std::shared_ptr<Inbox> inbox_;
};

TEST_F(DispatcherTest, ComponentsRegisterThemselvesFromHandlers) {
  Component<SelfRegistering> c = system().Create<SelfRegistering>(inbox_);
  system().Start(c);
  sim_->RunUntilIdle();
  ASSERT_EQ(inbox_->size(), 1u);
  EXPECT_EQ(inbox_->items()[0].receiver, Named("self"));
  EXPECT_EQ(inbox_->items()[0].sender, system().ActorPathFor(c));  // a component sends as its unique path
  EXPECT_EQ(c.definition().actor_path(), system().ActorPathFor(c));
}

class Plain : public ComponentDefinition<Plain> {};

TEST_F(DispatcherTest, RejectsComponentsThatCannotReceiveOrBelongElsewhere) {
  AnyComponent plain = system().CreateErased<Plain>();
  EXPECT_THAT(system().Register(plain).Wait(),
              StatusIs(absl::StatusCode::kInvalidArgument, "cannot receive path-addressed messages"));
  ASSERT_OK_AND_ASSIGN(KompactSystem other, KompactConfig().Threads(1).Build());
  Component<Recorder> foreign = other.Create<Recorder>(inbox_, 9);
  EXPECT_THAT(system().RegisterByAlias(foreign, "x").Wait(),
              StatusIs(absl::StatusCode::kInvalidArgument, "belongs to system"));
  foreign = Component<Recorder>();
  ASSERT_OK(other.Shutdown());
}

TEST_F(DispatcherTest, DeregisterRemovesExactlyThatPath) {
  Component<Recorder> a = Start(0);
  ASSERT_OK(system().Register(a).Wait());
  ASSERT_OK(system().RegisterByAlias(a, "grp/a").Wait());
  ASSERT_OK(system().RegisterByAlias(a, "grp").Wait());
  ASSERT_OK(system().Deregister(Named("grp")).Wait());
  EXPECT_THAT(system().Deregister(Named("grp")).Wait(), StatusIs(absl::StatusCode::kNotFound));
  Send(Named("grp/a"), "still here");  // the subtree stays
  Send(system().ActorPathFor(a), "by id");
  EXPECT_EQ(inbox_->size(), 2u);
  ASSERT_OK(system().Deregister(system().ActorPathFor(a)).Wait());
  const uint64_t before = system().dead_letters();
  Send(system().ActorPathFor(a), "gone");
  EXPECT_EQ(system().dead_letters(), before + 1);
  EXPECT_THAT(system().Deregister(*ActorPath::Parse("tcp://1.2.3.4:5/grp/a")).Wait(),
              StatusIs(absl::StatusCode::kInvalidArgument, "belongs to system tcp://1.2.3.4:5"));
  ASSERT_OK(system().SetRoutingPolicy(RoundRobinRouting(), "pool").Wait());
  ASSERT_OK(system().Deregister(Named("pool")).Wait());  // policies too
}

TEST_F(DispatcherTest, RoundRobinSelectIsExact) {
  std::vector<Component<Recorder>> servers;
  ASSERT_THAT(system().SetRoutingPolicy(RoundRobinRouting(), "server").Wait(), IsOkAndHolds(Named("server")));
  for (int i = 0; i < 3; ++i) {
    servers.push_back(Start(i));
    ASSERT_OK(system().RegisterByAlias(servers.back(), absl::StrCat("server/server-", i)).Wait());
  }
  for (int i = 0; i < 30; ++i) Send(Named("server/?"), "q");
  for (int i = 0; i < 30; ++i) Send(Named("server"), "q");  // the policy's own path routes too
  for (int i = 0; i < 3; ++i) EXPECT_EQ(inbox_->CountFor(i), 20u) << i;
  // A select policy does not serve `*`.
  const uint64_t before = system().dead_letters();
  Send(Named("server/*"), "q");
  EXPECT_EQ(system().dead_letters(), before + 1);
}

TEST_F(DispatcherTest, BroadcastReachesEveryMemberOnceWithoutSerialising) {
  std::vector<Component<Recorder>> clients;
  ASSERT_OK(system().SetRoutingPolicy(BroadcastRouting(), "clients").Wait());
  for (int i = 0; i < 4; ++i) {
    clients.push_back(Start(i));
    ASSERT_OK(system().RegisterByAlias(clients.back(), absl::StrCat("clients/c", i)).Wait());
  }
  Send(Named("clients/*"), "news");
  ASSERT_EQ(inbox_->size(), 4u);
  std::set<int> who;
  for (const Received& r : inbox_->items()) {
    who.insert(r.recorder);
    EXPECT_TRUE(r.was_boxed);  // copies of the boxed value
    EXPECT_EQ(r.text, "news");
  }
  EXPECT_EQ(who, (std::set<int>{0, 1, 2, 3}));
}

TEST_F(DispatcherTest, ImplicitRoutesFollowTheBuildFlag) {
  std::vector<Component<Recorder>> members;
  for (int i = 0; i < 3; ++i) {
    members.push_back(Start(i));
    ASSERT_OK(system().RegisterByAlias(members.back(), absl::StrCat("g/m", i)).Wait());
  }
  const uint64_t before = system().dead_letters();
  Send(Named("g/*"), "all");
  Send(Named("g/?"), "one");
  if (kImplicitRoutes) {
    EXPECT_EQ(inbox_->size(), 4u);
    EXPECT_EQ(system().dead_letters(), before);
  } else {
    EXPECT_EQ(inbox_->size(), 0u);
    EXPECT_EQ(system().dead_letters(), before + 2);
  }
}

TEST_F(DispatcherTest, EmptyGroupsAreDeadLetters) {
  ASSERT_OK(system().SetRoutingPolicy(RoundRobinRouting(), "empty").Wait());
  const uint64_t before = system().dead_letters();
  Send(Named("empty/?"), "q");
  EXPECT_EQ(system().dead_letters(), before + 1);
  EXPECT_THAT(system().SetRoutingPolicy(BroadcastRouting(), "empty").Wait(),
              StatusIs(absl::StatusCode::kAlreadyExists));
  ASSERT_OK(system().SetRoutingPolicy(BroadcastRouting(), "empty", /*update=*/true).Wait());
}

TEST(DispatcherReaping, RemovesDeadEntriesWithAnAdaptiveInterval) {
  KompactConfig config;
  config.LoadConfigString(
      "[kompact.dispatch.reaper]\n"
      "initial-interval = \"100ms\"\nmin-interval = \"10ms\"\nmax-interval = \"1s\"\n"
      "additive-increase = \"100ms\"\ndecrease-divisor = 2.0\n");
  ASSERT_OK_AND_ASSIGN(auto sim, DeterministicSystem::Create(config));
  KompactSystem& system = sim->system();
  auto& dispatcher = *static_cast<LocalDispatcher*>(system.core()->dispatcher());
  auto inbox = std::make_shared<Inbox>();
  Component<Recorder> live = system.Create<Recorder>(inbox, 0);
  Component<Recorder> doomed = system.Create<Recorder>(inbox, 1);
  system.Start(live);
  system.Start(doomed);
  sim->RunUntilIdle();
  ASSERT_OK(system.RegisterByAlias(live, "live").Wait());
  ASSERT_OK(system.Register(doomed).Wait());
  ASSERT_OK(system.RegisterByAlias(doomed, "doomed").Wait());
  EXPECT_EQ(dispatcher.reaper().interval(), absl::Milliseconds(100));

  Future<void> killed = system.KillNotify(doomed);
  sim->RunUntilIdle();
  ASSERT_OK(killed.Wait());
  doomed = Component<Recorder>();
  EXPECT_EQ(dispatcher.reaper().runs(), 0u);
  ASSERT_OK(sim->AdvanceAndRun(absl::Milliseconds(100)));
  EXPECT_EQ(dispatcher.reaper().runs(), 1u);
  EXPECT_EQ(dispatcher.reaper().reaped(), 2u);                        // its unique path and its alias
  EXPECT_EQ(dispatcher.reaper().interval(), absl::Milliseconds(50));  // found some: look again sooner
  EXPECT_EQ(dispatcher.store().unique_count(), 0u);
  EXPECT_EQ(dispatcher.store().named_count(), 1u);

  ASSERT_OK(sim->AdvanceAndRun(absl::Milliseconds(50)));
  EXPECT_EQ(dispatcher.reaper().runs(), 2u);
  EXPECT_EQ(dispatcher.reaper().interval(), absl::Milliseconds(150));  // nothing: back off (aimd)
  for (int i = 0; i < 20; ++i) ASSERT_OK(sim->AdvanceAndRun(absl::Seconds(1)));
  EXPECT_EQ(dispatcher.reaper().interval(), absl::Seconds(1));  // capped at max-interval
  ASSERT_OK(sim->Shutdown());
}

TEST(DispatcherConfig, BadDispatchKeysFailBuild) {
  EXPECT_THAT(KompactConfig()
                  .Threads(1)
                  .LoadConfigString("[kompact.dispatch.reaper]\nmin-interval = \"0s\"\n")
                  .Build(),
              StatusIs(absl::StatusCode::kInvalidArgument, "kompact.dispatch.reaper.min-interval"));
  EXPECT_THAT(
      KompactConfig()
          .Threads(1)
          .LoadConfigString("[kompact.dispatch.reaper]\nmin-interval = \"2s\"\nmax-interval = \"1s\"\n")
          .Build(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "'kompact.dispatch.reaper.min-interval' (2s) must not exceed "
               "'kompact.dispatch.reaper.max-interval'"));
  EXPECT_THAT(
      KompactConfig().Threads(1).LoadConfigString("[kompact.dispatch.reaper]\nalgorithm = \"pid\"\n").Build(),
      StatusIs(absl::StatusCode::kInvalidArgument, "\"aimd\""));
  EXPECT_THAT(
      KompactConfig().Threads(1).LoadConfigString("[kompact.dispatch.reaper]\nintervall = \"1s\"\n").Build(),
      StatusIs(absl::StatusCode::kInvalidArgument, "kompact.dispatch.reaper.intervall"));
  ASSERT_OK_AND_ASSIGN(KompactSystem ok,
                       KompactConfig()
                           .Threads(1)
                           .LoadConfigString("[kompact.dispatch.reaper]\nalgorithm = \"mimd\"\n")
                           .Build());
  ASSERT_OK(ok.Shutdown());
}

TEST(DispatcherShutdown, RegistrationsAreDroppedAndRefused) {
  ASSERT_OK_AND_ASSIGN(KompactSystem system, KompactConfig().Threads(1).Build());
  auto inbox = std::make_shared<Inbox>();
  Component<Recorder> c = system.Create<Recorder>(inbox, 0);
  ASSERT_OK(system.RegisterByAlias(c, "x").Wait());
  ASSERT_OK(system.Shutdown());
  EXPECT_THAT(system.RegisterByAlias(c, "y").Wait(),
              StatusIs(absl::StatusCode::kFailedPrecondition, "closed"));
  const uint64_t before = system.dead_letters();
  system.SystemPath().Named("x")->Tell(std::string("late"), system);
  EXPECT_EQ(system.dead_letters(), before + 1);
}

// What DispatcherContext tells a dispatcher about its system (the network layer's needs).
TEST_F(DispatcherTest, ContextCountsDeadLetters) {
  const DispatcherContext context(system().core());
  const uint64_t before = context.dead_letters();
  Send(Named("absent"), "x");
  EXPECT_EQ(context.dead_letters(), before + 1);
  EXPECT_EQ(context.dead_letters(), system().dead_letters());
}

TEST(DispatcherContextState, PoisonShutsTheSystemDown) {
  ASSERT_OK_AND_ASSIGN(KompactSystem system, KompactConfig().Threads(1).Build());
  const DispatcherContext context(system.core());
  EXPECT_FALSE(context.shutting_down());
  EXPECT_FALSE(system.IsPoisoned());
  context.Poison("the network thread died");
  EXPECT_TRUE(system.IsPoisoned());
  ASSERT_TRUE(system.AwaitTerminationFor(absl::Seconds(20)));
  EXPECT_TRUE(context.shutting_down());
}

TEST(DispatcherContextState, ShuttingDownAfterShutdown) {
  ASSERT_OK_AND_ASSIGN(KompactSystem system, KompactConfig().Threads(1).Build());
  const DispatcherContext context(system.core());
  EXPECT_FALSE(context.shutting_down());
  ASSERT_OK(system.Shutdown());
  EXPECT_TRUE(context.shutting_down());
  EXPECT_FALSE(system.IsPoisoned());
}

// Registration from many threads at once, on a running system (FEATURES.md P2).
TEST(DispatcherRaces, ConcurrentRegistrationsAllLandAndOneAliasWinnerIsUnique) {
  ASSERT_OK_AND_ASSIGN(KompactSystem system, KompactConfig().Threads(2).Build());
  auto inbox = std::make_shared<Inbox>();
  constexpr int kThreads = 6;
  constexpr int kPerThread = 60;
  std::vector<std::vector<Component<Recorder>>> made(kThreads);
  // Per hot alias: how many registrations won it, and which recorder (the last).
  std::vector<std::atomic<int>> hot_winners(kPerThread);
  std::vector<std::atomic<int>> hot_winner_id(kPerThread);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Component<Recorder> c = system.Create<Recorder>(inbox, t * kPerThread + i);
        system.Start(c);
        if (!system.Register(c).Wait().ok()) failures.fetch_add(1);
        if (!system.RegisterByAlias(c, absl::StrCat("race/t", t, "/c", i)).Wait().ok()) failures.fetch_add(1);
        absl::StatusOr<ActorPath> hot = system.RegisterByAlias(c, absl::StrCat("hot/", i)).Wait();
        if (hot.ok()) {
          hot_winners[i].fetch_add(1);
          hot_winner_id[i].store(t * kPerThread + i);
        } else if (hot.status().code() != absl::StatusCode::kAlreadyExists) {
          failures.fetch_add(1);
        }
        if (i % 3 == 0)
          (void)system.Deregister(*system.SystemPath().Named(absl::StrCat("race/t", t, "/c", i))).Wait();
        made[t].push_back(std::move(c));
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  // Exactly one winner per hot alias (a total would let two winners of one alias
  // and none of another cancel out).
  for (int i = 0; i < kPerThread; ++i) EXPECT_EQ(hot_winners[i].load(), 1) << "hot/" << i;
  // Every registration that was not deregistered delivers.
  size_t expected = 0;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      system.ActorPathFor(made[t][i]).Tell(std::string("id"), system);
      ++expected;
      if (i % 3 != 0) {
        system.SystemPath().Named(absl::StrCat("race/t", t, "/c", i))->Tell(std::string("alias"), system);
        ++expected;
      }
    }
  }
  // And the alias leads to its winner.
  for (int i = 0; i < kPerThread; ++i) {
    system.SystemPath().Named(absl::StrCat("hot/", i))->Tell(std::string("hot"), system);
    ++expected;
  }
  ASSERT_TRUE(inbox->WaitFor(expected)) << inbox->size() << " of " << expected;
  EXPECT_EQ(inbox->size(), expected);
  std::vector<int> hot_receivers(kPerThread, -1);
  for (const auto& r : inbox->items()) {
    if (r.text == "hot") hot_receivers[r.recorder % kPerThread] = r.recorder;
  }
  for (int i = 0; i < kPerThread; ++i) EXPECT_EQ(hot_receivers[i], hot_winner_id[i].load()) << "hot/" << i;
  for (auto& v : made) v.clear();
  ASSERT_OK(system.Shutdown());
}

}  // namespace
}  // namespace kompact
