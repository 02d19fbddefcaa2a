// The simulator end to end: unmodified systems (NetworkDispatcher, connections,
// heartbeats, retries) on the simulated network, with faults, budgets and the
// determinism of a seed.
#include "testing/sim/simulation.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kompact.h"
#include "net/network_dispatcher.h"
#include "testing/status_matchers.h"

namespace kompact::sim {
namespace {

using ::kompact::testing::StatusIs;
using ::testing::HasSubstr;

SimOptions Seed(uint64_t seed) {
  SimOptions options;
  options.seed = seed;
  return options;
}

// Counts what the pinger got back (shared with the test; one thread).
struct Tally {
  int sent = 0;
  int received = 0;
  std::vector<std::string> replies;
};

// Answers every string with "pong:" + it.
class Ponger : public ComponentDefinition<Ponger> {
 public:
  HandlerResult ReceiveNetwork(NetMessage message) {
    absl::StatusOr<std::string> text = message.TryDeserialise<std::string>();
    if (!text.ok()) return HandlerResult::Benign(text.status());
    message.sender().Tell(absl::StrCat("pong:", *text), *this);
    return Handled::kOk;
  }
};

// Sends a ping to `target` every `period` and records the answers.
class Pinger : public ComponentDefinition<Pinger> {
 public:
  Pinger(ActorPath target, std::shared_ptr<Tally> tally, absl::Duration period)
      : target_(std::move(target)), tally_(std::move(tally)), period_(period) {}
  HandlerResult OnStart() override {
    absl::StatusOr<TimerId> t = SchedulePeriodic(period_, period_, [](Pinger& self, TimerId) {
      self.target_.Tell(absl::StrCat("ping-", self.tally_->sent++), self);
      return Handled::kOk;
    });
    return t.ok() ? HandlerResult(Handled::kOk) : HandlerResult(t.status());
  }
  HandlerResult ReceiveNetwork(NetMessage message) {
    absl::StatusOr<std::string> text = message.TryDeserialise<std::string>();
    if (!text.ok()) return HandlerResult::Benign(text.status());
    ++tally_->received;
    tally_->replies.push_back(*text);
    return Handled::kOk;
  }

 private:
  ActorPath target_;
  std::shared_ptr<Tally> tally_;
  absl::Duration period_;
};

net::NetworkConfig FastNetwork() {
  net::NetworkConfig n;
  n.heartbeat_interval = absl::Milliseconds(100);
  n.heartbeat_timeout = absl::Milliseconds(500);
  n.retry_interval = absl::Milliseconds(200);
  n.max_retry_attempts = 20;
  n.handshake_timeout = absl::Milliseconds(500);
  n.shutdown_timeout = absl::Seconds(1);
  return n;
}

// A ponger system (id 0) and a pinger system (id 1) pinging every 10 ms.
struct PingPongSim {
  std::unique_ptr<Simulation> sim;
  SystemId ponger = kNoSystem;
  SystemId pinger = kNoSystem;
  std::shared_ptr<Tally> tally = std::make_shared<Tally>();
};

absl::StatusOr<PingPongSim> MakePingPong(SimOptions options,
                                         kompact::Transport transport = kompact::Transport::kTcp) {
  PingPongSim p;
  KOMPACT_ASSIGN_OR_RETURN(p.sim, Simulation::Create(std::move(options)));
  SystemSpec ponger;
  ponger.name = "ponger";
  ponger.network = FastNetwork();
  ponger.setup = [](KompactSystem& system, const SystemInfo& info) -> absl::Status {
    Component<Ponger> c = system.Create<Ponger>();
    system.Start(c);
    Future<ActorPath> registered = system.RegisterByAlias(c, "ponger");
    return info.sim->Await(registered).status();
  };
  KOMPACT_ASSIGN_OR_RETURN(p.ponger, p.sim->AddSystem(ponger));
  SystemSpec pinger;
  pinger.name = "pinger";
  pinger.network = FastNetwork();
  KOMPACT_ASSIGN_OR_RETURN(const ActorPath target,
                           ActorPath::Named(p.sim->path(p.ponger).WithTransport(transport), {"ponger"}));
  pinger.setup = [target, tally = p.tally](KompactSystem& system, const SystemInfo& info) -> absl::Status {
    Component<Pinger> c = system.Create<Pinger>(target, tally, absl::Milliseconds(10));
    Future<ActorPath> registered = system.Register(c);
    KOMPACT_RETURN_IF_ERROR(info.sim->Await(registered).status());
    system.Start(c);
    return absl::OkStatus();
  };
  KOMPACT_ASSIGN_OR_RETURN(p.pinger, p.sim->AddSystem(pinger));
  return p;
}

TEST(SimulationTest, SystemsTalkOverTheSimulatedNetworkInVirtualTime) {
  ASSERT_OK_AND_ASSIGN(PingPongSim p, MakePingPong(Seed(1)));
  EXPECT_EQ(p.sim->path(p.ponger).ToString(), "tcp://127.77.0.1:7000");
  const absl::Time wall_start = absl::Now();
  ASSERT_OK(p.sim->RunFor(absl::Seconds(10)));
  EXPECT_EQ(p.sim->Now(), absl::Seconds(10));
  // 10 s of pings every 10 ms: all but those still in flight answered, in order.
  EXPECT_GE(p.tally->sent, 999);
  EXPECT_GE(p.tally->received, p.tally->sent - 2);
  for (int i = 0; i < p.tally->received; ++i)
    EXPECT_EQ(p.tally->replies[static_cast<size_t>(i)], absl::StrCat("pong:ping-", i));
  net::NetworkDispatcher* net = net::NetworkDispatcher::Of(p.sim->system(p.pinger));
  ASSERT_NE(net, nullptr);
  EXPECT_EQ(net->stats().connections_established.load(), 1u);
  EXPECT_EQ(net->stats().connections_lost.load(), 0u);
  // Far faster than real time (10 s virtual).
  EXPECT_LT(absl::Now() - wall_start, absl::Seconds(10));
}

// One run of a faulty scenario; returns the digest.
std::string FaultyRun(uint64_t seed, int* received = nullptr) {
  SimOptions options = Seed(seed);
  options.link.jitter = absl::Milliseconds(2);
  absl::StatusOr<PingPongSim> p = MakePingPong(options);
  EXPECT_OK(p.status());
  if (!p.ok()) return "";
  Simulation& sim = *p->sim;
  sim.At(absl::Seconds(1), [&](Simulation& s) {
    s.Partition({p->ponger}, {p->pinger});
    return absl::OkStatus();
  });
  sim.At(absl::Seconds(2), [](Simulation& s) {
    s.Heal();
    return absl::OkStatus();
  });
  sim.At(absl::Seconds(3), [&](Simulation& s) { return s.Kill(p->ponger); });
  sim.At(absl::Milliseconds(3500), [&](Simulation& s) { return s.Restart(p->ponger); });
  sim.At(absl::Seconds(4), [&](Simulation& s) {
    s.Pause(p->pinger, absl::Milliseconds(300));
    return absl::OkStatus();
  });
  EXPECT_OK(sim.RunFor(absl::Seconds(6)));
  if (received != nullptr) *received = p->tally->received;
  return sim.DigestHex();
}

TEST(SimulationTest, TheSameSeedGivesTheSameTraceAndAnotherSeedAnother) {
  int received_a = 0, received_b = 0;
  const std::string a = FaultyRun(11, &received_a);
  const std::string b = FaultyRun(11, &received_b);
  const std::string c = FaultyRun(12);
  EXPECT_EQ(a, b);
  EXPECT_EQ(received_a, received_b);
  EXPECT_NE(a, c);
}

TEST(SimulationTest, APartitionLongerThanTheHeartbeatTimeoutLosesTheConnectionAndHealReconnects) {
  ASSERT_OK_AND_ASSIGN(PingPongSim p, MakePingPong(Seed(3)));
  Simulation& sim = *p.sim;
  ASSERT_OK(sim.RunFor(absl::Seconds(1)));
  const int before = p.tally->received;
  EXPECT_GT(before, 90);
  sim.Partition({p.ponger}, {p.pinger});
  ASSERT_OK(sim.RunFor(absl::Seconds(2)));
  EXPECT_LE(p.tally->received, before + 2);  // at most what was in flight
  net::NetworkDispatcher* net = net::NetworkDispatcher::Of(sim.system(p.pinger));
  EXPECT_EQ(net->stats().connections_lost.load(), 1u);
  sim.Heal();
  ASSERT_OK(sim.RunFor(absl::Seconds(2)));
  EXPECT_GT(p.tally->received, before + 150);
  EXPECT_GE(net->stats().connections_established.load(), 2u);
}

TEST(SimulationTest, AShortPartitionDelaysButLosesNothing) {
  ASSERT_OK_AND_ASSIGN(PingPongSim p, MakePingPong(Seed(4)));
  Simulation& sim = *p.sim;
  ASSERT_OK(sim.RunFor(absl::Seconds(1)));
  sim.Partition({p.ponger}, {p.pinger});
  ASSERT_OK(sim.RunFor(absl::Milliseconds(200)));  // shorter than the heartbeat timeout
  sim.Heal();
  ASSERT_OK(sim.RunFor(absl::Seconds(1)));
  net::NetworkDispatcher* net = net::NetworkDispatcher::Of(sim.system(p.pinger));
  EXPECT_EQ(net->stats().connections_lost.load(), 0u);
  // Every ping answered, in order (held bytes arrive after the heal, TCP-like).
  ASSERT_GE(p.tally->received, p.tally->sent - 2);
  for (int i = 0; i < p.tally->received; ++i)
    EXPECT_EQ(p.tally->replies[static_cast<size_t>(i)], absl::StrCat("pong:ping-", i));
}

TEST(SimulationTest, AKilledSystemIsLostAndARestartedOneIsANewSession) {
  ASSERT_OK_AND_ASSIGN(PingPongSim p, MakePingPong(Seed(5)));
  Simulation& sim = *p.sim;
  ASSERT_OK(sim.RunFor(absl::Seconds(1)));
  ASSERT_OK(sim.Kill(p.ponger));
  EXPECT_FALSE(sim.alive(p.ponger));
  ASSERT_OK(sim.RunFor(absl::Milliseconds(100)));
  net::NetworkDispatcher* net = net::NetworkDispatcher::Of(sim.system(p.pinger));
  EXPECT_EQ(net->stats().connections_lost.load(), 1u);
  const int before = p.tally->received;
  ASSERT_OK(sim.RunFor(absl::Milliseconds(500)));
  EXPECT_EQ(p.tally->received, before);  // nobody answers
  EXPECT_THAT(sim.Restart(p.pinger), StatusIs(absl::StatusCode::kFailedPrecondition));
  ASSERT_OK(sim.Restart(p.ponger));
  EXPECT_EQ(sim.incarnation(p.ponger), 1);
  ASSERT_OK(sim.RunFor(absl::Seconds(1)));
  EXPECT_GT(p.tally->received, before + 50);
  EXPECT_EQ(net->stats().connections_established.load(), 2u);
}

TEST(SimulationTest, APausedSystemRunsNothingThenCatchesUp) {
  ASSERT_OK_AND_ASSIGN(PingPongSim p, MakePingPong(Seed(6)));
  Simulation& sim = *p.sim;
  ASSERT_OK(sim.RunFor(absl::Seconds(1)));
  const int sent = p.tally->sent;
  sim.Pause(p.pinger, absl::Milliseconds(300));
  ASSERT_OK(sim.RunFor(absl::Milliseconds(299)));
  EXPECT_EQ(p.tally->sent, sent);
  ASSERT_OK(sim.RunFor(absl::Milliseconds(500)));
  EXPECT_GT(p.tally->sent, sent + 40);
}

TEST(SimulationTest, AFastClockFiresTimersSooner) {
  ASSERT_OK_AND_ASSIGN(PingPongSim p, MakePingPong(Seed(7)));
  ASSERT_OK(p.sim->SetClockRate(p.pinger, 2.0));
  ASSERT_OK(p.sim->RunFor(absl::Seconds(1)));
  EXPECT_GE(p.tally->sent, 190);  // a 10 ms period on a clock twice as fast
  EXPECT_THAT(p.sim->SetClockRate(p.pinger, 0), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(SimulationTest, LossyLinksResetConnectionsAndEveryLossIsCounted) {
  SimOptions options = Seed(8);
  options.link.reset_probability = 0.01;
  ASSERT_OK_AND_ASSIGN(PingPongSim p, MakePingPong(options));
  ASSERT_OK(p.sim->RunFor(absl::Seconds(5)));
  EXPECT_GT(p.sim->network().stats().resets, 0u);
  net::NetworkDispatcher* net = net::NetworkDispatcher::Of(p.sim->system(p.pinger));
  EXPECT_GT(net->stats().connections_lost.load(), 0u);
  // Still mostly answered: the network layer reconnects.
  EXPECT_GT(p.tally->received, p.tally->sent / 2);
}

TEST(SimulationTest, DatagramsAreLostAndDuplicatedAsTheLinkSays) {
  SimOptions lossy = Seed(9);
  lossy.link.datagram_loss = 0.3;
  ASSERT_OK_AND_ASSIGN(PingPongSim p, MakePingPong(lossy, kompact::Transport::kUdp));
  ASSERT_OK(p.sim->RunFor(absl::Seconds(5)));
  // Pings go by UDP (30 % lost), pongs back by TCP (none lost).
  const SimNetworkStats& stats = p.sim->network().stats();
  EXPECT_GT(stats.datagrams_lost, 0u);
  EXPECT_NEAR(p.tally->received, 0.7 * p.tally->sent, 0.1 * p.tally->sent);
  EXPECT_EQ(static_cast<uint64_t>(p.tally->received), stats.datagrams);

  SimOptions doubled = Seed(9);
  doubled.link.datagram_duplication = 1.0;
  doubled.link.jitter = absl::Milliseconds(30);  // and reordered (pings are 10 ms apart)
  ASSERT_OK_AND_ASSIGN(PingPongSim q, MakePingPong(doubled, kompact::Transport::kUdp));
  ASSERT_OK(q.sim->RunFor(absl::Seconds(2)));
  EXPECT_GT(q.sim->network().stats().datagrams_duplicated, 0u);
  EXPECT_GE(q.tally->received, 2 * q.tally->sent - 10);  // less what is in flight (30 ms of jitter)
  bool reordered = false;
  for (size_t i = 1; i < q.tally->replies.size(); ++i) {
    if (q.tally->replies[i] < q.tally->replies[i - 1] &&
        q.tally->replies[i].size() == q.tally->replies[i - 1].size()) {
      reordered = true;
    }
  }
  EXPECT_TRUE(reordered);
}

TEST(SimulationTest, ARefusingLinkFailsEveryConnectionAttemptUntilItAccepts) {
  LinkConfig refuse;
  refuse.refuse_connections = true;
  SimOptions options = Seed(10);
  ASSERT_OK_AND_ASSIGN(PingPongSim p, MakePingPong(options));
  ASSERT_OK(p.sim->SetLink(p.pinger, p.ponger, refuse));
  ASSERT_OK(p.sim->RunFor(absl::Seconds(1)));
  EXPECT_EQ(p.tally->received, 0);
  net::NetworkDispatcher* net = net::NetworkDispatcher::Of(p.sim->system(p.pinger));
  EXPECT_GT(net->stats().connect_failures.load(), 2u);
  EXPECT_GT(p.sim->network().stats().refused, 2u);
  ASSERT_OK(p.sim->SetLink(p.pinger, p.ponger, LinkConfig{}));
  ASSERT_OK(p.sim->RunFor(absl::Seconds(1)));
  EXPECT_GT(p.tally->received, 50);
}

TEST(SimulationTest, BandwidthLimitsWhatALinkCarries) {
  SimOptions slow = Seed(11);
  slow.link.bandwidth_bytes_per_second = 2000;  // pings (~70 B every 10 ms) need ~7 kB/s
  ASSERT_OK_AND_ASSIGN(PingPongSim p, MakePingPong(slow));
  ASSERT_OK(p.sim->RunFor(absl::Seconds(3)));
  EXPECT_LT(p.tally->received, p.tally->sent / 2);
  EXPECT_GT(p.tally->received, 10);
}

TEST(SimulationTest, MisuseIsAClearError) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Simulation> sim, Simulation::Create(Seed(1)));
  SystemSpec bad;
  bad.name = "bad";
  bad.network.bind_address = "0.0.0.0";
  EXPECT_THAT(sim->AddSystem(bad), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("assigns")));
  SystemSpec toml;
  toml.config_toml = "[kompact.net]\nport = 9000\n";
  EXPECT_THAT(sim->AddSystem(toml),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("SystemSpec.network")));
  SimOptions lossy;
  lossy.link.datagram_loss = 2;
  EXPECT_THAT(Simulation::Create(lossy),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("datagram_loss")));
}

TEST(SimulationTest, BudgetsAndInvariantsStopARunWithTheReason) {
  SimOptions options = Seed(2);
  options.max_steps = 5000;
  ASSERT_OK_AND_ASSIGN(PingPongSim p, MakePingPong(options));
  EXPECT_THAT(p.sim->RunFor(absl::Hours(1)),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("max_steps")));

  ASSERT_OK_AND_ASSIGN(PingPongSim q, MakePingPong(Seed(2)));
  q.sim->AddInvariant("fewer than 50 replies", [tally = q.tally] {
    return tally->received < 50 ? absl::OkStatus() : absl::InternalError("50 replies");
  });
  EXPECT_THAT(q.sim->RunFor(absl::Seconds(10)), StatusIs(absl::StatusCode::kFailedPrecondition,
                                                         HasSubstr("invariant 'fewer than 50 replies'")));
  EXPECT_THAT(q.sim->TraceTail(), HasSubstr("run sys"));

  ASSERT_OK_AND_ASSIGN(PingPongSim r, MakePingPong(Seed(2)));
  EXPECT_THAT(r.sim->RunUntil([] { return false; }, absl::Seconds(1)),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_EQ(r.sim->Now(), absl::Seconds(1));
}

}  // namespace
}  // namespace kompact::sim
