#include "routing/local_dispatcher.h"

#include <utility>

#include "base/status.h"

namespace kompact {

absl::StatusOr<std::unique_ptr<LocalDispatcher>> LocalDispatcher::Create(const DispatcherContext& context) {
  KOMPACT_ASSIGN_OR_RETURN(std::unique_ptr<PathRegistry> registry,
                           PathRegistry::Create(context, SystemPath(Transport::kLocal, IpAddress::Loopback(), 0)));
  return std::unique_ptr<LocalDispatcher>(new LocalDispatcher(std::move(registry)));
}

absl::StatusOr<std::unique_ptr<Dispatcher>> LocalDispatcher::Factory(const DispatcherContext& context) {
  KOMPACT_ASSIGN_OR_RETURN(std::unique_ptr<LocalDispatcher> dispatcher, Create(context));
  return std::unique_ptr<Dispatcher>(std::move(dispatcher));
}

LocalDispatcher::~LocalDispatcher() = default;

absl::StatusOr<ActorPath> LocalDispatcher::Register(ComponentCore& component) {
  return registry_->Register(component);
}

absl::StatusOr<ActorPath> LocalDispatcher::RegisterAlias(ComponentCore& component, std::string_view alias,
                                                         bool update) {
  return registry_->RegisterAlias(component, alias, update);
}

absl::StatusOr<ActorPath> LocalDispatcher::SetRoutingPolicy(std::shared_ptr<const RoutingPolicy> policy,
                                                            std::string_view path, bool update) {
  return registry_->SetRoutingPolicy(std::move(policy), path, update);
}

absl::Status LocalDispatcher::Deregister(const ActorPath& path) { return registry_->Deregister(path); }

void LocalDispatcher::Deliver(NetMessage&& message) {
  if (ABSL_PREDICT_FALSE(message.receiver().system() != registry_->system_path())) {
    registry_->DeadLetter(
        message,
        "the receiver is on another system; the local dispatcher delivers only inside its own (a "
        "network dispatcher is needed)");
    return;
  }
  registry_->DeliverLocally(std::move(message));
}

void LocalDispatcher::Shutdown() { registry_->Shutdown(); }

}  // namespace kompact
