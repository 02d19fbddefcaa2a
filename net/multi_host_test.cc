// Two systems on two "hosts": Linux network namespaces joined by a veth pair,
// created and deleted by this test (addresses 10.211.0.1 and 10.211.0.2 exist only
// inside them). The echo server is a real child process in namespace A; this
// test's system runs in namespace B. Nothing may assume loopback: the handshake,
// the reply path and the session work across the link exactly as on 127.0.0.1.
//
// Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN). Without it the test fails with a
// message saying so, unless KOMPACT_SKIP_NETNS=1 opts out explicitly (then it is
// skipped).
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "net/testing/net_test_util.h"
#include "routing/testing/recorder.h"
#include "testing/status_matchers.h"
#include "testing/wait_until.h"

namespace kompact {
namespace {

using ::kompact::net_testing::NetSystem;
using ::kompact::net_testing::TestNetworkConfig;
using ::kompact::routing_testing::Inbox;
using ::kompact::routing_testing::Recorder;
using ::kompact::testing::WaitUntil;

constexpr char kIp[] = "/usr/sbin/ip";

// Runs `ip args...`; returns its exit status (stderr goes to the test log).
int Ip(std::initializer_list<std::string> args) {
  std::vector<std::string> argv = {kIp};
  argv.insert(argv.end(), args);
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> c;
    for (std::string& a : argv) c.push_back(a.data());
    c.push_back(nullptr);
    execv(kIp, c.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  const int rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (rc != 0) std::cerr << "ip " << absl::StrJoin(args, " ") << ": exit " << rc << std::endl;
  return rc;
}

// The two namespaces and the veth pair; deleted on destruction (deleting a
// namespace deletes the veth end inside it, and with it the pair).
class Namespaces {
 public:
  Namespaces() : a_(absl::StrCat("kp-a-", getpid())), b_(absl::StrCat("kp-b-", getpid())) {
    const std::string va = absl::StrCat("kpa", getpid() % 100000),
                      vb = absl::StrCat("kpb", getpid() % 100000);
    ok_ = Ip({"netns", "add", a_}) == 0 && (created_a_ = true) && Ip({"netns", "add", b_}) == 0 &&
          (created_b_ = true) && Ip({"link", "add", va, "type", "veth", "peer", "name", vb}) == 0 &&
          Ip({"link", "set", va, "netns", a_}) == 0 && Ip({"link", "set", vb, "netns", b_}) == 0 &&
          Ip({"-n", a_, "addr", "add", "10.211.0.1/24", "dev", va}) == 0 &&
          Ip({"-n", b_, "addr", "add", "10.211.0.2/24", "dev", vb}) == 0 &&
          Ip({"-n", a_, "link", "set", va, "up"}) == 0 && Ip({"-n", b_, "link", "set", vb, "up"}) == 0 &&
          Ip({"-n", a_, "link", "set", "lo", "up"}) == 0 && Ip({"-n", b_, "link", "set", "lo", "up"}) == 0;
  }
  ~Namespaces() {
    if (created_a_) Ip({"netns", "delete", a_});
    if (created_b_) Ip({"netns", "delete", b_});
  }
  bool ok() const { return ok_; }
  const std::string& a() const { return a_; }
  const std::string& b() const { return b_; }

 private:
  std::string a_, b_;
  bool created_a_ = false, created_b_ = false, ok_ = false;
};

// Moves the calling thread (and the threads it creates later) into a namespace,
// and back on destruction.
class EnterNamespace {
 public:
  explicit EnterNamespace(const std::string& name) {
    home_ = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    const int target = open(absl::StrCat("/run/netns/", name).c_str(), O_RDONLY | O_CLOEXEC);
    ok_ = home_ >= 0 && target >= 0 && setns(target, CLONE_NEWNET) == 0;
    if (target >= 0) close(target);
  }
  ~EnterNamespace() {
    if (home_ >= 0) {
      if (ok_) (void)setns(home_, CLONE_NEWNET);
      close(home_);
    }
  }
  bool ok() const { return ok_; }

 private:
  int home_ = -1;
  bool ok_ = false;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::string s;
  std::getline(in, s);
  return s;
}

TEST(MultiHost, SystemsInTwoNetworkNamespacesTalkOverAVethPair) {
  if (geteuid() != 0) {
    if (const char* skip = std::getenv("KOMPACT_SKIP_NETNS"); skip != nullptr && std::string(skip) == "1") {
      GTEST_SKIP() << "KOMPACT_SKIP_NETNS=1: not creating network namespaces";
    }
    FAIL() << "this test creates network namespaces and needs root (CAP_NET_ADMIN); run it as root or set "
              "KOMPACT_SKIP_NETNS=1 to skip it explicitly";
  }
  const std::vector<std::string> argv = ::testing::internal::GetArgvs();
  ASSERT_GE(argv.size(), 2u) << "usage: multi_host_test <echo_server binary>";
  Namespaces ns;
  ASSERT_TRUE(ns.ok()) << "could not create the namespaces and the veth pair (see the ip errors above)";

  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string port_file = absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/multi_host_port");
  std::remove(port_file.c_str());
  const pid_t server = fork();
  if (server == 0) {
    execl(kIp, kIp, "netns", "exec", ns.a().c_str(), argv[1].c_str(), "--bind", "10.211.0.1", "--port", "0",
          "--port-file", port_file.c_str(), "--lifetime-s", "30", static_cast<char*>(nullptr));
    _exit(127);
  }
  struct Reap {
    pid_t pid;
    ~Reap() {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  } reap{server};
  uint32_t port = 0;
  ASSERT_TRUE(WaitUntil([&] { return absl::SimpleAtoi(ReadFile(port_file), &port) && port != 0; }))
      << "the echo server in " << ns.a() << " did not start";

  EnterNamespace in_b(ns.b());
  ASSERT_TRUE(in_b.ok()) << "setns into " << ns.b() << " failed";
  net::NetworkConfig config = TestNetworkConfig();
  config.bind_address = "10.211.0.2";
  ASSERT_OK_AND_ASSIGN(KompactSystem system, NetSystem(config, "host-b"));
  auto inbox = std::make_shared<Inbox>();
  Component<Recorder> r = system.Create<Recorder>(inbox, 1);
  system.Start(r);
  ASSERT_OK_AND_ASSIGN(ActorPath me, system.Register(r).Wait());
  ASSERT_OK_AND_ASSIGN(IpAddress a_ip, IpAddress::Parse("10.211.0.1"));
  ASSERT_OK_AND_ASSIGN(
      ActorPath echo,
      ActorPath::Named(SystemPath(Transport::kTcp, a_ip, static_cast<uint16_t>(port)), {"echo"}));
  constexpr int kMessages = 20;
  for (int i = 0; i < kMessages; ++i) echo.Tell(absl::StrCat("hop", i), me.Via(system));
  ASSERT_TRUE(inbox->WaitFor(kMessages));
  const std::vector<routing_testing::Received> got = inbox->items();
  for (int i = 0; i < kMessages; ++i) {
    EXPECT_EQ(got[static_cast<size_t>(i)].text, absl::StrCat("echo:hop", i));
    EXPECT_EQ(got[static_cast<size_t>(i)].sender.system().address(), a_ip);
    EXPECT_EQ(got[static_cast<size_t>(i)].session, got[0].session);
  }
  echo.Tell(std::string("quit"), me.Via(system));
  r = Component<Recorder>();
  ASSERT_OK(system.Shutdown());
}

}  // namespace
}  // namespace kompact
