#include "net/network_status_provider.h"

#include <optional>
#include <string>
#include <utility>

#include "net/network_dispatcher.h"

namespace kompact::net {

NetworkStatusProvider::NetworkStatusProvider(NetworkCore* core) : core_(core) {
  // Subscribed from construction, so nothing emitted after the system's first
  // ConnectNetworkStatus is missed (a created component queues what it is sent).
  listener_ = core_->AddStatusListener([ref = actor_ref()](const NetworkStatusIndication& indication) {
    ref.Tell(NetworkStatusIndication(indication));
  });
}

NetworkStatusProvider::~NetworkStatusProvider() { Unsubscribe(); }

void NetworkStatusProvider::Unsubscribe() {
  if (listener_ != 0) core_->RemoveStatusListener(std::exchange(listener_, 0));
}

HandlerResult NetworkStatusProvider::OnKill() {
  Unsubscribe();
  return Handled::kOk;
}

HandlerResult NetworkStatusProvider::ReceiveLocal(NetworkStatusIndication indication) {
  // A fatal failure poisons the system, but only after the indication is passed on.
  std::optional<std::string> poison;
  if (const auto* f = std::get_if<CriticalNetworkFailure>(&indication); f != nullptr && !f->recovered) {
    poison = f->reason;
  }
  std::visit([this](auto&& event) { port_.Trigger(std::move(event)); }, std::move(indication));
  if (poison.has_value()) core_->PoisonSystem(*poison);
  return Handled::kOk;
}

absl::StatusOr<Channel<NetworkStatusPort>> ConnectNetworkStatus(
    const KompactSystem& system, const RequiredPortRef<NetworkStatusPort>& port) {
  NetworkDispatcher* network = NetworkDispatcher::Of(system);
  if (network == nullptr) {
    return absl::FailedPreconditionError(
        "ConnectNetworkStatus: the system has no NetworkDispatcher (configure one with "
        "KompactConfig::SetDispatcher(kompact::net::NetworkDispatcher::Factory()))");
  }
  absl::StatusOr<AnyComponent> provider = network->StatusProvider(system);
  if (!provider.ok()) return provider.status();
  absl::StatusOr<ProvidedPortRef<NetworkStatusPort>> provided =
      provider->GetProvidedPort<NetworkStatusPort>();
  if (!provided.ok()) return provided.status();
  return ConnectPorts<NetworkStatusPort>(*provided, port);
}

absl::StatusOr<Channel<NetworkStatusPort>> ConnectNetworkStatus(const KompactSystem& system,
                                                                const AnyComponent& requirer) {
  absl::StatusOr<RequiredPortRef<NetworkStatusPort>> required = requirer.GetRequiredPort<NetworkStatusPort>();
  if (!required.ok()) return required.status();
  return ConnectNetworkStatus(system, *required);
}

}  // namespace kompact::net
