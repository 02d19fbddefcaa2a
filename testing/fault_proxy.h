// FaultProxy: an in-process TCP proxy that tests put between two systems to break
// the network for real (reliability tests).
#ifndef KOMPACT_TESTING_FAULT_PROXY_H_
#define KOMPACT_TESTING_FAULT_PROXY_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace kompact::testing {

// An in-process TCP proxy between two systems: it listens on `listen_ip` (port 0: a
// free one, see port()) and forwards every accepted connection to `target`, while
// the test injects, per direction:
//
//   latency       every byte is held back this long
//   bandwidth     a byte-rate cap (token bucket)
//   pause         nothing is read (the sender's socket buffer fills, TCP flow
//                 control pushes back on it); unpausing resumes
//   cut after N   the connection is closed once N more bytes were forwarded (a
//                 frame cut in the middle)
//   corrupt at N  the byte N bytes further on is flipped (xor 0xFF)
//   cut / reset   every connection closed now (FIN) / reset (RST)
//   blackhole     new connections are accepted and never forwarded
//   refuse        new connections are accepted and closed at once
//
// Directions: kUpstream carries what the connecting side sends to the target,
// kDownstream the answers. Every loop is bounded: the proxy thread wakes at least
// every 10 ms and stops when the proxy is destroyed.
//
// Thread-safety: every member may be called from any thread. Lifetime: the
// destructor stops the proxy's thread and closes every socket it holds.
class FaultProxy {
 public:
  // Which way the bytes go on a proxied connection.
  enum Direction : int {
    // From the connecting side to the target.
    kUpstream = 0,
    // From the target back to the connecting side.
    kDownstream = 1
  };

  // Listens on listen_ip (an IPv4 or IPv6 literal), port 0, forwarding to
  // target_ip:target_port. kInvalidArgument if either IP is not an address literal,
  // kUnavailable if the socket cannot be bound.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<FaultProxy>> Create(const std::string& listen_ip,
                                                                          const std::string& target_ip,
                                                                          uint16_t target_port);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  // The port the proxy listens on (chosen by the OS at Create); connect here.
  uint16_t port() const { return port_; }
  // Where connections accepted from now on go (e.g. once the target, which
  // advertises the proxy's port, is bound). Create with target_port 0 to set it later.
  void SetTarget(const std::string& target_ip, uint16_t target_port);

  // Holds back every byte going direction `d` for `latency` (zero: none).
  void SetLatency(Direction d, absl::Duration latency);
  void SetBandwidth(Direction d, uint64_t bytes_per_second);  // 0: unlimited
  // Stops (true) or resumes (false) reading the bytes going direction `d`.
  void SetPaused(Direction d, bool paused);
  // While on, new connections are accepted and never forwarded.
  void SetBlackhole(bool on);
  // While on, new connections are accepted and closed at once.
  void SetRefuse(bool on);
  // Closes each connection open now once `bytes` more were forwarded direction `d`.
  void CutAfter(Direction d, uint64_t bytes);
  // On each connection open now, flips (xor 0xFF) the byte `offset` bytes further
  // on in direction `d`.
  void CorruptAt(Direction d, uint64_t offset);
  // Closes (FIN) every connection open now.
  void CutAll();
  // Resets (RST) every connection open now.
  void ResetAll();

  // Counters since Create (a snapshot: see stats()).
  struct Stats {
    uint64_t accepted = 0;           // connections accepted (refused ones included)
    uint64_t forwarded[2] = {0, 0};  // bytes, per direction
    uint64_t cuts = 0;               // connections closed by CutAll / CutAfter
    uint64_t resets = 0;             // connections reset by ResetAll
    uint64_t corrupted = 0;          // bytes flipped
    uint64_t refused = 0;            // closed at accept (refuse)
    size_t open = 0;                 // connections open now
  };
  // A consistent snapshot of the counters.
  Stats stats() const;

 private:
  struct Settings {
    absl::Duration latency[2] = {absl::ZeroDuration(), absl::ZeroDuration()};
    uint64_t bandwidth[2] = {0, 0};
    bool paused[2] = {false, false};
    bool blackhole = false;
    bool refuse = false;
  };
  struct Command {
    enum Kind { kCutAfter, kCorruptAt, kCutAll, kResetAll } kind;
    int direction = 0;
    uint64_t value = 0;
  };
  struct Session;

  FaultProxy() = default;
  void Loop();
  void Post(Command command);
  void Wake();

  int listen_fd_ = -1;
  int wake_fd_ = -1;
  uint16_t port_ = 0;
  std::string target_ip_ ABSL_GUARDED_BY(mu_);
  uint16_t target_port_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};

  mutable std::mutex mu_;
  Settings settings_ ABSL_GUARDED_BY(mu_);
  std::vector<Command> commands_ ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kompact::testing

#endif  // KOMPACT_TESTING_FAULT_PROXY_H_
