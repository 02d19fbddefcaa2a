// NetworkDispatcher: the dispatcher of a system that talks to other systems
// (FEATURES.md N1, N3, N5, N7). It is the shared path registry (registration,
// aliases, routing policies, local delivery; routing/path_registry.h) plus the
// network: messages for paths of this system are delivered locally exactly as by
// LocalDispatcher (no serialisation); messages for other systems go to
// NetworkCore, which sends them over TCP (or UDP for udp:// paths).
//
//   auto system = kompact::KompactConfig()
//       .SetDispatcher(kompact::net::NetworkDispatcher::Factory())    // kompact.net.* keys
//       .Build();
//   // or with explicit settings:
//   kompact::net::NetworkConfig net;
//   net.port = 7000;
//   config.SetDispatcher(kompact::net::NetworkDispatcher::Factory(net));
//
// The socket is bound inside the factory, so port 0 yields the real port in
// system.SystemPath() before any path is handed out, and an occupied port fails
// Build() at once. Shutdown closes every connection gracefully (Bye after what was
// queued) within kompact.net.shutdown-timeout.
//
// Thread-safety: see runtime/dispatcher.h (every member, any thread). Lifetime:
// owned by the system.
#ifndef KOMPACT_NET_NETWORK_DISPATCHER_H_
#define KOMPACT_NET_NETWORK_DISPATCHER_H_

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "net/network_config.h"
#include "net/network_core.h"
#include "net/network_status.h"
#include "net/transport.h"
#include "routing/path_registry.h"
#include "routing/registry_dispatcher.h"
#include "runtime/component.h"
#include "runtime/dispatcher.h"
#include "runtime/kompact_system.h"
#include "runtime/net_message.h"
#include "runtime/peer_identity.h"

namespace kompact::net {

// The dispatcher of a networked system (see the file comment).
class NetworkDispatcher final : public RegistryDispatcher {
 public:
  // What moves the bytes (net/transport.h), made once per dispatcher and bound by
  // Create. Null: a TcpTransport with the config's socket options. The simulator
  // (testing/sim) passes its in-memory transport here.
  using TransportFactory = absl::AnyInvocable<absl::StatusOr<std::unique_ptr<Transport>>(
      const DispatcherContext& context, const NetworkConfig& config)>;

  // Binds and starts the network thread. `config`: the settings to use; without,
  // they are read from the system's kompact.net.* keys. `transport`: see
  // TransportFactory. Errors: invalid settings (kInvalidArgument naming the key), an
  // address that cannot be bound (kUnavailable).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<NetworkDispatcher>> Create(
      const DispatcherContext& context, std::optional<NetworkConfig> config = std::nullopt,
      TransportFactory transport = nullptr);
  // A DispatcherFactory for KompactConfig::SetDispatcher.
  static DispatcherFactory Factory(std::optional<NetworkConfig> config = std::nullopt,
                                   TransportFactory transport = nullptr);

  ~NetworkDispatcher() override;

  // Delivers `message` locally if its receiver is a path of this system, else sends
  // it to the receiver's system (NetworkCore::Send).
  void Deliver(NetMessage&& message) override;
  // Refuses new status providers, closes every connection gracefully (see the file
  // comment), then shuts the path registry down.
  void Shutdown() override;

  // The network layer's counters.
  const NetworkStats& stats() const { return core_->stats(); }
  // The settings in use (validated).
  const NetworkConfig& config() const { return config_; }
  // The port the listener is bound to (system_path() may advertise another one,
  // kompact.net.advertised-port).
  uint16_t bound_port() const { return bound_port_; }
  // This system's incarnation id (new every time a system starts).
  const Uuid& incarnation() const { return core_->incarnation(); }

  // The network dispatcher of `system`, or null if it has another dispatcher.
  static NetworkDispatcher* Of(const KompactSystem& system);
  // The component providing NetworkStatusPort (net/network_status_provider.h),
  // created and started on first use. `system` must be this dispatcher's.
  // kFailedPrecondition once the system is shutting down.
  absl::StatusOr<AnyComponent> StatusProvider(const KompactSystem& system);
  // Applies a status-port request without a port (same semantics).
  void Request(NetworkStatusRequest request) { core_->Request(std::move(request)); }
  // The verified certificate identity of the TLS session `session` of this system
  // (NetMessage::session() of a message that came over it), or null: a plaintext or
  // unknown session, or one closed long ago (net/session_identities.h). Any thread.
  std::shared_ptr<const PeerIdentity> SessionIdentity(SessionId session) const {
    return core_->identities().Find(session);
  }
  // Fault injection for tests (N6): an exception thrown on the network thread.
  void InjectNetworkThreadFault(std::string what) { core_->InjectNetworkThreadFault(std::move(what)); }

 private:
  NetworkDispatcher(NetworkConfig config, std::unique_ptr<PathRegistry> registry)
      : RegistryDispatcher(std::move(registry)), config_(std::move(config)) {}

  const NetworkConfig config_;
  uint16_t bound_port_ = 0;
  std::unique_ptr<NetworkCore> core_;
  std::mutex provider_mu_;
  std::optional<AnyComponent> provider_ ABSL_GUARDED_BY(provider_mu_);
  bool shut_down_ ABSL_GUARDED_BY(provider_mu_) = false;
};

// Who sent `message`, as the certificate of the TLS session it arrived on says, so
// that an application can authorise each network message (docs/security.md):
//
//   absl::StatusOr<std::shared_ptr<const PeerIdentity>> who = net::SenderIdentity(system(), msg);
//   if (!who.ok() || (*who)->common_name != "node-b") return HandlerResult::Benign(...);
//
// kFailedPrecondition if `system` has no NetworkDispatcher or does not speak TLS;
// kNotFound if the message did not come over a TLS session this system knows (a
// message from this system, or one whose session closed more than
// SessionIdentities::kDefaultRetained sessions ago). One reader lock per call.
[[nodiscard]] absl::StatusOr<std::shared_ptr<const PeerIdentity>> SenderIdentity(const KompactSystem& system,
                                                                                 const NetMessage& message);

}  // namespace kompact::net

#endif  // KOMPACT_NET_NETWORK_DISPATCHER_H_
