// NetworkStatusProvider: the component that provides a system's NetworkStatusPort
// (net/network_status.h), and ConnectNetworkStatus, which connects a component's
// RequiredPort<NetworkStatusPort> to it (Kompact's connect_network_status_port).
//
//   class Monitor : public kompact::ComponentDefinition<Monitor> {
//     HandlerResult Handle(const kompact::net::ConnectionLost& lost) { ... }
//     ...
//     kompact::RequiredPort<kompact::net::NetworkStatusPort> status_;
//   };
//   Component<Monitor> m = system.Create<Monitor>();
//   KOMPACT_RETURN_IF_ERROR(kompact::net::ConnectNetworkStatus(system, m).status());
//
// The provider is created (and started) by the first ConnectNetworkStatus of a
// system and lives until the system shuts down. Indications reach every connected
// required port in the order the network thread emitted them. As for any port
// connection, the channel applies on the provider's thread shortly after
// ConnectNetworkStatus returns, and indications emitted before that are not
// delivered to it: connect before starting the traffic you want to observe.
// Requests triggered on a connected required port are applied on the network
// thread in the order they arrive.
//
// Thread-safety: ConnectNetworkStatus from any thread; the provider is a component
// (its handlers run on its own thread). Lifetime: owned by the system; it stops
// receiving indications when it is killed.
#ifndef KOMPACT_NET_NETWORK_STATUS_PROVIDER_H_
#define KOMPACT_NET_NETWORK_STATUS_PROVIDER_H_

#include <cstdint>
#include <utility>
#include <variant>

#include "absl/status/statusor.h"
#include "net/network_core.h"
#include "net/network_status.h"
#include "runtime/actor_ref.h"
#include "runtime/channel.h"
#include "runtime/component.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_system.h"
#include "runtime/port_fields.h"

namespace kompact::net {

// The component providing one system's NetworkStatusPort (see the file comment).
class NetworkStatusProvider : public ComponentDefinition<NetworkStatusProvider>,
                              public Actor<NetworkStatusIndication> {
 public:
  // Subscribes to `core`'s status indications at once (so that nothing emitted after
  // the first ConnectNetworkStatus is missed).
  explicit NetworkStatusProvider(NetworkCore* core);
  ~NetworkStatusProvider() override;

  // Unsubscribes from the network's indications.
  HandlerResult OnKill() override;
  // An indication from the network thread: triggered on the port.
  HandlerResult ReceiveLocal(NetworkStatusIndication indication);
  // Requests: applied by the network thread.
  template <typename R>
  requires std::is_constructible_v<NetworkStatusRequest, R> HandlerResult Handle(const R& request) {
    core_->Request(NetworkStatusRequest(request));
    return Handled::kOk;
  }

  // The provided NetworkStatusPort.
  static constexpr auto Ports() { return PortList(&NetworkStatusProvider::port_); }

 private:
  void Unsubscribe();

  NetworkCore* const core_;
  uint64_t listener_ = 0;
  ProvidedPort<NetworkStatusPort> port_;
};

// Connects `requirer`'s RequiredPort<NetworkStatusPort> to `system`'s provider.
// kFailedPrecondition if the system has no NetworkDispatcher (or is shutting
// down); kNotFound if `requirer` has no such port.
absl::StatusOr<Channel<NetworkStatusPort>> ConnectNetworkStatus(const KompactSystem& system,
                                                                const AnyComponent& requirer);
// The same for a shared required port reference (e.g. RequiredPort::Share()).
absl::StatusOr<Channel<NetworkStatusPort>> ConnectNetworkStatus(
    const KompactSystem& system, const RequiredPortRef<NetworkStatusPort>& port);

}  // namespace kompact::net

#endif  // KOMPACT_NET_NETWORK_STATUS_PROVIDER_H_
