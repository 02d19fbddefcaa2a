// Two (or three) systems on 127.0.0.1 port 0 in one process, talking over real
// TCP and UDP sockets (FEATURES.md N1, N3, N5, N7, N9, N10): delivery to unique and
// named paths in the three serialisation modes, payloads larger than a receive
// chunk, FIFO within a session, replies over the same connection, forwarding
// across three systems, routing policies over the network, IPv6, binding 0.0.0.0
// with an advertised address, port errors, and the lifecycle: unreachable peers,
// peers restarted within and after the retry window, graceful shutdown.
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/capture_log_sink.h"
#include "gtest/gtest.h"
#include "net/network_dispatcher.h"
#include "net/testing/net_test_util.h"
#include "routing/actor_store.h"
#include "routing/policies.h"
#include "routing/testing/recorder.h"
#include "runtime/kompact_system.h"
#include "serialisation/encode_buffer.h"
#include "testing/status_matchers.h"
#include "testing/wait_until.h"

namespace kompact {
namespace {

using ::kompact::net_testing::NetSystem;
using ::kompact::net_testing::NetworkOf;
using ::kompact::net_testing::TestNetworkConfig;
using ::kompact::routing_testing::Inbox;
using ::kompact::routing_testing::Received;
using ::kompact::routing_testing::Recorder;
using ::kompact::testing::WaitUntil;

// Replies to every string with "echo:" + the string, to the message's sender.
class Echo : public ComponentDefinition<Echo> {
 public:
  HandlerResult ReceiveNetwork(NetMessage message) {
    absl::StatusOr<std::string> text = message.TryDeserialise<std::string>();
    if (!text.ok()) return HandlerResult::Benign(text.status());
    sessions.push_back(message.session());
    message.sender().Tell(absl::StrCat("echo:", *text), *this);
    return Handled::kOk;
  }
  std::vector<std::optional<SessionId>> sessions;
};

struct Pair {
  KompactSystem a;
  KompactSystem b;
};

class NetworkTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (KompactSystem& s : systems_) {
      if (!s.core()->terminated()) {
        EXPECT_OK(s.Shutdown());
      }
    }
  }
  KompactSystem& NewSystem(net::NetworkConfig config = TestNetworkConfig()) {
    absl::StatusOr<KompactSystem> s = NetSystem(std::move(config));
    EXPECT_OK(s.status());
    systems_.push_back(*std::move(s));
    return systems_.back();
  }
  // A Recorder on `system`, registered at `alias` (and by unique path).
  ActorPath RecorderAt(KompactSystem& system, const std::shared_ptr<Inbox>& inbox, int id, std::string alias,
                       ActorPath* unique = nullptr) {
    Component<Recorder> r = system.Create<Recorder>(inbox, id);
    system.Start(r);
    absl::StatusOr<ActorPath> named = system.RegisterByAlias(r, alias).Wait();
    EXPECT_OK(named.status());
    if (unique != nullptr) {
      absl::StatusOr<ActorPath> u = system.Register(r).Wait();
      EXPECT_OK(u.status());
      *unique = *u;
    }
    keep_.push_back(r);
    return *named;
  }

  std::deque<KompactSystem> systems_;  // references stay valid as it grows
  std::vector<AnyComponent> keep_;
};

TEST_F(NetworkTest, PortZeroYieldsTheRealPortInTheSystemPath) {
  KompactSystem& a = NewSystem();
  EXPECT_EQ(a.SystemPath().transport(), kompact::Transport::kTcp);
  EXPECT_NE(a.SystemPath().port(), 0);
  EXPECT_EQ(a.SystemPath().address(), IpAddress::Loopback());
}

TEST_F(NetworkTest, AnOccupiedPortFailsBuildAtOnce) {
  KompactSystem& a = NewSystem();
  net::NetworkConfig c = TestNetworkConfig();
  c.port = a.SystemPath().port();
  const absl::Time start = absl::Now();
  absl::StatusOr<KompactSystem> b = NetSystem(c);
  EXPECT_FALSE(b.ok());
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_THAT(b.status().message(), ::testing::HasSubstr(absl::StrCat(a.SystemPath().port())));
}

TEST_F(NetworkTest, ThePortCanBeBoundAgainRightAfterShutdown) {
  absl::StatusOr<KompactSystem> a = NetSystem();
  ASSERT_OK(a.status());
  const uint16_t port = a->SystemPath().port();
  ASSERT_OK(a->Shutdown());
  net::NetworkConfig c = TestNetworkConfig();
  c.port = port;
  KompactSystem& again = NewSystem(c);
  EXPECT_EQ(again.SystemPath().port(), port);
}

TEST_F(NetworkTest, DeliversToNamedAndUniquePathsLazyEagerAndPreserialised) {
  KompactSystem& a = NewSystem();
  KompactSystem& b = NewSystem();
  auto inbox = std::make_shared<Inbox>();
  ActorPath unique;
  ActorPath named = RecorderAt(b, inbox, 1, "recorder", &unique);
  named.Tell(std::string("lazy-named"), a);
  unique.Tell(std::string("lazy-unique"), a);
  ASSERT_OK(named.TellSerialised(std::string("eager"), a));
  ASSERT_OK_AND_ASSIGN(NetData pre, NetData::Serialise(std::string("pre")));
  ASSERT_OK(named.TellPreserialised(pre, a));
  ASSERT_OK(unique.TellPreserialised(pre, a));
  ASSERT_TRUE(inbox->WaitFor(5));
  std::vector<Received> got = inbox->items();
  std::vector<std::string> texts;
  for (const Received& r : got) {
    texts.push_back(r.text);
    EXPECT_FALSE(r.was_boxed) << "crossed a socket, so it must be bytes";
    EXPECT_EQ(r.sender, a.DeadletterPath());
  }
  EXPECT_EQ(texts, (std::vector<std::string>{"lazy-named", "lazy-unique", "eager", "pre", "pre"}));
  EXPECT_EQ(NetworkOf(a).stats().messages_sent.load(), 5u);
  EXPECT_EQ(NetworkOf(b).stats().messages_received.load(), 5u);
}

TEST_F(NetworkTest, LocalPathsAreDeliveredWithoutSerialisation) {
  KompactSystem& a = NewSystem();
  auto inbox = std::make_shared<Inbox>();
  ActorPath named = RecorderAt(a, inbox, 1, "local");
  named.Tell(std::string("stay"), a);
  ASSERT_TRUE(inbox->WaitFor(1));
  EXPECT_TRUE(inbox->items()[0].was_boxed);
  EXPECT_EQ(NetworkOf(a).stats().messages_sent.load(), 0u);
}

TEST_F(NetworkTest, RepliesGoBackOverTheSameConnectionWithASession) {
  KompactSystem& a = NewSystem();
  KompactSystem& b = NewSystem();
  Component<Echo> echo = b.Create<Echo>();
  b.Start(echo);
  ASSERT_OK_AND_ASSIGN(ActorPath echo_path, b.RegisterByAlias(echo, "echo").Wait());
  auto inbox = std::make_shared<Inbox>();
  ActorPath me;
  RecorderAt(a, inbox, 1, "client", &me);
  for (int i = 0; i < 3; ++i) echo_path.Tell(absl::StrCat("m", i), me.Via(a));
  ASSERT_TRUE(inbox->WaitFor(3));
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(inbox->items()[static_cast<size_t>(i)].text, absl::StrCat("echo:m", i));
  // Both directions are one session: what the echo saw is what the client sees.
  ASSERT_TRUE(inbox->items()[0].session.has_value());
  EXPECT_EQ(inbox->items()[0].session, inbox->items()[2].session);
  // One connection serves both directions.
  EXPECT_EQ(NetworkOf(a).stats().connections_established.load(), 1u);
  EXPECT_EQ(NetworkOf(b).stats().connections_established.load(), 1u);
}

TEST_F(NetworkTest, TenThousandMessagesArriveInOrderWithinASession) {
  KompactSystem& a = NewSystem();
  KompactSystem& b = NewSystem();
  auto inbox = std::make_shared<Inbox>();
  ActorPath target = RecorderAt(b, inbox, 1, "sink");
  constexpr int kN = 10000;
  for (int i = 0; i < kN; ++i) target.Tell(absl::StrCat(i), a);
  ASSERT_TRUE(inbox->WaitFor(kN, absl::Seconds(60)));
  std::vector<Received> got = inbox->items();
  ASSERT_EQ(got.size(), static_cast<size_t>(kN));
  for (int i = 0; i < kN; ++i) ASSERT_EQ(got[static_cast<size_t>(i)].text, absl::StrCat(i)) << "at " << i;
}

TEST_F(NetworkTest, PayloadsLargerThanAReceiveChunkArriveWhole) {
  net::NetworkConfig small = TestNetworkConfig();
  small.buffers.chunk_size = 16 * 1024;
  KompactSystem& a = NewSystem(small);
  KompactSystem& b = NewSystem(small);
  auto inbox = std::make_shared<Inbox>();
  ActorPath target = RecorderAt(b, inbox, 1, "big");
  std::vector<std::string> sent;
  for (size_t size : {10u, 15000u, 16384u, 40000u, 1u << 20}) {
    std::string s(size, '\0');
    for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>('a' + (i * 7 + size) % 26);
    sent.push_back(s);
    target.Tell(s, a);
  }
  ASSERT_TRUE(inbox->WaitFor(sent.size()));
  for (size_t i = 0; i < sent.size(); ++i) EXPECT_EQ(inbox->items()[i].text, sent[i]) << "message " << i;
}

TEST_F(NetworkTest, UdpPathsUseDatagrams) {
  KompactSystem& a = NewSystem();
  KompactSystem& b = NewSystem();
  auto inbox = std::make_shared<Inbox>();
  ActorPath target = RecorderAt(b, inbox, 1, "udp-sink").WithTransport(kompact::Transport::kUdp);
  target.Tell(std::string("datagram"), a);
  ASSERT_TRUE(inbox->WaitFor(1));
  EXPECT_EQ(inbox->items()[0].text, "datagram");
  EXPECT_FALSE(inbox->items()[0].was_boxed);
  EXPECT_EQ(NetworkOf(a).stats().datagrams_sent.load(), 1u);
  EXPECT_EQ(NetworkOf(a).stats().connections_established.load(), 0u);
}

TEST_F(NetworkTest, AnOversizedDatagramIsACountedDeadLetter) {
  KompactSystem& a = NewSystem();
  KompactSystem& b = NewSystem();
  auto inbox = std::make_shared<Inbox>();
  ActorPath target = RecorderAt(b, inbox, 1, "udp-sink").WithTransport(kompact::Transport::kUdp);
  const uint64_t dead_before = a.dead_letters();
  target.Tell(std::string(70000, 'x'), a);
  ASSERT_TRUE(WaitUntil([&] { return a.dead_letters() == dead_before + 1; }));
  EXPECT_EQ(NetworkOf(a).stats().datagrams_dropped.load(), 1u);
}

TEST_F(NetworkTest, ForwardsAcrossThreeSystemsAndBackToTheOrigin) {
  KompactSystem& a = NewSystem();
  KompactSystem& b = NewSystem();
  KompactSystem& c = NewSystem();
  auto inbox = std::make_shared<Inbox>();
  ActorPath origin;
  RecorderAt(a, inbox, 1, "origin", &origin);
  // c echoes; b forwards everything it gets to c, keeping the original sender.
  Component<Echo> echo = c.Create<Echo>();
  c.Start(echo);
  ASSERT_OK_AND_ASSIGN(ActorPath echo_path, c.RegisterByAlias(echo, "echo").Wait());
  class Forwarder : public ComponentDefinition<Forwarder> {
   public:
    explicit Forwarder(ActorPath to) : to_(std::move(to)) {}
    HandlerResult ReceiveNetwork(NetMessage message) {
      to_.Forward(std::move(message), *this);
      return Handled::kOk;
    }

   private:
    ActorPath to_;
  };
  Component<Forwarder> fwd = b.Create<Forwarder>(echo_path);
  b.Start(fwd);
  ASSERT_OK_AND_ASSIGN(ActorPath fwd_path, b.RegisterByAlias(fwd, "forward").Wait());
  fwd_path.Tell(std::string("round"), origin.Via(a));
  ASSERT_TRUE(inbox->WaitFor(1));
  EXPECT_EQ(inbox->items()[0].text, "echo:round");
  EXPECT_EQ(inbox->items()[0].sender.system(), c.SystemPath());
}

TEST_F(NetworkTest, BroadcastAndSelectPathsResolveAtTheReceivingSystem) {
  KompactSystem& a = NewSystem();
  KompactSystem& b = NewSystem();
  auto inbox = std::make_shared<Inbox>();
  // Explicit policies, which route in every build (implicit routes on or off).
  for (int i = 0; i < 3; ++i) RecorderAt(b, inbox, i, absl::StrCat("all/m", i));
  for (int i = 3; i < 6; ++i) RecorderAt(b, inbox, i, absl::StrCat("one/m", i));
  ASSERT_OK(b.SetRoutingPolicy(BroadcastRouting(), "all").Wait().status());
  ASSERT_OK(b.SetRoutingPolicy(RoundRobinRouting(), "one").Wait().status());
  ASSERT_OK_AND_ASSIGN(ActorPath everyone, ActorPath::Named(b.SystemPath(), {"all", "*"}));
  everyone.Tell(std::string("everyone"), a);
  ASSERT_TRUE(inbox->WaitFor(3));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(inbox->CountFor(i), 1u);
  ASSERT_OK_AND_ASSIGN(ActorPath someone, ActorPath::Named(b.SystemPath(), {"one", "?"}));
  for (int i = 0; i < 3; ++i) someone.Tell(std::string("someone"), a);
  ASSERT_TRUE(inbox->WaitFor(6));
  for (int i = 3; i < 6; ++i) EXPECT_EQ(inbox->CountFor(i), 1u) << "round robin over three members";
}

// A marker from another system routes only on an explicit policy unless the
// receiver sets kompact.net.remote-implicit-routes; local sends follow the build flag.
TEST_F(NetworkTest, RemoteMarkersNeedAnExplicitPolicyUnlessRemoteImplicitRoutesIsOn) {
  KompactSystem& a = NewSystem();
  auto log = std::make_shared<CaptureLogSink>();
  absl::StatusOr<KompactSystem> built =
      KompactConfig()
          .Label("strict")
          .Threads(1)
          .SetLogSink(log)
          .SetDispatcher(net::NetworkDispatcher::Factory(TestNetworkConfig()))
          .Build();
  ASSERT_OK(built.status());
  systems_.push_back(*std::move(built));
  KompactSystem& strict = systems_.back();
  net::NetworkConfig open_config = TestNetworkConfig();
  open_config.remote_implicit_routes = true;
  KompactSystem& open = NewSystem(open_config);
  auto inbox = std::make_shared<Inbox>();
  RecorderAt(strict, inbox, 0, "free/m0");
  RecorderAt(open, inbox, 1, "free/m1");

  ASSERT_OK_AND_ASSIGN(ActorPath to_strict, ActorPath::Named(strict.SystemPath(), {"free", "*"}));
  const uint64_t dead_before = strict.dead_letters();
  to_strict.Tell(std::string("remote"), a);
  ASSERT_TRUE(WaitUntil([&] { return strict.dead_letters() == dead_before + 1; }));
  EXPECT_TRUE(log->WaitFor("kompact.net.remote-implicit-routes is off", absl::Seconds(5)));
  EXPECT_EQ(inbox->CountFor(0), 0u);

  ASSERT_OK_AND_ASSIGN(ActorPath to_open, ActorPath::Named(open.SystemPath(), {"free", "*"}));
  to_open.Tell(std::string("remote"), a);
  ASSERT_TRUE(inbox->WaitFor(1));
  EXPECT_EQ(inbox->CountFor(1), 1u);

  // The same path sent inside `strict` follows --//routing:implicit_routes.
  to_strict.Tell(std::string("local"), strict);
  if (kImplicitRoutes) {
    ASSERT_TRUE(inbox->WaitFor(2));
    EXPECT_EQ(inbox->CountFor(0), 1u);
  } else {
    EXPECT_TRUE(WaitUntil([&] { return strict.dead_letters() == dead_before + 2; }));
    EXPECT_EQ(inbox->CountFor(0), 0u);
  }

  // An explicit policy routes remote markers on every system.
  ASSERT_OK(strict.SetRoutingPolicy(BroadcastRouting(), "free").Wait().status());
  to_strict.Tell(std::string("explicit"), a);
  ASSERT_TRUE(WaitUntil([&] { return inbox->CountFor(0) == (kImplicitRoutes ? 2u : 1u); }));
}

TEST_F(NetworkTest, IPv6Loopback) {
  net::NetworkConfig c = TestNetworkConfig();
  c.bind_address = "::1";
  KompactSystem& a = NewSystem(c);
  KompactSystem& b = NewSystem(c);
  EXPECT_FALSE(b.SystemPath().address().is_v4());
  auto inbox = std::make_shared<Inbox>();
  ActorPath target = RecorderAt(b, inbox, 1, "v6");
  target.Tell(std::string("six"), a);
  ASSERT_TRUE(inbox->WaitFor(1));
  EXPECT_EQ(inbox->items()[0].text, "six");
}

TEST_F(NetworkTest, BindingTheAnyAddressAdvertisesTheGivenAddress) {
  net::NetworkConfig c = TestNetworkConfig();
  c.bind_address = "0.0.0.0";
  c.advertised_address = "127.0.0.1";
  KompactSystem& b = NewSystem(c);
  EXPECT_EQ(b.SystemPath().address(), IpAddress::Loopback());
  KompactSystem& a = NewSystem();
  auto inbox = std::make_shared<Inbox>();
  ActorPath target = RecorderAt(b, inbox, 1, "any");
  target.Tell(std::string("reachable"), a);
  ASSERT_TRUE(inbox->WaitFor(1));
}

TEST_F(NetworkTest, AnUnreachablePeerDropsItsQueueAsCountedDeadLettersAfterTheRetries) {
  // A port nobody listens on: bind one, remember it, close it.
  uint16_t port;
  {
    absl::StatusOr<KompactSystem> gone = NetSystem();
    ASSERT_OK(gone.status());
    port = gone->SystemPath().port();
    ASSERT_OK(gone->Shutdown());
  }
  KompactSystem& a = NewSystem();
  ASSERT_OK_AND_ASSIGN(
      ActorPath nowhere,
      ActorPath::Named(SystemPath(kompact::Transport::kTcp, IpAddress::Loopback(), port), {"x"}));
  const uint64_t dead_before = a.dead_letters();
  for (int i = 0; i < 7; ++i) nowhere.Tell(std::string("lost"), a);
  ASSERT_TRUE(WaitUntil([&] { return NetworkOf(a).stats().dropped_unreachable.load() == 7; }));
  EXPECT_EQ(a.dead_letters(), dead_before + 7);
  EXPECT_GE(NetworkOf(a).stats().connect_failures.load(), 6u);  // 1 + max_retry_attempts
}

TEST_F(NetworkTest, APeerRestartedWithinTheRetryWindowGetsTheQueuedMessagesInANewSession) {
  net::NetworkConfig patient = TestNetworkConfig();
  patient.max_retry_attempts = 100;
  KompactSystem& a = NewSystem(patient);
  absl::StatusOr<KompactSystem> b = NetSystem();
  ASSERT_OK(b.status());
  const SystemPath b_path = b->SystemPath();
  Component<Echo> echo = b->Create<Echo>();
  b->Start(echo);
  ASSERT_OK_AND_ASSIGN(ActorPath echo_path, b->RegisterByAlias(echo, "echo").Wait());
  auto inbox = std::make_shared<Inbox>();
  ActorPath me;
  RecorderAt(a, inbox, 1, "client", &me);
  echo_path.Tell(std::string("before"), me.Via(a));
  ASSERT_TRUE(inbox->WaitFor(1));
  echo = Component<Echo>();
  ASSERT_OK(b->Shutdown());
  // Queued while b is down.
  for (int i = 0; i < 5; ++i) echo_path.Tell(absl::StrCat("while-down-", i), me.Via(a));
  absl::SleepFor(absl::Milliseconds(120));  // let a fail a few attempts (not a synchronisation)
  net::NetworkConfig same = TestNetworkConfig();
  same.port = b_path.port();
  KompactSystem& b2 = NewSystem(same);
  Component<Echo> echo2 = b2.Create<Echo>();
  b2.Start(echo2);
  ASSERT_OK(b2.RegisterByAlias(echo2, "echo").Wait().status());
  // Messages that reached b2 before "echo" was registered there are dead letters
  // at b2; the rest are echoed. Every one is accounted for.
  ASSERT_TRUE(WaitUntil([&] { return inbox->size() + b2.dead_letters() >= 6; }));
  ASSERT_TRUE(WaitUntil([&] { return NetworkOf(a).stats().connections_established.load() >= 2; }));
  EXPECT_EQ(NetworkOf(a).stats().dropped_unreachable.load(), 0u);
  // b said Bye when it shut down: a closed connection, not a lost one.
  EXPECT_EQ(NetworkOf(a).stats().connections_closed.load(), 1u);
  EXPECT_EQ(NetworkOf(a).stats().connections_lost.load(), 0u);
  // The echoes came back on a new session.
  const std::vector<Received> got = inbox->items();
  ASSERT_GE(got.size(), 2u);
  ASSERT_TRUE(got.front().session.has_value());
  ASSERT_TRUE(got.back().session.has_value());
  EXPECT_NE(*got.front().session, *got.back().session);
}

TEST_F(NetworkTest, APeerRestartedAfterTheRetriesRanOutCountsTheDroppedQueue) {
  KompactSystem& a = NewSystem();  // 5 attempts 50 ms apart
  absl::StatusOr<KompactSystem> b = NetSystem();
  ASSERT_OK(b.status());
  const SystemPath b_path = b->SystemPath();
  auto inbox = std::make_shared<Inbox>();
  ActorPath target = RecorderAt(*b, inbox, 1, "sink");
  target.Tell(std::string("first"), a);
  ASSERT_TRUE(inbox->WaitFor(1));
  keep_.clear();
  ASSERT_OK(b->Shutdown());
  for (int i = 0; i < 4; ++i) target.Tell(std::string("dropped"), a);
  ASSERT_TRUE(WaitUntil([&] { return NetworkOf(a).stats().dropped_unreachable.load() == 4; }));
  net::NetworkConfig same = TestNetworkConfig();
  same.port = b_path.port();
  KompactSystem& b2 = NewSystem(same);
  auto inbox2 = std::make_shared<Inbox>();
  RecorderAt(b2, inbox2, 1, "sink");
  target.Tell(std::string("after"), a);  // a new dial cycle
  ASSERT_TRUE(inbox2->WaitFor(1));
  EXPECT_EQ(inbox2->items()[0].text, "after");
}

// Keeps the first `hold` messages it gets (and so the receive chunks their
// payloads live in) until it is told to let go.
class Hoarder : public ComponentDefinition<Hoarder>, public Actor<bool> {
 public:
  Hoarder(std::shared_ptr<Inbox> inbox, size_t hold) : inbox_(std::move(inbox)), hold_(hold) {}
  HandlerResult ReceiveNetwork(NetMessage message) {
    Received r;
    if (absl::StatusOr<std::string> t = message.TryDeserialise<std::string>(); t.ok()) r.text = *t;
    inbox_->Add(std::move(r));
    if (held_.size() < hold_) held_.push_back(std::move(message));
    return Handled::kOk;
  }
  HandlerResult ReceiveLocal(bool) {
    held_.clear();
    return Handled::kOk;
  }

 private:
  std::shared_ptr<Inbox> inbox_;
  size_t hold_;
  std::vector<NetMessage> held_;
};

TEST_F(NetworkTest, ExhaustedReceiveBuffersPauseReadingUntilChunksAreFree) {
  net::NetworkConfig tight = TestNetworkConfig();
  tight.buffers.chunk_size = 8 * 1024;
  tight.buffers.initial_chunk_count = 2;
  tight.buffers.max_chunk_count = 4;
  tight.max_pending_connections = 2;  // at most half of the chunks
  tight.max_pending_connections_per_ip = 2;
  tight.heartbeat_timeout = absl::Seconds(10);  // a paused reader is not a dead peer
  KompactSystem& b = NewSystem(tight);
  KompactSystem& a = NewSystem();
  auto inbox = std::make_shared<Inbox>();
  Component<Hoarder> hoarder = b.Create<Hoarder>(inbox, 1000);
  b.Start(hoarder);
  ASSERT_OK_AND_ASSIGN(ActorPath target, b.RegisterByAlias(hoarder, "hoard").Wait());
  // 200 messages of 1 KiB: 25 chunks' worth, while b may own only 4.
  constexpr int kN = 200;
  for (int i = 0; i < kN; ++i) target.Tell(std::string(1000, static_cast<char>('a' + i % 26)), a);
  // b stalls once every chunk is held by a delivered message...
  ASSERT_TRUE(WaitUntil([&] { return inbox->size() > 0; }));
  absl::SleepFor(absl::Milliseconds(200));  // give it time to (wrongly) read more
  EXPECT_LT(inbox->size(), static_cast<size_t>(kN));
  // ...and reads on once they are released; nothing was lost.
  ActorRef<bool> ref = hoarder.actor_ref();
  for (int i = 0; i < 100 && inbox->size() < static_cast<size_t>(kN); ++i) {
    ref.Tell(true);
    inbox->WaitFor(kN, absl::Milliseconds(100));
  }
  ASSERT_TRUE(inbox->WaitFor(kN));
  EXPECT_EQ(NetworkOf(b).stats().connections_lost.load(), 0u);
  keep_.push_back(hoarder);
}

// Answers local asks by asking a remote echo over the network: the ask's promise
// is kept until the echo's reply arrives by path.
class RemoteAsker : public ComponentDefinition<RemoteAsker>, public Actor<Ask<std::string, std::string>> {
 public:
  explicit RemoteAsker(ActorPath echo) : echo_(std::move(echo)) {}
  HandlerResult ReceiveLocal(Ask<std::string, std::string> ask) {
    echo_.Tell(ask.request(), *this);
    waiting_.push_back(std::move(ask));
    return Handled::kOk;
  }
  HandlerResult ReceiveNetwork(NetMessage message) {
    absl::StatusOr<std::string> reply = message.TryDeserialise<std::string>();
    if (waiting_.empty()) return Handled::kOk;
    waiting_.front().Reply(std::move(reply));
    waiting_.erase(waiting_.begin());
    return Handled::kOk;
  }

 private:
  ActorPath echo_;
  std::vector<Ask<std::string, std::string>> waiting_;
};

TEST_F(NetworkTest, AskAnsweredByAnActorOnAnotherSystem) {
  KompactSystem& a = NewSystem();
  KompactSystem& b = NewSystem();
  Component<Echo> echo = b.Create<Echo>();
  b.Start(echo);
  ASSERT_OK_AND_ASSIGN(ActorPath echo_path, b.RegisterByAlias(echo, "echo").Wait());
  Component<RemoteAsker> asker = a.Create<RemoteAsker>(echo_path);
  a.Start(asker);
  ASSERT_OK(a.Register(asker).Wait().status());  // so that the echo can answer its path
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<std::string> answer =
        asker.actor_ref().Ask(absl::StrCat("q", i)).WaitFor(absl::Seconds(20));
    ASSERT_OK(answer.status());
    EXPECT_EQ(*answer, absl::StrCat("echo:q", i));
  }
  keep_.push_back(asker);
  keep_.push_back(echo);
}

TEST_F(NetworkTest, ShutdownFlushesWhatWasQueued) {
  KompactSystem& b = NewSystem();
  auto inbox = std::make_shared<Inbox>();
  ActorPath target = RecorderAt(b, inbox, 1, "sink");
  absl::StatusOr<KompactSystem> a = NetSystem();
  ASSERT_OK(a.status());
  constexpr int kN = 1000;
  for (int i = 0; i < kN; ++i) target.Tell(absl::StrCat(i), *a);
  ASSERT_OK(a->Shutdown());
  ASSERT_TRUE(inbox->WaitFor(kN));
  EXPECT_TRUE(WaitUntil([&] { return NetworkOf(b).stats().connections_closed.load() == 1; }));
}

}  // namespace
}  // namespace kompact
