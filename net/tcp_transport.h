// TcpTransport: the Transport (transport.h) over non-blocking TCP and UDP sockets on
// one epoll loop, run by one network thread.
//
// Wake-ups: Wake() writes the loop's eventfd only when no wake-up is pending, so a
// burst of senders costs one syscall. After activity the loop polls for
// Options::spin_before_block before it blocks, so a quick reply needs no wake-up. Writes gather all parts in
// one sendmsg. Events are edge-triggered; every fd is registered under a numeric id, so an event for a stream
// destroyed earlier in the same batch is ignored. Dialled connections leave from the
// bound IP address (not the any-address), so peers see the IP this system binds.
//
// Thread-safety and lifetime: see transport.h.
#ifndef KOMPACT_NET_TCP_TRANSPORT_H_
#define KOMPACT_NET_TCP_TRANSPORT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "base/log.h"
#include "net/transport.h"

namespace kompact::net {

// The Transport over TCP and UDP sockets (see the file comment).
class TcpTransport final : public Transport {
 public:
  // How the sockets and the network thread are set up.
  struct Options {
    bool tcp_nodelay = true;  // set TCP_NODELAY on every stream (dialled and accepted)
    // The network thread's name (visible in top/gdb), at most 15 characters.
    std::string thread_name = "kompact-net";
    Logger logger;  // where socket failures and network thread faults are logged
    // After handling events, poll without blocking (yielding the CPU between polls)
    // for this long before blocking in epoll_wait: a reply that comes back within
    // the window costs no wake-up. Zero: always block.
    absl::Duration spin_before_block = absl::ZeroDuration();
  };

  // kInternal if epoll or the eventfd cannot be created.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<TcpTransport>> Create(Options options);
  ~TcpTransport() override;

  absl::StatusOr<Endpoint> Bind(const Endpoint& endpoint, bool udp) override;
  absl::Status Start(Callbacks callbacks) override;
  void Stop() override;
  void Wake() override;
  void Post(absl::AnyInvocable<void() &&> task) override;
  bool IsNetworkThread() const override;
  absl::StatusOr<std::unique_ptr<Stream>> Dial(const Endpoint& remote, StreamHandler* handler) override;
  size_t SendDatagrams(std::span<const Datagram> datagrams,
                       absl::FunctionRef<void(size_t, const absl::Status&)> failed) override;

  // The loop's internals, shared with its sockets (tcp_transport.cc).
  class IoObject;
  class TcpStream;

 private:
  explicit TcpTransport(Options options) : options_(std::move(options)) {}
  uint64_t Register(int fd, uint32_t events, IoObject* object);
  void Unregister(uint64_t id, int fd);
  void Loop();
  // An exception escaped the loop outside any stream: report it and go on.
  void ReportFault(std::string_view what);
  void RunPosted();
  void AcceptAll();
  void ReceiveDatagrams();

  const Options options_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  int listen_fd_ = -1;
  int udp_fd_ = -1;
  std::optional<IpAddress> source_ip_;  // dialled connections bind to it (the bound IP)
  Callbacks callbacks_;
  std::thread thread_;
  std::atomic<std::thread::id> thread_id_{};
  std::atomic<bool> stop_{false};
  std::atomic<bool> wake_pending_{false};

  // Network thread only.
  uint64_t next_id_ = 16;  // ids below are the fixed fds (wake, listener, udp)
  absl::flat_hash_map<uint64_t, IoObject*> objects_;
  std::vector<uint64_t> resume_reading_;
  std::vector<uint8_t> datagram_storage_;  // receive buffers of one recvmmsg batch

  std::mutex post_mu_;
  std::vector<absl::AnyInvocable<void() &&>> posted_ ABSL_GUARDED_BY(post_mu_);
  std::atomic<bool> has_posted_{false};
};

}  // namespace kompact::net

#endif  // KOMPACT_NET_TCP_TRANSPORT_H_
