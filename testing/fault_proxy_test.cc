// FaultProxy over real loopback sockets: forwarding both ways, and each fault
// (latency, cut after N bytes, corruption, pause, refuse, reset, blackhole).
#include "testing/fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "testing/wait_until.h"

namespace kompact::testing {
namespace {

void Timeouts(int fd) {
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

// A blocking TCP server on 127.0.0.1 that records what its one client sends
// and echoes it back unless `echo` is false.
class Server {
 public:
  explicit Server(bool echo = true) : echo_(echo) {
    listen_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    ::listen(listen_, 8);
    socklen_t len = sizeof(a);
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      timeval tv{5, 0};
      ::setsockopt(listen_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
      const int fd = ::accept(listen_, nullptr, nullptr);
      if (fd < 0) return;
      accepted_ = true;
      Timeouts(fd);
      char buf[4096];
      for (;;) {
        const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
        if (n <= 0) break;
        {
          std::lock_guard<std::mutex> lock(mu_);
          got_.append(buf, static_cast<size_t>(n));
        }
        if (echo_) (void)!::send(fd, buf, static_cast<size_t>(n), MSG_NOSIGNAL);
      }
      ended_ = true;
      ::close(fd);
    });
  }
  ~Server() {
    ::shutdown(listen_, SHUT_RDWR);
    thread_.join();
    ::close(listen_);
  }
  uint16_t port() const { return port_; }
  std::string got() {
    std::lock_guard<std::mutex> lock(mu_);
    return got_;
  }
  bool accepted() const { return accepted_; }
  bool ended() const { return ended_; }

 private:
  const bool echo_;
  int listen_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::string got_;
  std::atomic<bool> accepted_{false}, ended_{false};
};

int Connect(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  Timeouts(fd);
  return fd;
}

// Reads exactly n bytes (or until end of stream / error).
std::string ReadN(int fd, size_t n) {
  std::string out;
  char buf[4096];
  while (out.size() < n) {
    const ssize_t r = ::recv(fd, buf, std::min(sizeof(buf), n - out.size()), 0);
    if (r <= 0) break;
    out.append(buf, static_cast<size_t>(r));
  }
  return out;
}

void Send(int fd, const std::string& s) {
  ASSERT_EQ(::send(fd, s.data(), s.size(), MSG_NOSIGNAL), static_cast<ssize_t>(s.size()));
}

TEST(FaultProxyTest, ForwardsBothWaysAndCountsBytes) {
  Server server;
  ASSERT_OK_AND_ASSIGN(auto proxy, FaultProxy::Create("127.0.0.1", "127.0.0.1", server.port()));
  const int fd = Connect(proxy->port());
  Send(fd, "hello");
  EXPECT_EQ(ReadN(fd, 5), "hello");
  ::close(fd);
  ASSERT_TRUE(WaitUntil([&] { return server.ended(); }));
  EXPECT_EQ(proxy->stats().accepted, 1u);
  EXPECT_EQ(proxy->stats().forwarded[FaultProxy::kUpstream], 5u);
  EXPECT_EQ(proxy->stats().forwarded[FaultProxy::kDownstream], 5u);
}

TEST(FaultProxyTest, LatencyHoldsBytesBackAtLeastThatLong) {
  Server server;
  ASSERT_OK_AND_ASSIGN(auto proxy, FaultProxy::Create("127.0.0.1", "127.0.0.1", server.port()));
  proxy->SetLatency(FaultProxy::kUpstream, absl::Milliseconds(100));
  const int fd = Connect(proxy->port());
  const absl::Time start = absl::Now();
  Send(fd, "x");
  EXPECT_EQ(ReadN(fd, 1), "x");
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(100));
  ::close(fd);
}

TEST(FaultProxyTest, CutAfterClosesTheConnectionInTheMiddleOfTheStream) {
  Server server(/*echo=*/false);
  ASSERT_OK_AND_ASSIGN(auto proxy, FaultProxy::Create("127.0.0.1", "127.0.0.1", server.port()));
  const int fd = Connect(proxy->port());
  Send(fd, "ab");
  ASSERT_TRUE(WaitUntil([&] { return server.got() == "ab"; }));
  proxy->CutAfter(FaultProxy::kUpstream, 3);
  Send(fd, "cdefgh");
  ASSERT_TRUE(WaitUntil([&] { return server.ended(); }));
  EXPECT_EQ(server.got(), "abcde") << "exactly 3 more bytes, then the cut";
  char c;
  EXPECT_LE(::recv(fd, &c, 1, 0), 0) << "the client's side is closed too";
  EXPECT_EQ(proxy->stats().cuts, 1u);
  ::close(fd);
}

TEST(FaultProxyTest, CorruptAtFlipsExactlyThatByte) {
  Server server(/*echo=*/false);
  ASSERT_OK_AND_ASSIGN(auto proxy, FaultProxy::Create("127.0.0.1", "127.0.0.1", server.port()));
  const int fd = Connect(proxy->port());
  Send(fd, "a");
  ASSERT_TRUE(WaitUntil([&] { return server.got() == "a"; }));
  proxy->CorruptAt(FaultProxy::kUpstream, 2);
  Send(fd, "bcde");
  ASSERT_TRUE(WaitUntil([&] { return server.got().size() == 5; }));
  EXPECT_EQ(server.got()[3], static_cast<char>('d' ^ 0xFF));
  EXPECT_EQ(server.got().substr(0, 3), "abc");
  EXPECT_EQ(proxy->stats().corrupted, 1u);
  ::close(fd);
}

TEST(FaultProxyTest, APausedDirectionForwardsNothingUntilResumed) {
  Server server(/*echo=*/false);
  ASSERT_OK_AND_ASSIGN(auto proxy, FaultProxy::Create("127.0.0.1", "127.0.0.1", server.port()));
  const int fd = Connect(proxy->port());
  ASSERT_TRUE(WaitUntil([&] { return server.accepted(); }));
  proxy->SetPaused(FaultProxy::kUpstream, true);
  absl::SleepFor(absl::Milliseconds(20));  // let the proxy apply it
  Send(fd, "held");
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(server.got(), "");
  EXPECT_EQ(proxy->stats().forwarded[FaultProxy::kUpstream], 0u);
  proxy->SetPaused(FaultProxy::kUpstream, false);
  ASSERT_TRUE(WaitUntil([&] { return server.got() == "held"; }));
  ::close(fd);
}

TEST(FaultProxyTest, RefuseClosesNewConnectionsAtOnce) {
  Server server;
  ASSERT_OK_AND_ASSIGN(auto proxy, FaultProxy::Create("127.0.0.1", "127.0.0.1", server.port()));
  proxy->SetRefuse(true);
  const int fd = Connect(proxy->port());
  char c;
  EXPECT_LE(::recv(fd, &c, 1, 0), 0);
  EXPECT_EQ(proxy->stats().refused, 1u);
  EXPECT_FALSE(server.accepted());
  ::close(fd);
}

TEST(FaultProxyTest, ResetAllResetsTheClientsConnection) {
  Server server;
  ASSERT_OK_AND_ASSIGN(auto proxy, FaultProxy::Create("127.0.0.1", "127.0.0.1", server.port()));
  const int fd = Connect(proxy->port());
  Send(fd, "x");
  EXPECT_EQ(ReadN(fd, 1), "x");
  proxy->ResetAll();
  char c;
  errno = 0;
  const ssize_t r = ::recv(fd, &c, 1, 0);
  EXPECT_EQ(r, -1);
  EXPECT_EQ(errno, ECONNRESET);
  EXPECT_EQ(proxy->stats().resets, 1u);
  ::close(fd);
}

TEST(FaultProxyTest, ABlackholeAcceptsAndNeverForwards) {
  Server server;
  ASSERT_OK_AND_ASSIGN(auto proxy, FaultProxy::Create("127.0.0.1", "127.0.0.1", server.port()));
  proxy->SetBlackhole(true);
  const int fd = Connect(proxy->port());
  Send(fd, "into the void");
  timeval tv{0, 200'000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  char c;
  EXPECT_EQ(::recv(fd, &c, 1, 0), -1) << "no answer, no end";
  EXPECT_FALSE(server.accepted());
  EXPECT_EQ(proxy->stats().open, 1u);
  ::close(fd);
}

}  // namespace
}  // namespace kompact::testing
