// A system facing peers that break the protocol, over real sockets on loopback
// (FEATURES.md N2, N6, N8): garbage bytes, a wrong protocol version, an announced
// frame larger than the limit, a truncated frame, Data before the handshake, and a
// peer that completes the handshake and then goes silent. Each closes only that
// connection, with a logged reason; the process and other connections go on.
// Resource limits for untrusted peers (issue 16): a handshake that stalls is cut
// at the timeout, a handshake frame above its limit is refused before anything is
// allocated, each a ConnectionRefused with a WARNING naming the peer; a large
// frame after the handshake costs what actually arrived, not what it announced.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/capture_log_sink.h"
#include "gtest/gtest.h"
#include "net/frame.h"
#include "net/network_dispatcher.h"
#include "net/proto/wire.pb.h"
#include "net/refusal.h"
#include "net/testing/net_test_util.h"
#include "net/testing/raw_peer.h"
#include "net/testing/status_monitor.h"
#include "routing/testing/recorder.h"
#include "testing/status_matchers.h"
#include "testing/wait_until.h"

namespace kompact {
namespace {

using ::kompact::net_testing::FirstErrorCode;
using ::kompact::net_testing::Header;
using ::kompact::net_testing::HelloFrame;
using ::kompact::net_testing::NetSystem;
using ::kompact::net_testing::NetworkOf;
using ::kompact::net_testing::RawPeer;
using ::kompact::net_testing::StartMonitor;
using ::kompact::net_testing::StatusLog;
using ::kompact::net_testing::TestNetworkConfig;
using ::kompact::routing_testing::Inbox;
using ::kompact::routing_testing::Recorder;
using ::kompact::testing::WaitUntil;

class HostilePeerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(KompactSystem b, NetSystem(TestNetworkConfig(), "target"));
    b_ = std::make_unique<KompactSystem>(std::move(b));
    Component<Recorder> r = b_->Create<Recorder>(inbox_, 1);
    b_->Start(r);
    ASSERT_OK_AND_ASSIGN(path_, b_->RegisterByAlias(r, "sink").Wait());
    recorder_ = r;
  }
  void TearDown() override {
    recorder_ = AnyComponent();
    if (a_) {
      EXPECT_OK(a_->Shutdown());
    }
    EXPECT_OK(b_->Shutdown());
  }
  uint16_t port() const { return b_->SystemPath().port(); }
  // A well-behaved system still gets its messages through.
  void ExpectOthersUnaffected() {
    if (!a_) {
      ASSERT_OK_AND_ASSIGN(KompactSystem a, NetSystem(TestNetworkConfig(), "sender"));
      a_ = std::make_unique<KompactSystem>(std::move(a));
    }
    const size_t before = inbox_->size();
    path_.Tell(std::string("still fine"), *a_);
    ASSERT_TRUE(inbox_->WaitFor(before + 1));
  }
  const net::NetworkStats& stats() const { return NetworkOf(*b_).stats(); }

  std::shared_ptr<Inbox> inbox_ = std::make_shared<Inbox>();
  std::unique_ptr<KompactSystem> b_;
  std::unique_ptr<KompactSystem> a_;
  AnyComponent recorder_;
  ActorPath path_;
};

TEST_F(HostilePeerTest, GarbageBytesCloseOnlyThatConnection) {
  ExpectOthersUnaffected();  // an established connection that must survive
  std::mt19937_64 gen(20261202);
  for (int round = 0; round < 20; ++round) {
    RawPeer raw(port());
    ASSERT_TRUE(raw.connected());
    std::vector<uint8_t> garbage(1 + gen() % 200);
    for (uint8_t& b : garbage) b = static_cast<uint8_t>(gen());
    ASSERT_TRUE(raw.Write(garbage));
    EXPECT_TRUE(raw.ReadUntilClosed()) << "round " << round;
  }
  EXPECT_GE(stats().protocol_errors.load(), 1u);
  ExpectOthersUnaffected();
  EXPECT_EQ(stats().connections_lost.load(), 0u);
}

TEST_F(HostilePeerTest, AWrongProtocolVersionIsRefusedWithAnErrorFrameNamingBothVersions) {
  RawPeer raw(port());
  ASSERT_TRUE(raw.connected());
  std::vector<uint8_t> hello = HelloFrame(1);
  hello[4] = net::kProtocolVersion + 1;  // the header's version byte
  ASSERT_TRUE(raw.Write(hello));
  ASSERT_TRUE(raw.ReadUntilClosed());
  // The system answered with an Error frame before closing.
  ASSERT_GE(raw.received().size(), net::kFrameHeaderSize);
  ASSERT_OK_AND_ASSIGN(net::FrameHeader h, net::DecodeFrameHeader(raw.received(), 1 << 20));
  EXPECT_EQ(h.type, net::FrameType::kError);
  ASSERT_OK_AND_ASSIGN(
      net::wire::Error error,
      net::ParseControlBody<net::wire::Error>(
          std::span<const uint8_t>(raw.received()).subspan(net::kFrameHeaderSize, h.length)));
  EXPECT_EQ(error.code(), net::wire::VERSION_MISMATCH);
  EXPECT_THAT(error.reason(), ::testing::HasSubstr(absl::StrCat(net::kProtocolVersion + 1)));
  EXPECT_THAT(error.reason(), ::testing::HasSubstr(absl::StrCat(net::kProtocolVersion)));
  ExpectOthersUnaffected();
}

TEST_F(HostilePeerTest, AnAnnouncedFrameLargerThanTheLimitIsRefusedBeforeReadingIt) {
  RawPeer raw(port());
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(
      raw.Write(Header(net::kProtocolVersion, static_cast<uint8_t>(net::FrameType::kHello), 0xFFFFFFF0u)));
  ASSERT_TRUE(raw.ReadUntilClosed());
  ExpectOthersUnaffected();
}

TEST_F(HostilePeerTest, ATruncatedFrameThenEndOfStreamIsClosedCleanly) {
  RawPeer raw(port());
  ASSERT_TRUE(raw.connected());
  std::vector<uint8_t> hello = HelloFrame(1);
  hello.resize(hello.size() - 3);
  ASSERT_TRUE(raw.Write(hello));
  raw.ShutdownWrite();
  EXPECT_TRUE(raw.ReadUntilClosed());
  ExpectOthersUnaffected();
}

TEST_F(HostilePeerTest, DataBeforeTheHandshakeClosesTheConnection) {
  RawPeer raw(port());
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(raw.Write(Header(net::kProtocolVersion, static_cast<uint8_t>(net::FrameType::kData), 4)));
  ASSERT_TRUE(raw.Write(std::vector<uint8_t>{0, 0, 0, 0}));
  ASSERT_TRUE(raw.ReadUntilClosed());
  EXPECT_GE(stats().protocol_errors.load(), 1u);
  ExpectOthersUnaffected();
}

TEST_F(HostilePeerTest, APeerThatGoesSilentAfterTheHandshakeIsDroppedByTheHeartbeatTimeout) {
  RawPeer raw(port());
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(raw.Write(HelloFrame(1)));  // advertises port 1: reconnects to it fail at once
  // The system answers HelloAck and heartbeats; the raw peer never sends anything
  // again, so after heartbeat_timeout (500 ms) the system closes the connection.
  const absl::Time start = absl::Now();
  ASSERT_TRUE(raw.ReadUntilClosed());
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(400));
  ASSERT_TRUE(WaitUntil([&] { return stats().connections_lost.load() == 1; }));
  ASSERT_OK_AND_ASSIGN(net::FrameHeader first, net::DecodeFrameHeader(raw.received(), 1 << 20));
  EXPECT_EQ(first.type, net::FrameType::kHelloAck);
  ExpectOthersUnaffected();
}

TEST(HostilePeerShutdown, APeerThatNeverAnswersByeDoesNotHoldUpShutdown) {
  net::NetworkConfig config = TestNetworkConfig();
  config.shutdown_timeout = absl::Milliseconds(500);
  ASSERT_OK_AND_ASSIGN(KompactSystem b, NetSystem(config, "target"));
  RawPeer raw(b.SystemPath().port());
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(raw.Write(HelloFrame(1)));
  ASSERT_TRUE(WaitUntil([&] { return NetworkOf(b).stats().connections_established.load() == 1; }));
  const absl::Time start = absl::Now();
  ASSERT_OK(b.Shutdown());
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  // The system said Bye before it gave up on the answer.
  ASSERT_TRUE(raw.ReadUntilClosed());
  bool saw_bye = false;
  std::span<const uint8_t> rest(raw.received());
  while (rest.size() >= net::kFrameHeaderSize) {
    absl::StatusOr<net::FrameHeader> h = net::DecodeFrameHeader(rest, 1 << 20);
    ASSERT_OK(h.status());
    saw_bye |= h->type == net::FrameType::kBye;
    rest = rest.subspan(std::min(rest.size(), net::kFrameHeaderSize + h->length));
  }
  EXPECT_TRUE(saw_bye);
}

// ---- refusals and resource limits (issue 16) --------------------------------------------

class RefusalTest : public ::testing::Test {
 protected:
  void Start(net::NetworkConfig config) {
    absl::StatusOr<KompactSystem> s = KompactConfig()
                                          .Label("target")
                                          .Threads(1)
                                          .SetLogSink(sink_)
                                          .SetDispatcher(net::NetworkDispatcher::Factory(std::move(config)))
                                          .Build();
    ASSERT_OK(s.status());
    system_ = std::make_unique<KompactSystem>(*std::move(s));
    ASSERT_OK_AND_ASSIGN(monitor_, StartMonitor(*system_, log_));
  }
  void TearDown() override {
    monitor_ = Component<net_testing::StatusMonitor>();
    if (system_) {
      EXPECT_OK(system_->Shutdown());
    }
  }
  uint16_t port() const { return system_->SystemPath().port(); }
  const net::NetworkStats& stats() const { return NetworkOf(*system_).stats(); }
  // The one ConnectionRefused so far (waits for it).
  net::ConnectionRefused OnlyRefusal() {
    EXPECT_TRUE(log_->WaitFor<net::ConnectionRefused>());
    const auto all = log_->All<net::ConnectionRefused>();
    EXPECT_EQ(all.size(), 1u);
    return all.empty() ? net::ConnectionRefused{} : all[0];
  }

  std::shared_ptr<CaptureLogSink> sink_ = std::make_shared<CaptureLogSink>();
  std::shared_ptr<StatusLog> log_ = std::make_shared<StatusLog>();
  std::unique_ptr<KompactSystem> system_;
  Component<net_testing::StatusMonitor> monitor_;
};

net::NetworkConfig ShortHandshake() {
  net::NetworkConfig c = TestNetworkConfig();
  c.handshake_timeout = absl::Milliseconds(300);
  return c;
}

TEST_F(RefusalTest, AClientThatSendsNothingIsCutAtTheHandshakeTimeout) {
  Start(ShortHandshake());
  RawPeer raw(port());
  ASSERT_TRUE(raw.connected());
  const absl::Time start = absl::Now();
  ASSERT_TRUE(raw.ReadUntilClosed(absl::Seconds(5)));
  const absl::Duration took = absl::Now() - start;
  EXPECT_GE(took, absl::Milliseconds(250));
  EXPECT_LT(took, absl::Seconds(3));
  const net::ConnectionRefused r = OnlyRefusal();
  EXPECT_EQ(r.reason, net::RefusalReason::kHandshakeTimeout);
  EXPECT_TRUE(r.inbound);
  EXPECT_EQ(r.count, 1u);
  EXPECT_THAT(r.remote_address, ::testing::StartsWith("127.0.0.1:"));
  EXPECT_THAT(r.detail, ::testing::HasSubstr("no handshake within 300ms from 127.0.0.1:"));
  EXPECT_EQ(stats().handshake_timeouts.load(), 1u);
  EXPECT_EQ(stats().connections_refused.load(), 1u);
  EXPECT_EQ(stats().refused_by(net::RefusalReason::kHandshakeTimeout), 1u);
  EXPECT_TRUE(sink_->WaitFor(absl::StrCat("refused the inbound connection from ", r.remote_address),
                             absl::Seconds(5)));
  EXPECT_EQ(sink_->Count("handshake-timeout: no handshake within 300ms"), 1u);
}

TEST_F(RefusalTest, AClientThatSendsHalfAHelloIsCutAtTheHandshakeTimeout) {
  Start(ShortHandshake());
  RawPeer raw(port());
  ASSERT_TRUE(raw.connected());
  std::vector<uint8_t> hello = HelloFrame(1);
  hello.resize(hello.size() / 2);
  ASSERT_TRUE(raw.Write(hello));
  ASSERT_TRUE(raw.ReadUntilClosed(absl::Seconds(5)));
  const net::ConnectionRefused r = OnlyRefusal();
  EXPECT_EQ(r.reason, net::RefusalReason::kHandshakeTimeout);
  EXPECT_TRUE(r.inbound);
  EXPECT_EQ(stats().handshake_timeouts.load(), 1u);
  EXPECT_TRUE(sink_->WaitFor("handshake-timeout", absl::Seconds(5)));
  EXPECT_EQ(stats().connections_established.load(), 0u);
}

TEST_F(RefusalTest, AHugeFrameBeforeTheHandshakeIsRefusedWithoutAllocating) {
  Start(TestNetworkConfig());
  RawPeer raw(port());
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(
      raw.Write(Header(net::kProtocolVersion, static_cast<uint8_t>(net::FrameType::kHello), 1u << 24)));
  ASSERT_TRUE(raw.ReadUntilClosed());
  EXPECT_EQ(FirstErrorCode(raw.received()), net::wire::FRAME_TOO_LARGE);
  const net::ConnectionRefused r = OnlyRefusal();
  EXPECT_EQ(r.reason, net::RefusalReason::kHandshakeFrameTooLarge);
  EXPECT_TRUE(r.inbound);
  EXPECT_THAT(r.detail, ::testing::HasSubstr("16777216 bytes"));
  EXPECT_THAT(r.detail, ::testing::HasSubstr("kompact.net.max-handshake-frame-size"));
  EXPECT_EQ(stats().large_frame_bytes_reserved_peak.load(), 0u) << "nothing was reserved for it";
  EXPECT_EQ(stats().refused_by(net::RefusalReason::kHandshakeFrameTooLarge), 1u);
  EXPECT_EQ(stats().handshake_timeouts.load(), 0u);
  EXPECT_TRUE(sink_->WaitFor("handshake-frame-too-large", absl::Seconds(5)));
}

TEST_F(RefusalTest, AHandshakeFrameJustAboveItsLimitIsRefusedAndAHelloBelowItIsRead) {
  net::NetworkConfig config = TestNetworkConfig();
  config.max_handshake_frame_size = 64;  // the smallest allowed
  const std::vector<uint8_t> hello = HelloFrame(1);
  ASSERT_LE(hello.size() - net::kFrameHeaderSize, config.max_handshake_frame_size);
  Start(config);
  {
    RawPeer below(port());
    ASSERT_TRUE(below.connected());
    ASSERT_TRUE(below.Write(hello));
    ASSERT_TRUE(WaitUntil([&] { return stats().connections_established.load() == 1; }));
  }
  RawPeer above(port());
  ASSERT_TRUE(above.connected());
  ASSERT_TRUE(above.Write(Header(net::kProtocolVersion, static_cast<uint8_t>(net::FrameType::kHello),
                                 config.max_handshake_frame_size + 1)));
  ASSERT_TRUE(above.ReadUntilClosed());
  EXPECT_EQ(OnlyRefusal().reason, net::RefusalReason::kHandshakeFrameTooLarge);
}

TEST_F(RefusalTest, ALargeFrameAfterTheHandshakeReservesOnlyWhatArrived) {
  net::NetworkConfig config = TestNetworkConfig();
  config.heartbeat_timeout = absl::Seconds(10);  // the stalled peer stays connected meanwhile
  Start(config);
  RawPeer raw(port());
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(raw.Write(HelloFrame(1)));
  ASSERT_TRUE(WaitUntil([&] { return stats().connections_established.load() == 1; }));
  // A Data frame announcing the maximum, with 10 bytes behind it, then a stall.
  std::vector<uint8_t> head =
      Header(net::kProtocolVersion, static_cast<uint8_t>(net::FrameType::kData), config.max_frame_size);
  head.resize(head.size() + 10, 0x5A);
  ASSERT_TRUE(raw.Write(head));
  ASSERT_TRUE(WaitUntil([&] { return stats().large_frame_bytes_reserved.load() > 0; }));
  EXPECT_LE(stats().large_frame_bytes_reserved.load(), 8u << 10) << "10 bytes arrived of 16 MiB announced";
  // 100 KB more: the buffer grows with them (at most twice what arrived), not to 16 MiB.
  constexpr size_t kMore = 100'000;
  ASSERT_TRUE(raw.Write(std::vector<uint8_t>(kMore, 0x5B)));
  ASSERT_TRUE(WaitUntil([&] { return stats().large_frame_bytes_reserved.load() >= kMore; }));
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_LE(stats().large_frame_bytes_reserved_peak.load(), 2 * (kMore + 10) + (4u << 10));
  EXPECT_EQ(stats().connections_refused.load(), 0u);
  // The peer goes away: the reservation is released.
  raw.Close();
  ASSERT_TRUE(WaitUntil([&] { return stats().large_frame_bytes_reserved.load() == 0; }));
}

TEST_F(RefusalTest, AFrameAboveTheMaximumAfterTheHandshakeIsAProtocolError) {
  Start(TestNetworkConfig());
  RawPeer raw(port());
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(raw.Write(HelloFrame(1)));
  ASSERT_TRUE(WaitUntil([&] { return stats().connections_established.load() == 1; }));
  ASSERT_TRUE(raw.Write(Header(net::kProtocolVersion, static_cast<uint8_t>(net::FrameType::kData),
                               TestNetworkConfig().max_frame_size + 1)));
  ASSERT_TRUE(raw.ReadUntilClosed());
  EXPECT_EQ(FirstErrorCode(raw.received()), net::wire::FRAME_TOO_LARGE);
  ASSERT_TRUE(WaitUntil([&] { return stats().protocol_errors.load() == 1; }));
  EXPECT_EQ(stats().large_frame_bytes_reserved_peak.load(), 0u);
  EXPECT_EQ(stats().connections_refused.load(), 0u) << "after the handshake it is not a refusal";
  EXPECT_TRUE(sink_->WaitFor("exceeds the maximum frame size of 16777216 bytes", absl::Seconds(5)));
  EXPECT_TRUE(sink_->Contains("127.0.0.1:"));
}

}  // namespace
}  // namespace kompact
