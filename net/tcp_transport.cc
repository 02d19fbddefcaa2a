#include "net/tcp_transport.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/log.h"

namespace kompact::net {
namespace {

constexpr uint64_t kWakeId = 1;
constexpr uint64_t kListenId = 2;
constexpr uint64_t kUdpId = 3;
constexpr int kMaxEvents = 256;
constexpr size_t kMaxIov = 1024;
constexpr size_t kMaxDatagram = 65536;
constexpr unsigned kDatagramBatch = 32;

absl::Status Errno(const std::string& what, int err) {
  return absl::UnavailableError(absl::StrCat(what, ": ", std::strerror(err)));
}

void SetNoDelay(int fd, bool on) {
  int v = on ? 1 : 0;
  (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v));
}

int Family(const Endpoint& e) { return e.ip.is_v4() ? AF_INET : AF_INET6; }

}  // namespace

// Something registered on the loop.
class TcpTransport::IoObject {
 public:
  virtual ~IoObject() = default;
  virtual void OnEvents(uint32_t events) = 0;
};

class TcpTransport::TcpStream final : public Stream, public IoObject {
 public:
  TcpStream(TcpTransport* transport, int fd, Endpoint remote, StreamHandler* handler, bool connecting)
      : transport_(transport), fd_(fd), remote_(remote), handler_(handler), connecting_(connecting) {
    id_ = transport_->Register(fd_, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, this);
  }
  ~TcpStream() override {
    transport_->Unregister(id_, fd_);
    ::close(fd_);
  }

  uint64_t id() const { return id_; }
  void SetHandler(StreamHandler* handler) override { handler_ = handler; }

  absl::StatusOr<size_t> Read(std::span<uint8_t> into) override {
    for (;;) {
      const ssize_t n = ::recv(fd_, into.data(), into.size(), MSG_DONTWAIT);
      if (n > 0) return static_cast<size_t>(n);
      if (n == 0) return absl::UnavailableError("end of stream");
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
      return Errno(absl::StrCat("reading from ", remote_.ToString()), errno);
    }
  }

  absl::StatusOr<size_t> Write(std::span<const iovec> parts) override {
    msghdr msg{};
    msg.msg_iov = const_cast<iovec*>(parts.data());
    msg.msg_iovlen = std::min(parts.size(), kMaxIov);
    for (;;) {
      const ssize_t n = ::sendmsg(fd_, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n >= 0) return static_cast<size_t>(n);
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
      return Errno(absl::StrCat("writing to ", remote_.ToString()), errno);
    }
  }

  void ShutdownWrite() override { (void)::shutdown(fd_, SHUT_WR); }
  void ResumeReading() override { transport_->resume_reading_.push_back(id_); }
  const Endpoint& remote() const override { return remote_; }

  void OnEvents(uint32_t events) override {
    // The handler may destroy this stream in any call: check that it is alive after each.
    TcpTransport* transport = transport_;
    const uint64_t id = id_;
    auto alive = [&] { return transport->objects_.contains(id); };
    if (connecting_) {
      if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return;
      connecting_ = false;
      int err = 0;
      socklen_t len = sizeof(err);
      if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
      if (handler_ == nullptr) return;
      handler_->OnConnected(err == 0 ? absl::OkStatus()
                                     : Errno(absl::StrCat("connecting to ", remote_.ToString()), err));
      if (!alive() || err != 0) return;
    }
    if (handler_ == nullptr) return;
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
      handler_->OnReadable();
      if (!alive()) return;
    }
    if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) handler_->OnWritable();
  }

  void Readable() {
    if (handler_ != nullptr && !connecting_) handler_->OnReadable();
  }

  // Runs one of this stream's handler calls; an exception escaping it is reported
  // to the handler (which closes the stream) instead of ending the network thread.
  template <typename F>
  static void Guarded(TcpTransport* transport, uint64_t id, F&& call) {
    std::string what;
    try {
      call();
      return;
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
      what = "an exception that is not a std::exception";
    }
    auto it = transport->objects_.find(id);
    if (it == transport->objects_.end()) return;  // the handler destroyed it already
    auto* stream = static_cast<TcpStream*>(it->second);
    KLOG(transport->options_.logger, ERROR)
        << "the handler of the connection with " << stream->remote_.ToString() << " threw: " << what;
    if (stream->handler_ != nullptr) stream->handler_->OnFault(what);
  }

 private:
  TcpTransport* transport_;
  int fd_;
  uint64_t id_ = 0;
  Endpoint remote_;
  StreamHandler* handler_;
  bool connecting_;
};

absl::StatusOr<std::unique_ptr<TcpTransport>> TcpTransport::Create(Options options) {
  std::unique_ptr<TcpTransport> t(new TcpTransport(std::move(options)));
  t->epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (t->epoll_fd_ < 0) return absl::InternalError(absl::StrCat("epoll_create1: ", std::strerror(errno)));
  t->wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (t->wake_fd_ < 0) return absl::InternalError(absl::StrCat("eventfd: ", std::strerror(errno)));
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLET;  // never read: every write is an edge
  ev.data.u64 = kWakeId;
  if (::epoll_ctl(t->epoll_fd_, EPOLL_CTL_ADD, t->wake_fd_, &ev) != 0) {
    return absl::InternalError(absl::StrCat("epoll_ctl(eventfd): ", std::strerror(errno)));
  }
  return t;
}

TcpTransport::~TcpTransport() {
  Stop();
  for (int fd : {listen_fd_, udp_fd_, wake_fd_, epoll_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

absl::StatusOr<Endpoint> TcpTransport::Bind(const Endpoint& endpoint, bool udp) {
  if (listen_fd_ >= 0) return absl::FailedPreconditionError("TcpTransport::Bind: already bound");
  sockaddr_storage addr;
  socklen_t len = endpoint.ToSockaddr(addr);
  const int fd = ::socket(Family(endpoint), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket", errno);
  int one = 1;
  (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (!endpoint.ip.is_v4()) (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd, 1024) != 0) {
    const int err = errno;
    ::close(fd);
    return Errno(absl::StrCat("binding tcp ", endpoint.ToString()), err);
  }
  len = sizeof(addr);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const int err = errno;
    ::close(fd);
    return Errno("getsockname", err);
  }
  absl::StatusOr<Endpoint> bound = Endpoint::FromSockaddr(addr, len);
  if (!bound.ok()) {
    ::close(fd);
    return bound.status();
  }
  if (udp) {
    const int ufd = ::socket(Family(endpoint), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (ufd < 0) {
      ::close(fd);
      return Errno("socket(udp)", errno);
    }
    if (!endpoint.ip.is_v4()) (void)setsockopt(ufd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    sockaddr_storage uaddr;
    const socklen_t ulen = bound->ToSockaddr(uaddr);
    if (::bind(ufd, reinterpret_cast<sockaddr*>(&uaddr), ulen) != 0) {
      const int err = errno;
      ::close(fd);
      ::close(ufd);
      return Errno(absl::StrCat("binding udp ", bound->ToString()), err);
    }
    udp_fd_ = ufd;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
    ev.data.u64 = kUdpId;
    (void)::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, udp_fd_, &ev);
  }
  listen_fd_ = fd;
  // Dialled connections leave from the bound address (unless it is the any-address),
  // so peers see this system's own IP (their IP block rules depend on it).
  const bool any = endpoint.ip.is_v4() ? endpoint.ip == IpAddress::V4(0, 0, 0, 0)
                                       : endpoint.ip == IpAddress::V6(std::array<uint8_t, 16>{});
  if (!any) source_ip_ = endpoint.ip;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLET;
  ev.data.u64 = kListenId;
  (void)::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  return *bound;
}

absl::Status TcpTransport::Start(Callbacks callbacks) {
  if (thread_.joinable()) return absl::FailedPreconditionError("TcpTransport::Start: already started");
  callbacks_ = std::move(callbacks);
  thread_ = std::thread([this] {
    thread_id_.store(std::this_thread::get_id(), std::memory_order_release);
    (void)pthread_setname_np(pthread_self(), options_.thread_name.substr(0, 15).c_str());
    Loop();
  });
  return absl::OkStatus();
}

void TcpTransport::Stop() {
  if (!thread_.joinable()) return;
  stop_.store(true, std::memory_order_release);
  const uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof(one));
  thread_.join();
  // The port is free again as soon as Stop returns (streams close with their owners).
  for (int* fd : {&listen_fd_, &udp_fd_}) {
    if (*fd >= 0) {
      (void)::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, *fd, nullptr);
      ::close(*fd);
      *fd = -1;
    }
  }
  std::vector<absl::AnyInvocable<void() &&>> dropped;
  {
    std::lock_guard<std::mutex> lock(post_mu_);
    dropped.swap(posted_);
  }
}

void TcpTransport::Wake() {
  if (wake_pending_.load(std::memory_order_relaxed)) return;
  if (wake_pending_.exchange(true, std::memory_order_acq_rel)) return;
  const uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof(one));
}

void TcpTransport::Post(absl::AnyInvocable<void() &&> task) {
  {
    std::lock_guard<std::mutex> lock(post_mu_);
    posted_.push_back(std::move(task));
  }
  has_posted_.store(true, std::memory_order_release);
  // Not through wake_pending_: that flag only covers on_wake.
  const uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof(one));
}

bool TcpTransport::IsNetworkThread() const {
  return thread_id_.load(std::memory_order_acquire) == std::this_thread::get_id();
}

uint64_t TcpTransport::Register(int fd, uint32_t events, IoObject* object) {
  const uint64_t id = next_id_++;
  objects_.emplace(id, object);
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = id;
  (void)::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  return id;
}

void TcpTransport::Unregister(uint64_t id, int fd) {
  objects_.erase(id);
  (void)::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

absl::StatusOr<std::unique_ptr<Stream>> TcpTransport::Dial(const Endpoint& remote, StreamHandler* handler) {
  const int fd = ::socket(Family(remote), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket", errno);
  SetNoDelay(fd, options_.tcp_nodelay);
  if (source_ip_.has_value() && source_ip_->family() == remote.ip.family()) {
    int one = 1;
    (void)setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));  // port chosen at connect
    sockaddr_storage source;
    const socklen_t source_len = Endpoint{*source_ip_, 0}.ToSockaddr(source);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&source), source_len) != 0) {
      const int err = errno;
      ::close(fd);
      return Errno(
          absl::StrCat("binding the source address ", source_ip_->ToString(), " to dial ", remote.ToString()),
          err);
    }
  }
  sockaddr_storage addr;
  const socklen_t len = remote.ToSockaddr(addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 && errno != EINPROGRESS) {
    const int err = errno;
    ::close(fd);
    return Errno(absl::StrCat("connecting to ", remote.ToString()), err);
  }
  return std::unique_ptr<Stream>(new TcpStream(this, fd, remote, handler, /*connecting=*/true));
}

void TcpTransport::AcceptAll() {
  for (;;) {
    sockaddr_storage addr;
    socklen_t len = sizeof(addr);
    const int fd =
        ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        KLOG(options_.logger, WARNING) << "accept on the network listener failed: " << std::strerror(errno);
      }
      return;
    }
    absl::StatusOr<Endpoint> remote = Endpoint::FromSockaddr(addr, len);
    if (!remote.ok()) {
      ::close(fd);
      continue;
    }
    SetNoDelay(fd, options_.tcp_nodelay);
    auto stream = std::make_unique<TcpStream>(this, fd, *remote, nullptr, /*connecting=*/false);
    if (callbacks_.on_accept) callbacks_.on_accept(std::move(stream));
  }
}

void TcpTransport::ReceiveDatagrams() {
  std::vector<uint8_t>& storage = datagram_storage_;
  if (storage.empty()) storage.resize(kMaxDatagram * kDatagramBatch);
  std::array<mmsghdr, kDatagramBatch> msgs{};
  std::array<iovec, kDatagramBatch> iovs{};
  std::array<sockaddr_storage, kDatagramBatch> addrs{};
  for (;;) {
    for (unsigned i = 0; i < kDatagramBatch; ++i) {
      iovs[i] = iovec{storage.data() + i * kMaxDatagram, kMaxDatagram};
      msgs[i] = mmsghdr{};
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &addrs[i];
      msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    }
    const int n = ::recvmmsg(udp_fd_, msgs.data(), kDatagramBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < n; ++i) {
      absl::StatusOr<Endpoint> from = Endpoint::FromSockaddr(addrs[i], msgs[i].msg_hdr.msg_namelen);
      if (!from.ok() || !callbacks_.on_datagram) continue;
      callbacks_.on_datagram(*from,
                             std::span<const uint8_t>(storage.data() + i * kMaxDatagram, msgs[i].msg_len));
    }
    if (static_cast<unsigned>(n) < kDatagramBatch) return;
  }
}

size_t TcpTransport::SendDatagrams(std::span<const Datagram> datagrams,
                                   absl::FunctionRef<void(size_t, const absl::Status&)> failed) {
  if (udp_fd_ < 0) {
    for (size_t i = 0; i < datagrams.size(); ++i) {
      failed(i, absl::FailedPreconditionError("this system has no UDP socket"));
    }
    return datagrams.size();
  }
  size_t done = 0;
  std::array<mmsghdr, kDatagramBatch> msgs{};
  std::array<iovec, kDatagramBatch> iovs{};
  std::array<sockaddr_storage, kDatagramBatch> addrs{};
  while (done < datagrams.size()) {
    const size_t batch = std::min<size_t>(kDatagramBatch, datagrams.size() - done);
    for (size_t i = 0; i < batch; ++i) {
      const Datagram& d = datagrams[done + i];
      iovs[i] = iovec{const_cast<uint8_t*>(d.bytes.data()), d.bytes.size()};
      msgs[i] = mmsghdr{};
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &addrs[i];
      msgs[i].msg_hdr.msg_namelen = d.to.ToSockaddr(addrs[i]);
    }
    const int n = ::sendmmsg(udp_fd_, msgs.data(), static_cast<unsigned>(batch), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return done;
    // The first datagram of the batch is refused for good (e.g. EMSGSIZE): report and skip it.
    failed(done, Errno(absl::StrCat("sending a ", datagrams[done].bytes.size(), "-byte datagram to ",
                                    datagrams[done].to.ToString()),
                       n < 0 ? errno : EIO));
    ++done;
  }
  return done;
}

void TcpTransport::RunPosted() {
  has_posted_.store(false, std::memory_order_release);
  std::vector<absl::AnyInvocable<void() &&>> tasks;
  {
    std::lock_guard<std::mutex> lock(post_mu_);
    tasks.swap(posted_);
  }
  // A task that throws is a fault of the loop, not of the tasks after it.
  for (auto& task : tasks) {
    try {
      std::move(task)();
    } catch (const std::exception& e) {
      ReportFault(e.what());
    } catch (...) {
      ReportFault("an exception that is not a std::exception");
    }
  }
}

void TcpTransport::ReportFault(std::string_view what) {
  KLOG(options_.logger, ERROR) << "the network thread caught an exception: " << what << "; it goes on";
  wake_pending_.store(false, std::memory_order_release);
  if (callbacks_.on_fault) callbacks_.on_fault(what, /*fatal=*/false);
}

void TcpTransport::Loop() {
  std::array<epoll_event, kMaxEvents> events;
  using Clock = std::chrono::steady_clock;
  const auto spin = std::chrono::nanoseconds(absl::ToInt64Nanoseconds(options_.spin_before_block));
  Clock::time_point spin_until = Clock::now();
  while (!stop_.load(std::memory_order_acquire)) {
    try {
      // Poll while inside the spin window (or while reads are to be resumed), else block.
      const bool spinning = spin.count() > 0 && Clock::now() < spin_until;
      const int timeout = resume_reading_.empty() && !spinning ? -1 : 0;
      const int n = ::epoll_wait(epoll_fd_, events.data(), kMaxEvents, timeout);
      if (n < 0 && errno != EINTR) {
        const std::string what = absl::StrCat("epoll_wait failed: ", std::strerror(errno));
        KLOG(options_.logger, ERROR) << what << "; the network thread ends";
        if (callbacks_.on_fault) callbacks_.on_fault(what, /*fatal=*/true);
        return;
      }
      if (n > 0) {
        if (spin.count() > 0) spin_until = Clock::now() + spin;
      } else if (spinning && !has_posted_.load(std::memory_order_acquire)) {
        std::this_thread::yield();
        continue;
      }
      bool woken = false;
      for (int i = 0; i < n; ++i) {
        const uint64_t id = events[i].data.u64;
        if (id == kWakeId) {
          woken = true;
        } else if (id == kListenId) {
          AcceptAll();
        } else if (id == kUdpId) {
          if (events[i].events & EPOLLIN) ReceiveDatagrams();
          if (events[i].events & EPOLLOUT) woken = true;  // queued datagrams may go now
        } else if (auto it = objects_.find(id); it != objects_.end()) {
          TcpStream::Guarded(this, id, [&] { it->second->OnEvents(events[i].events); });
        }
      }
      if (!resume_reading_.empty()) {
        std::vector<uint64_t> resume;
        resume.swap(resume_reading_);
        for (uint64_t id : resume) {
          if (auto it = objects_.find(id); it != objects_.end())
            TcpStream::Guarded(this, id, [&] { static_cast<TcpStream*>(it->second)->Readable(); });
        }
      }
      if (woken || has_posted_.load(std::memory_order_acquire)) {
        // on_wake first: what senders queued before a task was posted (e.g. messages
        // sent right before Shutdown posts BeginShutdown) is taken before the task runs.
        const bool posted = has_posted_.load(std::memory_order_acquire);
        wake_pending_.store(false, std::memory_order_release);
        if (callbacks_.on_wake) callbacks_.on_wake();
        if (posted) RunPosted();
      }
    } catch (const std::exception& e) {
      ReportFault(e.what());
    } catch (...) {
      ReportFault("an exception that is not a std::exception");
    }
  }
}

}  // namespace kompact::net
