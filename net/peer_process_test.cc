// A peer that is a real process (net/testing/echo_server_main.cc) and is killed
// with SIGKILL mid-session (FEATURES.md N3, N5, N8): the connection is lost (no
// Bye), messages sent meanwhile are queued, and when a new process binds the same
// port within the retry window they are delivered on a new session. Every message
// is accounted for: echoed, or a dead letter counted by the new process.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "net/testing/net_test_util.h"
#include "net/testing/status_monitor.h"
#include "routing/testing/recorder.h"
#include "testing/status_matchers.h"
#include "testing/wait_until.h"

namespace kompact {
namespace {

using ::kompact::net_testing::NetSystem;
using ::kompact::net_testing::NetworkOf;
using ::kompact::net_testing::StartMonitor;
using ::kompact::net_testing::StatusLog;
using ::kompact::net_testing::StatusMonitor;
using ::kompact::net_testing::TestNetworkConfig;
using ::kompact::routing_testing::Inbox;
using ::kompact::routing_testing::Received;
using ::kompact::routing_testing::Recorder;
using ::kompact::testing::WaitUntil;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::string s;
  std::getline(in, s);
  return s;
}

// One echo_server child process, ended by its own pid.
class Child {
 public:
  Child(const std::string& binary, const std::string& dir, uint16_t port, int n) {
    port_file_ = absl::StrCat(dir, "/port", n);
    status_file_ = absl::StrCat(dir, "/status", n);
    pid_ = fork();
    if (pid_ == 0) {
      const std::string p = absl::StrCat(port);
      execl(binary.c_str(), binary.c_str(), "--port", p.c_str(), "--port-file", port_file_.c_str(),
            "--status-file", status_file_.c_str(), "--lifetime-s", "60", static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  // The port it listens on, once "echo" is registered there (bounded wait).
  uint16_t WaitForPort() {
    uint32_t port = 0;
    WaitUntil([&] { return absl::SimpleAtoi(ReadFile(port_file_), &port) && port != 0; });
    return static_cast<uint16_t>(port);
  }
  void Kill() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  // After "quit": the dead letters it counted, and its exit status.
  int WaitForExit() {
    int status = 0;
    WaitUntil([&] { return waitpid(pid_, &status, WNOHANG) == pid_; });
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  uint64_t DeadLetters() {
    uint64_t n = 0;
    const std::string s = ReadFile(status_file_);
    EXPECT_TRUE(s.rfind("dead_letters=", 0) == 0) << s;
    EXPECT_TRUE(absl::SimpleAtoi(s.substr(13), &n)) << s;
    return n;
  }

 private:
  pid_t pid_ = -1;
  std::string port_file_, status_file_;
};

TEST(PeerProcess, AKilledPeerIsLostAndAPeerRestartedOnItsPortGetsTheQueuedMessages) {
  const std::vector<std::string> argv = ::testing::internal::GetArgvs();
  ASSERT_GE(argv.size(), 2u) << "usage: peer_process_test <echo_server binary>";
  const std::string binary = argv[1];
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string dir = tmp != nullptr ? tmp : "/tmp";

  auto first = std::make_unique<Child>(binary, dir, 0, 1);
  const uint16_t port = first->WaitForPort();
  ASSERT_NE(port, 0);
  net::NetworkConfig patient = TestNetworkConfig();
  patient.max_retry_attempts = 200;  // 10 s of retries, 50 ms apart
  ASSERT_OK_AND_ASSIGN(KompactSystem a, NetSystem(patient, "client"));
  auto inbox = std::make_shared<Inbox>();
  Component<Recorder> r = a.Create<Recorder>(inbox, 1);
  a.Start(r);
  ASSERT_OK_AND_ASSIGN(ActorPath me, a.Register(r).Wait());
  ASSERT_OK_AND_ASSIGN(ActorPath echo,
                       ActorPath::Named(SystemPath(Transport::kTcp, IpAddress::Loopback(), port), {"echo"}));
  echo.Tell(std::string("before"), me.Via(a));
  ASSERT_TRUE(inbox->WaitFor(1));
  EXPECT_EQ(inbox->items()[0].text, "echo:before");

  first->Kill();  // no Bye: the connection is lost, not closed
  ASSERT_TRUE(WaitUntil([&] { return NetworkOf(a).stats().connections_lost.load() == 1; }));
  EXPECT_EQ(NetworkOf(a).stats().connections_closed.load(), 0u);

  constexpr int kQueued = 5;
  for (int i = 0; i < kQueued; ++i) echo.Tell(absl::StrCat("queued", i), me.Via(a));
  auto second = std::make_unique<Child>(binary, dir, port, 2);
  ASSERT_EQ(second->WaitForPort(), port);
  echo.Tell(std::string("after"), me.Via(a));
  ASSERT_TRUE(WaitUntil([&] {
    for (const Received& got : inbox->items()) {
      if (got.text == "echo:after") return true;
    }
    return false;
  }));
  echo.Tell(std::string("quit"), me.Via(a));
  EXPECT_EQ(second->WaitForExit(), 0);
  // Echoed in order on a new session, or counted as dead letters by the new
  // process (those that reached it before "echo" was registered); never lost.
  const std::vector<Received> got = inbox->items();
  std::vector<std::string> echoed;
  for (size_t i = 1; i < got.size(); ++i) {
    if (got[i].text.rfind("echo:queued", 0) == 0) echoed.push_back(got[i].text);
    ASSERT_TRUE(got[i].session.has_value());
    EXPECT_NE(got[i].session, got[0].session);
  }
  EXPECT_EQ(echoed.size() + second->DeadLetters(), static_cast<size_t>(kQueued));
  for (size_t i = 1; i < echoed.size(); ++i) EXPECT_LT(echoed[i - 1], echoed[i]) << "out of order";
  EXPECT_EQ(NetworkOf(a).stats().dropped_unreachable.load(), 0u);
  r = Component<Recorder>();
  ASSERT_OK(a.Shutdown());
}

TEST(PeerProcess, AKilledPeerIsReportedLostThenDroppedWithTheMessagesSentMeanwhile) {
  const std::vector<std::string> argv = ::testing::internal::GetArgvs();
  ASSERT_GE(argv.size(), 2u) << "usage: peer_process_test <echo_server binary>";
  const char* tmp = std::getenv("TEST_TMPDIR");
  auto child = std::make_unique<Child>(argv[1], tmp != nullptr ? tmp : "/tmp", 0, 3);
  const uint16_t port = child->WaitForPort();
  ASSERT_NE(port, 0);
  ASSERT_OK_AND_ASSIGN(KompactSystem a, NetSystem(TestNetworkConfig(), "client"));  // 5 retries, 50 ms apart
  auto log = std::make_shared<StatusLog>();
  ASSERT_OK_AND_ASSIGN(Component<StatusMonitor> monitor, StartMonitor(a, log));
  auto inbox = std::make_shared<Inbox>();
  Component<Recorder> r = a.Create<Recorder>(inbox, 1);
  a.Start(r);
  ASSERT_OK_AND_ASSIGN(ActorPath me, a.Register(r).Wait());
  const SystemPath peer(Transport::kTcp, IpAddress::Loopback(), port);
  ASSERT_OK_AND_ASSIGN(ActorPath echo, ActorPath::Named(peer, {"echo"}));
  echo.Tell(std::string("before"), me.Via(a));
  ASSERT_TRUE(inbox->WaitFor(1));

  child->Kill();
  ASSERT_TRUE(log->WaitFor<net::ConnectionLost>());
  constexpr int kMeanwhile = 4;
  for (int i = 0; i < kMeanwhile; ++i) echo.Tell(absl::StrCat("meanwhile", i), me.Via(a));
  ASSERT_TRUE(log->WaitFor<net::ConnectionDropped>());
  EXPECT_EQ(log->Names(), "ConnectionEstablished,ConnectionLost,ConnectionDropped");
  const net::ConnectionEstablished established = log->All<net::ConnectionEstablished>()[0];
  const net::ConnectionLost lost = log->All<net::ConnectionLost>()[0];
  const net::ConnectionDropped dropped = log->All<net::ConnectionDropped>()[0];
  EXPECT_EQ(established.system, peer);
  EXPECT_EQ(lost.system, peer);
  EXPECT_EQ(lost.session, established.session);
  EXPECT_EQ(dropped.system, peer);
  EXPECT_EQ(dropped.dropped_messages, static_cast<uint64_t>(kMeanwhile));
  EXPECT_EQ(NetworkOf(a).stats().dropped_unreachable.load(), static_cast<uint64_t>(kMeanwhile));
  monitor = Component<StatusMonitor>();
  r = Component<Recorder>();
  ASSERT_OK(a.Shutdown());
}

}  // namespace
}  // namespace kompact
