// RegistryDispatcher: the part of a Dispatcher that is the same for every kind —
// registration, aliases, routing policies and deregistration are those of its
// PathRegistry. LocalDispatcher and the network dispatcher derive from it and add
// only what differs: Deliver (where a message goes) and Shutdown.
//
// Thread-safety: see runtime/dispatcher.h (every member, any thread). Lifetime:
// owns its registry.
#ifndef KOMPACT_ROUTING_REGISTRY_DISPATCHER_H_
#define KOMPACT_ROUTING_REGISTRY_DISPATCHER_H_

#include <memory>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "routing/path_registry.h"
#include "runtime/dispatcher.h"

namespace kompact {

// A Dispatcher whose registration is its PathRegistry's; a subclass adds Deliver and
// Shutdown (see the file comment).
class RegistryDispatcher : public Dispatcher {
 public:
  // The registry's system path.
  const SystemPath& system_path() const final { return registry_->system_path(); }
  // Dispatcher::Register, by the registry.
  absl::StatusOr<ActorPath> Register(ComponentCore& component) final {
    return registry_->Register(component);
  }
  // Dispatcher::RegisterAlias, by the registry.
  absl::StatusOr<ActorPath> RegisterAlias(ComponentCore& component, std::string_view alias,
                                          bool update) final {
    return registry_->RegisterAlias(component, alias, update);
  }
  // Dispatcher::SetRoutingPolicy, by the registry.
  absl::StatusOr<ActorPath> SetRoutingPolicy(std::shared_ptr<const RoutingPolicy> policy,
                                             std::string_view path, bool update) final {
    return registry_->SetRoutingPolicy(std::move(policy), path, update);
  }
  // Dispatcher::Deregister, by the registry.
  absl::Status Deregister(const ActorPath& path) final { return registry_->Deregister(path); }

  // The registry (read-only).
  const PathRegistry& registry() const { return *registry_; }

 protected:
  // A dispatcher over `registry` (owned from now on).
  explicit RegistryDispatcher(std::unique_ptr<PathRegistry> registry) : registry_(std::move(registry)) {}
  // The registry, for the subclass's Deliver and Shutdown.
  PathRegistry& registry() { return *registry_; }

 private:
  const std::unique_ptr<PathRegistry> registry_;
};

}  // namespace kompact

#endif  // KOMPACT_ROUTING_REGISTRY_DISPATCHER_H_
