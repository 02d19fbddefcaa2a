#include "testing/fault_proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <limits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace kompact::testing {
namespace {

constexpr size_t kReadSize = 64 * 1024;
constexpr size_t kMaxQueued = 1 << 20;  // per direction: beyond, the proxy stops reading
constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

// Fills `out` with ip:port; 0 if `ip` is not an address literal.
socklen_t Sockaddr(const std::string& ip, uint16_t port, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof(out));
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
  if (::inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    return sizeof(sockaddr_in);
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
  if (::inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    return sizeof(sockaddr_in6);
  }
  return 0;
}

void CloseFd(int& fd, bool reset) {
  if (fd < 0) return;
  if (reset) {
    linger l{1, 0};  // RST instead of FIN
    (void)::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
  }
  ::close(fd);
  fd = -1;
}

}  // namespace

struct FaultProxy::Session {
  struct Chunk {
    std::vector<uint8_t> bytes;
    size_t offset = 0;
    absl::Time due;
  };
  int fd[2] = {-1, -1};           // [0]: the accepted side, [1]: the target
  bool connected = false;         // the target side finished connecting
  bool eof[2] = {false, false};   // fd[d] ended its sending side
  bool shut[2] = {false, false};  // we ended the writing side towards fd[1 - d]
  bool blackhole = false;
  std::deque<Chunk> queue[2];  // read from fd[d], to be written to fd[1 - d]
  size_t queued[2] = {0, 0};
  uint64_t read_total[2] = {0, 0};
  uint64_t forwarded[2] = {0, 0};
  uint64_t cut_at[2] = {kNever, kNever};      // close once forwarded[d] reaches it
  uint64_t corrupt_at[2] = {kNever, kNever};  // flip the byte with this read_total[d] index
  double tokens[2] = {0, 0};
  absl::Time refilled[2];
  bool dead = false;
  bool reset = false;

  void Close() {
    CloseFd(fd[0], reset);
    CloseFd(fd[1], reset);
    dead = true;
  }
};

absl::StatusOr<std::unique_ptr<FaultProxy>> FaultProxy::Create(const std::string& listen_ip,
                                                               const std::string& target_ip,
                                                               uint16_t target_port) {
  std::unique_ptr<FaultProxy> p(new FaultProxy());
  sockaddr_storage addr;
  const socklen_t len = Sockaddr(listen_ip, 0, addr);
  sockaddr_storage target;
  if (len == 0 || Sockaddr(target_ip, target_port, target) == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("FaultProxy: ", listen_ip, " or ", target_ip, " is not an IP address literal"));
  }
  p->listen_fd_ = ::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (p->listen_fd_ < 0 || ::bind(p->listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(p->listen_fd_, 128) != 0) {
    return absl::UnavailableError(
        absl::StrCat("FaultProxy: cannot listen on ", listen_ip, ": ", std::strerror(errno)));
  }
  socklen_t bound_len = sizeof(addr);
  ::getsockname(p->listen_fd_, reinterpret_cast<sockaddr*>(&addr), &bound_len);
  p->port_ = ntohs(addr.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&addr)->sin_port
                                             : reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  p->wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (p->wake_fd_ < 0) return absl::InternalError("FaultProxy: eventfd failed");
  p->target_ip_ = target_ip;
  p->target_port_ = target_port;
  p->thread_ = std::thread([raw = p.get()] { raw->Loop(); });
  return p;
}

FaultProxy::~FaultProxy() {
  stop_.store(true);
  Wake();
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void FaultProxy::Wake() {
  const uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof(one));
}

void FaultProxy::SetLatency(Direction d, absl::Duration latency) {
  std::lock_guard<std::mutex> lock(mu_);
  settings_.latency[d] = latency;
}
void FaultProxy::SetBandwidth(Direction d, uint64_t bytes_per_second) {
  std::lock_guard<std::mutex> lock(mu_);
  settings_.bandwidth[d] = bytes_per_second;
}
void FaultProxy::SetPaused(Direction d, bool paused) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    settings_.paused[d] = paused;
  }
  Wake();
}
void FaultProxy::SetTarget(const std::string& target_ip, uint16_t target_port) {
  std::lock_guard<std::mutex> lock(mu_);
  target_ip_ = target_ip;
  target_port_ = target_port;
}
void FaultProxy::SetBlackhole(bool on) {
  std::lock_guard<std::mutex> lock(mu_);
  settings_.blackhole = on;
}
void FaultProxy::SetRefuse(bool on) {
  std::lock_guard<std::mutex> lock(mu_);
  settings_.refuse = on;
}
void FaultProxy::Post(Command command) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    commands_.push_back(command);
  }
  Wake();
}
void FaultProxy::CutAfter(Direction d, uint64_t bytes) { Post({Command::kCutAfter, d, bytes}); }
void FaultProxy::CorruptAt(Direction d, uint64_t offset) { Post({Command::kCorruptAt, d, offset}); }
void FaultProxy::CutAll() { Post({Command::kCutAll, 0, 0}); }
void FaultProxy::ResetAll() { Post({Command::kResetAll, 0, 0}); }

FaultProxy::Stats FaultProxy::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void FaultProxy::Loop() {
  std::vector<std::unique_ptr<Session>> sessions;
  std::vector<uint8_t> buf(kReadSize);
  while (!stop_.load()) {
    Settings s;
    sockaddr_storage target;
    socklen_t target_len;
    {
      std::lock_guard<std::mutex> lock(mu_);
      s = settings_;
      target_len = Sockaddr(target_ip_, target_port_, target);
    }
    const absl::Time now = absl::Now();
    std::erase_if(sessions, [](const auto& session) { return session->dead; });

    // Build the poll set: [0] wake, [1] listener, then two per session.
    std::vector<pollfd> fds;
    fds.push_back({wake_fd_, POLLIN, 0});
    fds.push_back({listen_fd_, POLLIN, 0});
    absl::Duration wait = absl::Milliseconds(10);
    for (auto& session : sessions) {
      for (int side = 0; side < 2; ++side) {
        short events = 0;
        const int d = side;        // reading fd[side] feeds direction `side`
        const int out = 1 - side;  // writing fd[side] drains direction `1 - side`
        const bool can_read = !session->blackhole && !s.paused[d] && !session->eof[d] &&
                              session->queued[d] < kMaxQueued && (side == 0 ? session->connected : true);
        if (can_read && session->fd[side] >= 0) events |= POLLIN;
        if (side == 1 && !session->connected && !session->blackhole) events |= POLLOUT;
        if (!session->queue[out].empty() && (side == 0 || session->connected)) {
          const absl::Duration until = session->queue[out].front().due - now;
          if (until <= absl::ZeroDuration()) {
            events |= POLLOUT;
          } else {
            wait = std::min(wait, until);
          }
        }
        fds.push_back({session->fd[side], events, 0});
      }
    }
    const int timeout_ms = static_cast<int>(std::max<int64_t>(1, absl::ToInt64Milliseconds(wait)));
    if (::poll(fds.data(), fds.size(), timeout_ms) < 0 && errno != EINTR) return;
    if (fds[0].revents & POLLIN) {
      uint64_t drained;
      (void)!::read(wake_fd_, &drained, sizeof(drained));
    }
    // Commands (and settings) apply before anything read in this round is handled.
    std::vector<Command> commands;
    {
      std::lock_guard<std::mutex> lock(mu_);
      s = settings_;
      commands.swap(commands_);
    }
    for (const Command& c : commands) {
      for (auto& session : sessions) {
        if (session->dead) continue;
        if (c.kind == Command::kCutAfter) {
          session->cut_at[c.direction] = session->forwarded[c.direction] + c.value;
        } else if (c.kind == Command::kCorruptAt) {
          session->corrupt_at[c.direction] = session->read_total[c.direction] + c.value;
        } else {
          session->reset = c.kind == Command::kResetAll;
          {
            std::lock_guard<std::mutex> lock(mu_);
            ++(c.kind == Command::kResetAll ? stats_.resets : stats_.cuts);
          }
          session->Close();
        }
      }
    }
    const size_t polled = sessions.size();  // sessions accepted below have no poll entries yet
    if (fds[1].revents & POLLIN) {
      for (;;) {
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) break;
        std::lock_guard<std::mutex> lock(mu_);
        ++stats_.accepted;
        if (s.refuse) {
          ::close(fd);
          ++stats_.refused;
          continue;
        }
        auto session = std::make_unique<Session>();
        session->fd[0] = fd;
        session->blackhole = s.blackhole;
        session->refilled[0] = session->refilled[1] = absl::Now();
        if (!s.blackhole) {
          session->fd[1] = ::socket(target.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
          const int one = 1;
          (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
          (void)::setsockopt(session->fd[1], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
          if (session->fd[1] < 0 ||
              (::connect(session->fd[1], reinterpret_cast<sockaddr*>(&target), target_len) != 0 &&
               errno != EINPROGRESS)) {
            session->Close();
            continue;
          }
        }
        sessions.push_back(std::move(session));
      }
    }
    size_t index = 2;
    for (size_t i = 0; i < polled; ++i) {
      Session& session = *sessions[i];
      for (int side = 0; side < 2; ++side, ++index) {
        const short revents = fds[index].revents;
        if (session.dead || revents == 0) continue;
        if (side == 1 && !session.connected && (revents & (POLLOUT | POLLERR | POLLHUP))) {
          int err = 0;
          socklen_t len = sizeof(err);
          ::getsockopt(session.fd[1], SOL_SOCKET, SO_ERROR, &err, &len);
          if (err != 0) {
            session.Close();  // the target refused: the client sees its connection end
            continue;
          }
          session.connected = true;
        }
        // A hang-up is read (to its end of stream) only when reading is wanted: a
        // paused direction must not forward what is still buffered.
        const bool reading = (fds[index].events & POLLIN) != 0;
        if ((revents & POLLERR) || (reading && (revents & (POLLIN | POLLHUP)))) {
          const int d = side;
          if (reading && (revents & (POLLIN | POLLHUP))) {
            const ssize_t n = ::recv(session.fd[side], buf.data(), buf.size(), MSG_DONTWAIT);
            if (n > 0) {
              Session::Chunk chunk;
              chunk.bytes.assign(buf.begin(), buf.begin() + n);
              const uint64_t begin = session.read_total[d];
              if (session.corrupt_at[d] >= begin &&
                  session.corrupt_at[d] < begin + static_cast<uint64_t>(n)) {
                chunk.bytes[session.corrupt_at[d] - begin] ^= 0xFF;
                session.corrupt_at[d] = kNever;
                std::lock_guard<std::mutex> lock(mu_);
                ++stats_.corrupted;
              }
              session.read_total[d] += static_cast<uint64_t>(n);
              chunk.due = absl::Now() + s.latency[d];
              session.queued[d] += chunk.bytes.size();
              session.queue[d].push_back(std::move(chunk));
            } else if (n == 0) {
              session.eof[d] = true;
            } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
              session.Close();
              continue;
            }
          } else {
            session.Close();
            continue;
          }
        }
        if ((revents & POLLOUT) && session.connected) {
          // Writing fd[side] drains direction 1 - side.
          const int d = 1 - side;
          auto& q = session.queue[d];
          while (!q.empty() && q.front().due <= now && !session.dead) {
            Session::Chunk& c = q.front();
            size_t allowed = c.bytes.size() - c.offset;
            if (s.bandwidth[d] > 0) {
              const double elapsed = absl::ToDoubleSeconds(now - session.refilled[d]);
              session.tokens[d] =
                  std::min<double>(static_cast<double>(s.bandwidth[d]) / 10,
                                   session.tokens[d] + elapsed * static_cast<double>(s.bandwidth[d]));
              session.refilled[d] = now;
              allowed = std::min(allowed, static_cast<size_t>(session.tokens[d]));
              if (allowed == 0) break;
            }
            if (session.cut_at[d] != kNever) {
              allowed = std::min<uint64_t>(allowed, session.cut_at[d] - session.forwarded[d]);
            }
            ssize_t w = allowed == 0 ? 0
                                     : ::send(session.fd[side], c.bytes.data() + c.offset, allowed,
                                              MSG_NOSIGNAL | MSG_DONTWAIT);
            if (w < 0) {
              if (errno == EAGAIN || errno == EWOULDBLOCK) break;
              session.Close();
              break;
            }
            c.offset += static_cast<size_t>(w);
            session.forwarded[d] += static_cast<uint64_t>(w);
            session.queued[d] -= static_cast<size_t>(w);
            if (s.bandwidth[d] > 0) session.tokens[d] -= static_cast<double>(w);
            {
              std::lock_guard<std::mutex> lock(mu_);
              stats_.forwarded[d] += static_cast<uint64_t>(w);
            }
            if (session.cut_at[d] != kNever && session.forwarded[d] >= session.cut_at[d]) {
              {
                std::lock_guard<std::mutex> lock(mu_);
                ++stats_.cuts;
              }
              session.Close();
              break;
            }
            if (c.offset == c.bytes.size()) {
              q.pop_front();
            } else {
              break;  // the socket took less: wait for POLLOUT
            }
          }
        }
      }
    }
    // Half-close: a side that ended and whose bytes are all forwarded ends the other side.
    for (auto& session : sessions) {
      if (session->dead) continue;
      for (int d = 0; d < 2; ++d) {
        if (session->eof[d] && session->queue[d].empty() && !session->shut[d] && session->connected) {
          ::shutdown(session->fd[1 - d], SHUT_WR);
          session->shut[d] = true;
        }
      }
      if (session->eof[0] && session->eof[1] && session->queue[0].empty() && session->queue[1].empty()) {
        session->Close();
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    stats_.open = 0;
    for (auto& session : sessions) stats_.open += session->dead ? 0 : 1;
  }
  for (auto& session : sessions) session->Close();
}

}  // namespace kompact::testing
