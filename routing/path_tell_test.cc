// Path-addressed sending (FEATURES.md S5, A1, A6): lazy local delivery never
// serialises (proved with a counting serialiser), TellSerialised serialises once on
// the sender's thread, TellPreserialised reuses one serialisation, forwarding keeps
// or replaces the sender, and network actors get local and path messages alike.
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/capture_log_sink.h"
#include "gtest/gtest.h"
#include "routing/local_dispatcher.h"
#include "routing/testing/recorder.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"
#include "runtime/network_actor.h"
#include "serialisation/encode_buffer.h"
#include "serialisation/match_deser.h"
#include "testing/deterministic_system.h"
#include "testing/status_matchers.h"

namespace kompact {

// A message whose default serialiser counts every (de)serialisation.
struct Counted {
  uint64_t value = 0;
};

struct CountingSerialiser {
  static constexpr SerId kSerId = MakeSerId<142>();
  static inline std::atomic<int> serialised{0};
  static inline std::atomic<int> deserialised{0};
  static inline std::atomic<std::thread::id> serialised_on{};
  static size_t SizeHint(const Counted&) { return 8; }
  static absl::Status Serialise(const Counted& c, BufMut& buf) {
    serialised.fetch_add(1);
    serialised_on.store(std::this_thread::get_id());
    buf.PutU64(c.value);
    return absl::OkStatus();
  }
  static absl::StatusOr<Counted> Deserialise(Buf& buf) {
    deserialised.fetch_add(1);
    Counted c{buf.GetU64()};
    if (!buf.ok()) return buf.status();
    return c;
  }
  static void Reset() {
    serialised = 0;
    deserialised = 0;
  }
};

template <>
struct DefaultSerialiser<Counted> : CountingSerialiser {};

namespace {

using ::kompact::routing_testing::Inbox;
using ::kompact::routing_testing::Received;
using ::kompact::routing_testing::Recorder;
using ::kompact::testing::DeterministicSystem;
using ::kompact::testing::StatusIs;

// A network actor (A6): one message type, local and path messages alike.
struct Got {
  std::optional<ActorPath> sender;
  uint64_t value;
};
struct Log {
  std::vector<Got> got;
  std::vector<absl::Status> errors;
};

class CountedActor : public ComponentDefinition<CountedActor>, public NetworkActor<Counted> {
 public:
  explicit CountedActor(std::shared_ptr<Log> log) : log_(std::move(log)) {}
  HandlerResult Receive(std::optional<ActorPath> sender, Counted msg) {
    log_->got.push_back(Got{std::move(sender), msg.value});
    return Handled::kOk;
  }
  HandlerResult OnError(absl::Status error) {
    log_->errors.push_back(std::move(error));
    return Handled::kOk;
  }

 private:
  std::shared_ptr<Log> log_;
};

// A network actor without OnError: undecodable messages are logged.
class QuietActor : public ComponentDefinition<QuietActor>, public NetworkActor<std::string> {
 public:
  HandlerResult Receive(std::optional<ActorPath>, std::string) { return Handled::kOk; }
};

class PathTellTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CountingSerialiser::Reset();
    ASSERT_OK_AND_ASSIGN(sim_, DeterministicSystem::Create());
    actor_ = system().Create<CountedActor>(log_);
    system().Start(actor_);
    sim_->RunUntilIdle();
    ASSERT_OK_AND_ASSIGN(path_, system().RegisterByAlias(actor_, "counted").Wait());
  }
  void TearDown() override {
    actor_ = Component<CountedActor>();
    ASSERT_OK(sim_->Shutdown());
  }
  KompactSystem& system() { return sim_->system(); }

  std::unique_ptr<DeterministicSystem> sim_;
  std::shared_ptr<Log> log_ = std::make_shared<Log>();
  Component<CountedActor> actor_;
  ActorPath path_;
};

TEST_F(PathTellTest, LazyLocalDeliveryNeverSerialises) {
  for (uint64_t i = 0; i < 100; ++i) path_.Tell(Counted{i}, system());
  system().ActorPathFor(actor_).Tell(Counted{100}, system());  // by unique path: not registered
  ASSERT_OK(system().Register(actor_).Wait());
  system().ActorPathFor(actor_).Tell(Counted{101}, system());
  sim_->RunUntilIdle();
  ASSERT_EQ(log_->got.size(), 101u);
  for (uint64_t i = 0; i < 100; ++i) {
    EXPECT_EQ(log_->got[i].value, i);
    EXPECT_EQ(log_->got[i].sender, system().DeadletterPath());
  }
  EXPECT_EQ(log_->got[100].value, 101u);
  EXPECT_EQ(CountingSerialiser::serialised.load(), 0);
  EXPECT_EQ(CountingSerialiser::deserialised.load(), 0);
  EXPECT_TRUE(log_->errors.empty());
}

TEST_F(PathTellTest, ANetworkActorGetsLocalRefMessagesWithoutASender) {
  actor_.actor_ref().Tell(Counted{5});
  sim_->RunUntilIdle();
  ASSERT_EQ(log_->got.size(), 1u);
  EXPECT_EQ(log_->got[0].sender, std::nullopt);
  EXPECT_EQ(log_->got[0].value, 5u);
}

TEST_F(PathTellTest, TellSerialisedSerialisesOnceOnTheSendersThread) {
  std::thread sender([&] { ASSERT_OK(path_.TellSerialised(Counted{9}, system())); });
  const std::thread::id sender_id = sender.get_id();
  sender.join();
  EXPECT_EQ(CountingSerialiser::serialised.load(), 1);
  EXPECT_EQ(CountingSerialiser::serialised_on.load(), sender_id);
  sim_->RunUntilIdle();
  ASSERT_EQ(log_->got.size(), 1u);
  EXPECT_EQ(log_->got[0].value, 9u);
  EXPECT_EQ(CountingSerialiser::deserialised.load(), 1);  // the receiver read the bytes
}

TEST_F(PathTellTest, TellPreserialisedSendsTheSameBytesManyTimes) {
  ASSERT_OK_AND_ASSIGN(EncodeBuffer buffer, EncodeBuffer::Create(BufferConfig()));
  ASSERT_OK_AND_ASSIGN(NetData bytes, NetData::Serialise(Counted{77}, buffer));
  ASSERT_EQ(bytes.kind(), NetData::Kind::kChunkRef);
  for (int i = 0; i < 5; ++i) ASSERT_OK(path_.TellPreserialised(bytes, system()));
  sim_->RunUntilIdle();
  ASSERT_EQ(log_->got.size(), 5u);
  for (const Got& g : log_->got) EXPECT_EQ(g.value, 77u);
  EXPECT_EQ(CountingSerialiser::serialised.load(), 1);  // once, by NetData::Serialise
  EXPECT_EQ(CountingSerialiser::deserialised.load(), 5);
  EXPECT_THAT(path_.TellPreserialised(NetData::Box(Counted{1}), system()),
              StatusIs(absl::StatusCode::kInvalidArgument, "not serialised"));
}

TEST_F(PathTellTest, UndecodableMessagesGoToOnError) {
  path_.Tell(std::string("not a Counted"), system());
  path_.TellPreserialised(NetData::FromBytes(CountingSerialiser::kSerId, {1, 2, 3}), system()).IgnoreError();
  sim_->RunUntilIdle();
  EXPECT_TRUE(log_->got.empty());
  ASSERT_EQ(log_->errors.size(), 2u);
  EXPECT_THAT(log_->errors[0], StatusIs(absl::StatusCode::kInvalidArgument,
                                        absl::StrCat("it reads SerId ", CountingSerialiser::kSerId)));
  EXPECT_THAT(log_->errors[1], StatusIs(absl::StatusCode::kDataLoss));
}

TEST(NetworkActorLogging, WithoutOnErrorUndecodableMessagesAreLogged) {
  auto sink = std::make_shared<CaptureLogSink>();
  KompactConfig config;
  config.SetLogSink(sink);
  ASSERT_OK_AND_ASSIGN(auto sim, DeterministicSystem::Create(config));
  Component<QuietActor> quiet = sim->system().Create<QuietActor>();
  sim->system().Start(quiet);
  ASSERT_OK_AND_ASSIGN(ActorPath path, sim->system().Register(quiet).Wait());
  path.Tell(uint64_t{3}, sim->system());
  sim->RunUntilIdle();
  EXPECT_TRUE(sink->Contains("could not decode a network message"));
  quiet = Component<QuietActor>();
  ASSERT_OK(sim->Shutdown());
}

// Sends to `target` (a path) from its handler, so the sender is this component.
class Relay : public ComponentDefinition<Relay> {
 public:
  enum class Mode { kForward, kForwardWithSender, kTellAsSelf, kTellVia };
  Relay(ActorPath target, Mode mode, ActorPath via_path = ActorPath())
      : target_(std::move(target)), mode_(mode), via_path_(std::move(via_path)) {}
  HandlerResult ReceiveNetwork(NetMessage message) {
    switch (mode_) {
      case Mode::kForward:
        target_.Forward(std::move(message), *this);
        break;
      case Mode::kForwardWithSender:
        target_.ForwardWithSender(std::move(message), *this);
        break;
      case Mode::kTellAsSelf:
        target_.Tell(std::string("from relay"), *this);
        break;
      case Mode::kTellVia:
        target_.Tell(std::string("via"), via_path_.Via(*this));
        break;
    }
    return Handled::kOk;
  }

 private:
  ActorPath target_;
  Mode mode_;
  ActorPath via_path_;
};

class SenderTest : public ::testing::TestWithParam<Relay::Mode> {};

TEST_P(SenderTest, TheReceiverSeesTheRightSender) {
  ASSERT_OK_AND_ASSIGN(auto sim, DeterministicSystem::Create());
  KompactSystem& system = sim->system();
  auto inbox = std::make_shared<Inbox>();
  Component<Recorder> target = system.Create<Recorder>(inbox, 1);
  ASSERT_OK_AND_ASSIGN(ActorPath target_path, system.RegisterByAlias(target, "target").Wait());
  const ActorPath broadcast = *system.SystemPath().Named("clients/*");
  Component<Relay> relay = system.Create<Relay>(target_path, GetParam(), broadcast);
  ASSERT_OK_AND_ASSIGN(ActorPath relay_path, system.RegisterByAlias(relay, "relay").Wait());
  for (AnyComponent c : {AnyComponent(target), AnyComponent(relay)}) system.Start(c);
  sim->RunUntilIdle();

  // The original message comes from a component (Recorder 0, registered too).
  Component<Recorder> origin = system.Create<Recorder>(inbox, 0);
  system.Start(origin);
  sim->RunUntilIdle();
  relay_path.Tell(std::string("hello"), origin);
  sim->RunUntilIdle();
  ASSERT_EQ(inbox->size(), 1u);
  const Received r = inbox->items()[0];
  EXPECT_EQ(r.receiver, target_path);
  switch (GetParam()) {
    case Relay::Mode::kForward:
      EXPECT_EQ(r.sender, system.ActorPathFor(origin));  // the original sender
      EXPECT_EQ(r.text, "hello");
      EXPECT_TRUE(r.was_boxed);  // still the same boxed value
      break;
    case Relay::Mode::kForwardWithSender:
      EXPECT_EQ(r.sender, system.ActorPathFor(relay));
      EXPECT_EQ(r.text, "hello");
      break;
    case Relay::Mode::kTellAsSelf:
      EXPECT_EQ(r.sender, system.ActorPathFor(relay));
      EXPECT_EQ(r.text, "from relay");
      break;
    case Relay::Mode::kTellVia:
      EXPECT_EQ(r.sender, broadcast);
      break;
  }
  target = Component<Recorder>();
  relay = Component<Relay>();
  origin = Component<Recorder>();
  ASSERT_OK(sim->Shutdown());
}

INSTANTIATE_TEST_SUITE_P(Modes, SenderTest,
                         ::testing::Values(Relay::Mode::kForward, Relay::Mode::kForwardWithSender,
                                           Relay::Mode::kTellAsSelf, Relay::Mode::kTellVia));

// ReceiveNetwork next to an actor's ReceiveLocal (A1), decoding with MatchDeser.
struct Ping {
  static constexpr SerId kSerId = MakeSerId<143>();
  uint64_t n = 0;
  size_t SizeHint() const { return 8; }
  absl::Status Serialise(BufMut& buf) const {
    buf.PutU64(n);
    return absl::OkStatus();
  }
  static absl::StatusOr<Ping> Deserialise(Buf& buf) {
    Ping p{buf.GetU64()};
    if (!buf.ok()) return buf.status();
    return p;
  }
};

class Hybrid : public ComponentDefinition<Hybrid>, public Actor<std::string> {
 public:
  explicit Hybrid(std::shared_ptr<std::vector<std::string>> seen) : seen_(std::move(seen)) {}
  HandlerResult ReceiveLocal(std::string s) {
    seen_->push_back("local:" + s);
    return Handled::kOk;
  }
  HandlerResult ReceiveNetwork(NetMessage m) {
    return MatchDeser(
               On<Ping>([&](Ping p) -> HandlerResult {
                 seen_->push_back(absl::StrCat("ping:", p.n));
                 return Handled::kOk;
               }),
               On<std::string>([&](std::string s) -> HandlerResult {
                 seen_->push_back("net:" + s);
                 return Handled::kOk;
               }),
               OnError([&](const absl::Status& e) -> HandlerResult { return HandlerResult::Benign(e); }),
               OnDefault([&]() -> HandlerResult {
                 seen_->push_back("other");
                 return Handled::kOk;
               }))
        .Match(m.data());
  }

 private:
  std::shared_ptr<std::vector<std::string>> seen_;
};

TEST(ReceiveNetwork, WorksNextToReceiveLocalAndQueuedMessagesAreDroppedOnKill) {
  ASSERT_OK_AND_ASSIGN(auto sim, DeterministicSystem::Create());
  KompactSystem& system = sim->system();
  auto seen = std::make_shared<std::vector<std::string>>();
  Component<Hybrid> h = system.Create<Hybrid>(seen);
  ASSERT_OK_AND_ASSIGN(ActorPath path, system.Register(h).Wait());
  system.Start(h);
  sim->RunUntilIdle();
  h.actor_ref().Tell(std::string("a"));
  path.Tell(Ping{3}, system);
  path.Tell(std::string("b"), system);
  ASSERT_OK(path.TellSerialised(Ping{4}, system));
  path.Tell(true, system);
  sim->RunUntilIdle();
  EXPECT_EQ(*seen, (std::vector<std::string>{"local:a", "ping:3", "net:b", "ping:4", "other"}));

  // Messages queued at a component that never handles them are destroyed with it.
  Component<Hybrid> passive = system.Create<Hybrid>(seen);
  ASSERT_OK_AND_ASSIGN(ActorPath passive_path, system.Register(passive).Wait());
  for (int i = 0; i < 10; ++i) passive_path.Tell(std::string("never"), system);
  passive.actor_ref().Tell(std::string("never"));
  Future<void> killed = system.KillNotify(passive);
  sim->RunUntilIdle();
  ASSERT_OK(killed.Wait());
  EXPECT_EQ(seen->size(), 5u);
  h = Component<Hybrid>();
  passive = Component<Hybrid>();
  ASSERT_OK(sim->Shutdown());
}

}  // namespace
}  // namespace kompact
