// TLS end to end (issue 16): two systems over loopback TCP with
// kompact.net.tls.enabled, certificates from a throw-away TestPki. Messages flow
// both ways with mutual authentication and the status port shows who the peer is;
// plaintext <-> TLS is refused in both directions, a wrong identity (allow-list or
// pin) is refused, and a TLS handshake that stalls is cut at
// kompact.net.handshake-timeout. Each refusal is checked on the dialling side
// (ConnectionDropped after its one attempt, which carries the refusal's detail) and,
// on each side that refuses or is refused, as a ConnectionRefused indication with
// its reason and the peer's address, and a WARNING line naming both.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/capture_log_sink.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "net/network_status.h"
#include "net/refusal.h"
#include "net/testing/net_test_util.h"
#include "net/testing/status_monitor.h"
#include "routing/testing/recorder.h"
#include "runtime/kompact_config.h"
#include "testing/status_matchers.h"
#include "testing/tls/test_pki.h"

namespace kompact {
namespace {

using ::kompact::net_testing::NetworkOf;
using ::kompact::net_testing::StartMonitor;
using ::kompact::net_testing::StatusLog;
using ::kompact::net_testing::StatusMonitor;
using ::kompact::net_testing::TestNetworkConfig;
using ::kompact::routing_testing::Inbox;
using ::kompact::routing_testing::Recorder;
using ::kompact::testing::StatusIs;
using ::kompact::testing::TestCert;
using ::kompact::testing::TestPki;
using ::testing::AllOf;
using ::testing::HasSubstr;

// One system with a recorder at alias "r" and a status monitor.
struct Node {
  explicit Node(KompactSystem s) : system(std::move(s)) {}
  KompactSystem system;
  std::shared_ptr<Inbox> inbox = std::make_shared<Inbox>();
  std::shared_ptr<StatusLog> status = std::make_shared<StatusLog>();
  std::shared_ptr<CaptureLogSink> log = std::make_shared<CaptureLogSink>(GlogSink());
  Component<Recorder> recorder;
  Component<StatusMonitor> monitor;
  ActorPath path;

  ~Node() {
    recorder = Component<Recorder>();
    monitor = Component<StatusMonitor>();
    EXPECT_OK(system.Shutdown());
  }
};

absl::StatusOr<std::unique_ptr<Node>> MakeNode(net::NetworkConfig config, const std::string& label) {
  auto log = std::make_shared<CaptureLogSink>(GlogSink());
  absl::StatusOr<KompactSystem> system =
      KompactConfig()
          .Label(label)
          .Threads(1)
          .SetLogSink(log)
          .SetDispatcher(net::NetworkDispatcher::Factory(std::move(config)))
          .Build();
  if (!system.ok()) return system.status();
  auto node = std::unique_ptr<Node>(new Node(*std::move(system)));
  node->log = log;
  node->recorder = node->system.Create<Recorder>(node->inbox, 0);
  node->system.Start(node->recorder);
  absl::StatusOr<ActorPath> path = node->system.RegisterByAlias(node->recorder, "r").Wait();
  if (!path.ok()) return path.status();
  node->path = *path;
  absl::StatusOr<Component<StatusMonitor>> monitor = StartMonitor(node->system, node->status);
  if (!monitor.ok()) return monitor.status();
  node->monitor = *monitor;
  return node;
}

class TlsEndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = TestPki::Create(kompact::testing::TestTmpDir("tls_e2e_pki")).value().release();
    a_cert_ =
        new TestCert(pki_->Issue("a", {.common_name = "node-a", .dns_names = {"a.nodes.test"}}).value());
    b_cert_ =
        new TestCert(pki_->Issue("b", {.common_name = "node-b", .dns_names = {"b.nodes.test"}}).value());
  }

  // A TLS system's config: one connection attempt, so a refusal shows at once as
  // ConnectionDropped.
  static net::NetworkConfig Tls(const TestCert& cert, std::vector<std::string> allowed = {}) {
    net::NetworkConfig c = Plain();
    c.tls = pki_->ConfigFor(cert);
    c.tls.allowed_identities = std::move(allowed);
    return c;
  }
  static net::NetworkConfig Plain() {
    net::NetworkConfig c = TestNetworkConfig();
    c.max_retry_attempts = 0;
    return c;
  }

  // Sends one message from `from` to `to` and returns the reason of the
  // ConnectionDropped that `from` reports (its only attempt was refused).
  static std::string RefusedReason(Node& from, Node& to) {
    to.path.Tell(std::string("refused?"), from.system);
    if (!from.status->WaitFor<net::ConnectionDropped>(1, absl::Seconds(20))) {
      ADD_FAILURE() << "no ConnectionDropped; indications: " << from.status->Names();
      return "";
    }
    EXPECT_EQ(to.inbox->size(), 0u) << "a refused connection delivered a message";
    return from.status->All<net::ConnectionDropped>()[0].reason;
  }

  // Waits for `node`'s ConnectionRefused with `reason` and checks it and the log
  // line that goes with it (direction, the peer's address, the reason's name).
  static void ExpectRefusal(Node& node, net::RefusalReason reason, bool inbound) {
    const std::string name(net::RefusalReasonName(reason));
    for (int i = 0; i < 200; ++i) {  // bounded: 200 x 50 ms
      for (const net::ConnectionRefused& r : node.status->All<net::ConnectionRefused>()) {
        if (r.reason != reason) continue;
        EXPECT_EQ(r.inbound, inbound) << name;
        EXPECT_THAT(r.remote_address, HasSubstr("127.0.0.1:")) << name;
        EXPECT_FALSE(r.detail.empty()) << name;
        EXPECT_GE(r.count, 1u) << name;
        EXPECT_GE(NetworkOf(node.system).stats().refused_by(reason), 1u) << name;
        const std::string line = absl::StrCat(
            inbound ? "refused the inbound connection from " : "refused the outbound connection to ",
            r.remote_address);
        EXPECT_TRUE(node.log->WaitFor(line, absl::Seconds(10))) << "no log line \"" << line << "\"";
        EXPECT_TRUE(node.log->Contains(name)) << "the log does not name " << name;
        return;
      }
      absl::SleepFor(absl::Milliseconds(50));
    }
    ADD_FAILURE() << "no ConnectionRefused " << name << "; indications: " << node.status->Names();
  }

  static TestPki* pki_;
  static TestCert* a_cert_;
  static TestCert* b_cert_;
};

TestPki* TlsEndToEndTest::pki_ = nullptr;
TestCert* TlsEndToEndTest::a_cert_ = nullptr;
TestCert* TlsEndToEndTest::b_cert_ = nullptr;

TEST_F(TlsEndToEndTest, MutualTlsCarriesMessagesBothWaysAndShowsThePeer) {
  ASSERT_OK_AND_ASSIGN(auto a, MakeNode(Tls(*a_cert_, {"DNS:*.nodes.test"}), "a"));
  ASSERT_OK_AND_ASSIGN(auto b, MakeNode(Tls(*b_cert_, {"CN=node-a"}), "b"));
  constexpr int kMessages = 200;
  for (int i = 0; i < kMessages; ++i)
    b->path.Tell(absl::StrCat("to-b ", i, std::string(i * 50, 'x')), a->system);
  ASSERT_TRUE(b->inbox->WaitFor(kMessages));
  for (int i = 0; i < kMessages; ++i) a->path.Tell(absl::StrCat("to-a ", i), b->system);
  ASSERT_TRUE(a->inbox->WaitFor(kMessages));
  const auto at_b = b->inbox->items();
  for (int i = 0; i < kMessages; ++i)
    EXPECT_EQ(at_b[i].text, absl::StrCat("to-b ", i, std::string(i * 50, 'x')));
  ASSERT_TRUE(a->status->WaitFor<net::ConnectionEstablished>());
  ASSERT_TRUE(b->status->WaitFor<net::ConnectionEstablished>());
  const net::ConnectionEstablished at_a = a->status->All<net::ConnectionEstablished>()[0];
  const net::ConnectionEstablished at_b_est = b->status->All<net::ConnectionEstablished>()[0];
  EXPECT_THAT(at_a.peer_identity, HasSubstr("CN=node-b"));
  EXPECT_THAT(at_b_est.peer_identity, HasSubstr("CN=node-a"));
  EXPECT_THAT(at_a.security, HasSubstr("TLSv1.3"));
  EXPECT_THAT(at_b_est.security, HasSubstr("TLSv1.3"));
  EXPECT_EQ(a->system.dead_letters(), 0u);
}

TEST_F(TlsEndToEndTest, PlaintextClientToATlsServerIsRefused) {
  ASSERT_OK_AND_ASSIGN(auto a, MakeNode(Plain(), "a"));
  ASSERT_OK_AND_ASSIGN(auto b, MakeNode(Tls(*b_cert_), "b"));
  // b answers a's plaintext Hello with a plaintext Error frame TLS_REQUIRED.
  EXPECT_THAT(RefusedReason(*a, *b), HasSubstr("TLS_REQUIRED"));
  ExpectRefusal(*b, net::RefusalReason::kNotTls, /*inbound=*/true);
  ExpectRefusal(*a, net::RefusalReason::kRefusedByPeer, /*inbound=*/false);
}

TEST_F(TlsEndToEndTest, TlsClientToAPlaintextServerIsRefused) {
  ASSERT_OK_AND_ASSIGN(auto a, MakeNode(Tls(*a_cert_), "a"));
  ASSERT_OK_AND_ASSIGN(auto b, MakeNode(Plain(), "b"));
  EXPECT_THAT(RefusedReason(*a, *b), HasSubstr("answered the TLS handshake in plaintext"));
  // b logs why, with a's address.
  EXPECT_TRUE(b->log->WaitFor("speaks TLS but kompact.net.tls.enabled is false", absl::Seconds(10)))
      << "b did not log the refusal";
  ExpectRefusal(*b, net::RefusalReason::kTlsToPlaintext, /*inbound=*/true);
  ExpectRefusal(*a, net::RefusalReason::kPlaintextServer, /*inbound=*/false);
}

TEST_F(TlsEndToEndTest, PeerNotOnTheAllowListIsRefused) {
  ASSERT_OK_AND_ASSIGN(auto a, MakeNode(Tls(*a_cert_, {"CN=somebody-else"}), "a"));
  ASSERT_OK_AND_ASSIGN(auto b, MakeNode(Tls(*b_cert_), "b"));
  EXPECT_THAT(RefusedReason(*a, *b), AllOf(HasSubstr("allowed-identities"), HasSubstr("CN=node-b")));
  ExpectRefusal(*a, net::RefusalReason::kIdentityNotAllowed, /*inbound=*/false);
}

TEST_F(TlsEndToEndTest, DiallerNotOnTheServersAllowListIsRefusedByThePeer) {
  ASSERT_OK_AND_ASSIGN(auto a, MakeNode(Tls(*a_cert_), "a"));
  ASSERT_OK_AND_ASSIGN(auto b, MakeNode(Tls(*b_cert_, {"CN=somebody-else"}), "b"));
  EXPECT_THAT(RefusedReason(*a, *b), HasSubstr("TLS alert"));
  ExpectRefusal(*b, net::RefusalReason::kIdentityNotAllowed, /*inbound=*/true);
  ExpectRefusal(*a, net::RefusalReason::kRefusedByPeer, /*inbound=*/false);
}

TEST_F(TlsEndToEndTest, PinnedIdentityMismatchIsRefused) {
  ASSERT_OK_AND_ASSIGN(auto b, MakeNode(Tls(*b_cert_), "b"));
  net::NetworkConfig ca = Tls(*a_cert_);
  ca.tls.pinned_identities = {absl::StrCat(b->path.system().ToString(), " = CN=not-node-b")};
  ASSERT_OK_AND_ASSIGN(auto a, MakeNode(ca, "a"));
  EXPECT_THAT(RefusedReason(*a, *b), AllOf(HasSubstr("pinned"), HasSubstr("CN=not-node-b")));
  ExpectRefusal(*a, net::RefusalReason::kPinMismatch, /*inbound=*/false);
}

TEST_F(TlsEndToEndTest, PinnedIdentityMatchIsAdmitted) {
  ASSERT_OK_AND_ASSIGN(auto b, MakeNode(Tls(*b_cert_), "b"));
  net::NetworkConfig ca = Tls(*a_cert_);
  ca.tls.pinned_identities = {absl::StrCat(b->path.system().ToString(), " = DNS:b.nodes.test")};
  ASSERT_OK_AND_ASSIGN(auto a, MakeNode(ca, "a"));
  b->path.Tell(std::string("pinned"), a->system);
  ASSERT_TRUE(b->inbox->WaitFor(1));
}

TEST_F(TlsEndToEndTest, StalledTlsHandshakeIsCutAtTheHandshakeTimeout) {
  net::NetworkConfig cb = Tls(*b_cert_);
  cb.handshake_timeout = absl::Milliseconds(300);
  ASSERT_OK_AND_ASSIGN(auto b, MakeNode(cb, "b"));
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(NetworkOf(b->system).bound_port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  // The first 3 bytes of a ClientHello record, then nothing (slowloris).
  ASSERT_EQ(::send(fd, "\x16\x03\x01", 3, 0), 3);
  const absl::Time start = absl::Now();
  pollfd p{fd, POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 10'000), 1) << "the stalled handshake was not cut within 10 s";
  char buf[64];
  EXPECT_LE(::recv(fd, buf, sizeof(buf), 0), 0) << "expected the server to close";
  const absl::Duration took = absl::Now() - start;
  ::close(fd);
  EXPECT_GE(took, absl::Milliseconds(200));
  EXPECT_LT(took, absl::Seconds(5));
  ExpectRefusal(*b, net::RefusalReason::kHandshakeTimeout, /*inbound=*/true);
}

TEST_F(TlsEndToEndTest, ClientFromAnUnknownCaIsRefused) {
  ASSERT_OK_AND_ASSIGN(TestCert stranger,
                       pki_->Issue("stranger", {.common_name = "node-a", .from_unknown_ca = true}));
  ASSERT_OK_AND_ASSIGN(auto a, MakeNode(Tls(stranger), "a"));
  ASSERT_OK_AND_ASSIGN(auto b, MakeNode(Tls(*b_cert_), "b"));
  (void)RefusedReason(*a, *b);
  ExpectRefusal(*b, net::RefusalReason::kUntrustedCertificate, /*inbound=*/true);
}

TEST_F(TlsEndToEndTest, ClientWithAnExpiredCertificateIsRefused) {
  ASSERT_OK_AND_ASSIGN(TestCert expired, pki_->Issue("expired", {.common_name = "node-a",
                                                                 .not_before = -absl::Hours(48),
                                                                 .not_after = -absl::Hours(24)}));
  ASSERT_OK_AND_ASSIGN(auto a, MakeNode(Tls(expired), "a"));
  ASSERT_OK_AND_ASSIGN(auto b, MakeNode(Tls(*b_cert_), "b"));
  (void)RefusedReason(*a, *b);
  ExpectRefusal(*b, net::RefusalReason::kCertificateExpired, /*inbound=*/true);
}

TEST_F(TlsEndToEndTest, BadTlsFilesFailSystemCreationNamingTheKey) {
  net::NetworkConfig c = Tls(*a_cert_);
  c.tls.private_key = b_cert_->key_path;  // not a's key
  EXPECT_THAT(MakeNode(c, "a").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("kompact.net.tls.private-key"), HasSubstr("does not match"))));
  c = Tls(*a_cert_);
  c.tls.ca_bundle = "/nonexistent/ca.pem";
  EXPECT_THAT(MakeNode(c, "a").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("kompact.net.tls.ca-bundle"), HasSubstr("/nonexistent/ca.pem"))));
}

TEST_F(TlsEndToEndTest, UdpIsNotBoundWithTlsUnlessAskedFor) {
  ASSERT_OK_AND_ASSIGN(auto b, MakeNode(Tls(*b_cert_), "b"));
  const uint16_t port = NetworkOf(b->system).bound_port();
  auto udp_bindable = [port] {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    ::close(fd);
    return ok;
  };
  EXPECT_TRUE(udp_bindable()) << "TLS without plaintext-udp must leave UDP unbound";
  net::NetworkConfig cp = Tls(*b_cert_);
  cp.tls.plaintext_udp = true;
  ASSERT_OK_AND_ASSIGN(auto p, MakeNode(cp, "p"));
  const uint16_t pport = NetworkOf(p->system).bound_port();
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(pport);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_NE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0) << "plaintext-udp binds UDP";
  ::close(fd);
}

}  // namespace
}  // namespace kompact
