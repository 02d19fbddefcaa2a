// The simulated network (FEATURES.md Y1): links between simulated systems with
// latency, jitter, bandwidth, resets, datagram loss and duplication, partitions and
// refused connections, all seeded; and SimTransport, the Transport
// (net/transport.h) of one simulated system, so NetworkDispatcher and everything
// above it (connections, handshake, retries, heartbeats, sessions, status
// indications, blocking) run unmodified. Only the bytes' path is simulated.
#ifndef KOMPACT_TESTING_SIM_SIM_NETWORK_H_
#define KOMPACT_TESTING_SIM_SIM_NETWORK_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/log.h"
#include "net/endpoint.h"
#include "net/transport.h"
#include "testing/sim/scheduler.h"

namespace kompact::sim {

using net::Endpoint;
using net::Stream;
using net::StreamHandler;

// The behaviour of one directed link (from one system to another).
struct LinkConfig {
  absl::Duration latency = absl::Microseconds(100);  // virtual time a byte takes to arrive
  absl::Duration jitter = absl::ZeroDuration();      // uniform in [0, jitter] on top of latency
  double bandwidth_bytes_per_second = 0;             // 0: unlimited
  double reset_probability = 0;                      // per TCP segment: the connection resets
  double datagram_loss = 0;                          // per datagram
  double datagram_duplication = 0;                   // per datagram
  bool refuse_connections = false;                   // connection attempts over it are refused
  uint32_t window = 1 << 20;                         // bytes a sender may have unread by the receiver

  // OK, or kInvalidArgument naming the field and value.
  [[nodiscard]] absl::Status Validate() const;
};

class SimTransport;
class SimStream;
struct Pipe;

// Counters of the simulated network (monotonic).
struct SimNetworkStats {
  uint64_t connects = 0;              // connection attempts
  uint64_t refused = 0;               // attempts refused (no listener, dead system, refusing link)
  uint64_t segments = 0;              // data segments delivered
  uint64_t bytes = 0;                 // data bytes delivered
  uint64_t resets = 0;                // connections reset (by loss or a killed system)
  uint64_t held = 0;                  // segments held by a partition
  uint64_t datagrams = 0;             // datagrams delivered to a listener
  uint64_t datagrams_lost = 0;        // datagrams dropped (loss, a partition, no listener)
  uint64_t datagrams_duplicated = 0;  // datagrams sent twice (datagram_duplication)
};

// The simulated network: every directed link between the systems of one
// simulation, their connections, listeners and datagrams.
//
// The model, per connection (a pipe with two ends):
//  * A write becomes one segment; it arrives after the link's latency plus a
//    uniform jitter in [0, jitter], after the bytes before it (TCP never reorders
//    within a connection) and after the link's bandwidth let it through.
//  * A sender may have `window` bytes unread by the receiver; then Write takes 0
//    and OnWritable follows once the receiver read half of them.
//  * A partition (SimNetwork::Partition) holds segments, as TCP would retransmit
//    them: they arrive after Heal unless the connection was given up meanwhile.
//    Connection attempts into a partition hang the same way (the handshake
//    timeout of the network layer ends them).
//  * Loss on a TCP link resets the connection (each segment with
//    reset_probability): TCP itself never loses bytes within a connection.
//  * A datagram is lost with datagram_loss, duplicated with datagram_duplication,
//    and reordered by jitter (no FIFO for UDP).
//  * A killed system's connections are reset (the far end reads an error after
//    the latency) and its ports refuse from then on.
//
// Each directed link has its own generator forked from the seed, so what one link
// draws does not depend on the traffic of others.
//
// Thread-safety: none; the simulation's thread only (a SimTransport's Wake/Post
// too: a simulated system has no other threads). Lifetime: the SimNetwork outlives
// every SimTransport; streams must be destroyed before their transport.
class SimNetwork {
 public:
  // A network whose events run on `scheduler`; links behave as `default_link` until
  // SetDefaultLink or SetLink (not validated here: Simulation::Create validates it).
  SimNetwork(Scheduler& scheduler, LinkConfig default_link);
  ~SimNetwork();
  SimNetwork(const SimNetwork&) = delete;
  SimNetwork& operator=(const SimNetwork&) = delete;

  // The transport of `system`, whose address is `ip` (unique per system).
  std::unique_ptr<SimTransport> MakeTransport(SystemId system, IpAddress ip, Logger logger);

  // Sets the behaviour of every link without one of its own; kInvalidArgument (and
  // nothing changes) if `link` does not validate.
  [[nodiscard]] absl::Status SetDefaultLink(LinkConfig link);
  // Sets the behaviour of the directed link `from` -> `to` only; same errors.
  [[nodiscard]] absl::Status SetLink(SystemId from, SystemId to, LinkConfig link);
  // The behaviour of the link `from` -> `to`: its own, else the default.
  const LinkConfig& link(SystemId from, SystemId to) const;

  // Cuts every link from a system in `a` to one in `b` (and back, if `both_ways`).
  void Partition(std::span<const SystemId> a, std::span<const SystemId> b, bool both_ways = true);
  // Restores every link; held segments go on their way.
  void Heal();
  // True while a partition cuts the link `from` -> `to`.
  bool Cut(SystemId from, SystemId to) const { return cut_.contains(LinkKey(from, to)); }

  // The process of `system` died: its connections reset, its ports close. Its
  // transport stays (dead) until its system is gone.
  void KillHost(SystemId system);

  // The counters so far (a reference: it stays current).
  const SimNetworkStats& stats() const { return stats_; }
  // The scheduler the network's events run on.
  Scheduler& scheduler() { return scheduler_; }

 private:
  friend class SimTransport;
  friend class SimStream;
  friend struct PipeHalf;

 public:
  struct Segment;  // the wire model's unit (sim_network.cc)

 private:
  struct LinkState;

  static uint64_t LinkKey(SystemId from, SystemId to) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(from)) << 32) | static_cast<uint32_t>(to);
  }
  LinkState& Link(SystemId from, SystemId to);
  // Sends `segment` from end `from_end` of `pipe` (0: dialler, 1: acceptor).
  void Send(const std::shared_ptr<Pipe>& pipe, int from_end, Segment segment);
  void Transmit(const std::shared_ptr<Pipe>& pipe, int from_end, Segment segment);
  void Arrive(const std::shared_ptr<Pipe>& pipe, int to_end, Segment segment);
  void ResetPipe(const std::shared_ptr<Pipe>& pipe, std::string_view why);
  // The receiver at the other end of `sender_end` read `n` bytes (window update).
  void Consumed(const std::shared_ptr<Pipe>& pipe, int sender_end, size_t n);
  void SendDatagram(SystemId from, const Endpoint& from_endpoint, const Endpoint& to,
                    std::span<const uint8_t> bytes);
  uint16_t AllocatePort(const IpAddress& ip);
  absl::Status Listen(const Endpoint& endpoint, SimTransport* transport, bool udp);
  void Unlisten(SimTransport* transport);

  Scheduler& scheduler_;
  LinkConfig default_link_;
  absl::flat_hash_map<uint64_t, LinkConfig> links_;
  absl::flat_hash_map<uint64_t, std::unique_ptr<LinkState>> link_states_;
  absl::flat_hash_set<uint64_t> cut_;
  absl::flat_hash_map<Endpoint, SimTransport*> listeners_;
  absl::flat_hash_map<Endpoint, SimTransport*> udp_listeners_;
  absl::flat_hash_map<std::string, uint16_t> next_port_;     // by IP text
  absl::flat_hash_map<SystemId, SimTransport*> transports_;  // live transports by system
  std::vector<std::shared_ptr<Pipe>> held_pipes_;            // in the order they were first held
  uint64_t next_pipe_ = 1;
  SimNetworkStats stats_;
};

// The Transport of one simulated system. Its "network thread" is the
// simulation's thread: on_wake, posted tasks and stream events are scheduler
// events of the system (held while it is paused, dropped once it is killed).
class SimTransport final : public net::Transport {
 public:
  // The transport of `system` at address `ip` on `network` (which must outlive it);
  // use SimNetwork::MakeTransport.
  SimTransport(SimNetwork& network, SystemId system, IpAddress ip, Logger logger);
  ~SimTransport() override;

  // Listens on `endpoint` (its IP must be this system's; port 0: a free simulated
  // port) for streams, and for datagrams too if `udp`; returns the bound endpoint.
  // kFailedPrecondition on a second Bind, kInvalidArgument for another IP,
  // kUnavailable if the endpoint is taken, kResourceExhausted if no port is free.
  absl::StatusOr<Endpoint> Bind(const Endpoint& endpoint, bool udp) override;
  // Installs the callbacks; kFailedPrecondition if called twice.
  absl::Status Start(Callbacks callbacks) override;
  // Stops listening and drops posted tasks unrun; later Wake/Post do nothing.
  void Stop() override;
  // Schedules a call of on_wake as a network-thread event of this system.
  void Wake() override;
  // Runs `task` as a network-thread event of this system (dropped after Stop).
  void Post(absl::AnyInvocable<void() &&> task) override;
  // True while one of this system's network-thread events runs.
  bool IsNetworkThread() const override { return in_network_thread_; }
  // Steps the whole simulation until `done()` or `timeout` of virtual time passed;
  // returns done(). Once the system is dead, runs its remaining network work at once.
  std::optional<bool> DriveUntil(absl::FunctionRef<bool()> done, absl::Duration timeout) override;
  // Opens a simulated connection to `remote`: the stream at once, its outcome
  // (connected or refused) as a later event for `handler`. kFailedPrecondition if
  // stopped, dead or not bound.
  absl::StatusOr<std::unique_ptr<Stream>> Dial(const Endpoint& remote, StreamHandler* handler) override;
  // Sends each datagram over its link (loss, duplication and jitter applied);
  // returns datagrams.size() and never calls `failed`.
  size_t SendDatagrams(std::span<const Datagram> datagrams,
                       absl::FunctionRef<void(size_t, const absl::Status&)> failed) override;

  // The simulated system this transport belongs to.
  SystemId system() const { return system_; }
  // The system's address (also the IP of every endpoint it binds).
  const IpAddress& ip() const { return ip_; }
  // True once its system was killed (SimNetwork::KillHost).
  bool dead() const { return dead_; }

 private:
  friend class SimNetwork;
  friend class SimStream;

  void ScheduleWork();
  void RunWork();
  // Runs `body` as this system's network thread; an exception goes to on_fault.
  void AsNetworkThread(absl::FunctionRef<void()> body);
  // A stream handler call; an exception goes to the handler's OnFault.
  void CallHandler(StreamHandler* handler, absl::FunctionRef<void()> body);
  void Accept(std::unique_ptr<Stream> stream);
  void OnDatagram(const Endpoint& from, std::span<const uint8_t> bytes);

  SimNetwork& network_;
  const SystemId system_;
  const IpAddress ip_;
  const Logger logger_;
  Callbacks callbacks_;
  std::optional<Endpoint> bound_;
  bool started_ = false;
  bool stopped_ = false;
  bool dead_ = false;
  bool in_network_thread_ = false;
  bool wake_pending_ = false;
  bool work_scheduled_ = false;
  std::vector<absl::AnyInvocable<void() &&>> posted_;
  std::vector<SimStream*> streams_;  // open streams, oldest first
  uint64_t dials_ = 0;
};

}  // namespace kompact::sim

#endif  // KOMPACT_TESTING_SIM_SIM_NETWORK_H_
