// A system facing peers that break the protocol, over real sockets on loopback
// (FEATURES.md N2, N6, N8): garbage bytes, a wrong protocol version, an announced
// frame larger than the limit, a truncated frame, Data before the handshake, and a
// peer that completes the handshake and then goes silent. Each closes only that
// connection, with a logged reason; the process and other connections go on.
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
#include "gtest/gtest.h"
#include "net/frame.h"
#include "net/proto/wire.pb.h"
#include "net/testing/net_test_util.h"
#include "routing/testing/recorder.h"
#include "testing/status_matchers.h"
#include "testing/wait_until.h"

namespace kompact {
namespace {

using ::kompact::net_testing::NetSystem;
using ::kompact::net_testing::NetworkOf;
using ::kompact::net_testing::TestNetworkConfig;
using ::kompact::routing_testing::Inbox;
using ::kompact::routing_testing::Recorder;
using ::kompact::testing::WaitUntil;

// A raw TCP client socket to `port` on 127.0.0.1 (blocking, with timeouts).
class RawPeer {
 public:
  explicit RawPeer(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
    timeval tv{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~RawPeer() { ::close(fd_); }
  bool connected() const { return connected_; }
  void Write(std::span<const uint8_t> bytes) {
    ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
  }
  void ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }
  // Reads until the system closes the connection (true) or 5 s pass (false);
  // what was read is kept.
  bool ReadUntilClosed() {
    uint8_t buf[4096];
    for (;;) {
      const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
      received_.insert(received_.end(), buf, buf + n);
    }
  }
  const std::vector<uint8_t>& received() const { return received_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
  std::vector<uint8_t> received_;
};

std::vector<uint8_t> Header(uint8_t version, uint8_t type, uint32_t length) {
  std::vector<uint8_t> h(net::kFrameHeaderSize);
  net::EncodeFrameHeader(static_cast<net::FrameType>(type), 0, length, h.data());
  h[4] = version;
  return h;
}

std::vector<uint8_t> HelloFrame(uint16_t advertised_port) {
  net::wire::Hello hello;
  hello.set_protocol_version(net::kProtocolVersion);
  *hello.mutable_system() =
      net::ToProto(SystemPath(kompact::Transport::kTcp, IpAddress::Loopback(), advertised_port));
  const auto inc = Uuid::Random().ToBytes();
  hello.set_incarnation(inc.data(), inc.size());
  std::vector<uint8_t> out;
  net::AppendControlFrame(net::FrameType::kHello, hello, out);
  return out;
}

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
    raw.Write(garbage);
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
  raw.Write(hello);
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
  raw.Write(Header(net::kProtocolVersion, static_cast<uint8_t>(net::FrameType::kHello), 0xFFFFFFF0u));
  ASSERT_TRUE(raw.ReadUntilClosed());
  ExpectOthersUnaffected();
}

TEST_F(HostilePeerTest, ATruncatedFrameThenEndOfStreamIsClosedCleanly) {
  RawPeer raw(port());
  ASSERT_TRUE(raw.connected());
  std::vector<uint8_t> hello = HelloFrame(1);
  hello.resize(hello.size() - 3);
  raw.Write(hello);
  raw.ShutdownWrite();
  EXPECT_TRUE(raw.ReadUntilClosed());
  ExpectOthersUnaffected();
}

TEST_F(HostilePeerTest, DataBeforeTheHandshakeClosesTheConnection) {
  RawPeer raw(port());
  ASSERT_TRUE(raw.connected());
  raw.Write(Header(net::kProtocolVersion, static_cast<uint8_t>(net::FrameType::kData), 4));
  raw.Write(std::vector<uint8_t>{0, 0, 0, 0});
  ASSERT_TRUE(raw.ReadUntilClosed());
  EXPECT_GE(stats().protocol_errors.load(), 1u);
  ExpectOthersUnaffected();
}

TEST_F(HostilePeerTest, APeerThatGoesSilentAfterTheHandshakeIsDroppedByTheHeartbeatTimeout) {
  RawPeer raw(port());
  ASSERT_TRUE(raw.connected());
  raw.Write(HelloFrame(1));  // advertises port 1: reconnects to it fail at once
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
  raw.Write(HelloFrame(1));
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

}  // namespace
}  // namespace kompact
