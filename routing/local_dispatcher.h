// LocalDispatcher: the default dispatcher (FEATURES.md P2-P5, S5): registration,
// aliases, routing policies and path-addressed delivery inside one process — a
// PathRegistry (routing/path_registry.h) for the system path local://127.0.0.1:0.
// Paths of other systems are dead letters (sending to them needs the network
// dispatcher, //net, the same registry plus a transport).
//
// Linking //routing:local_dispatcher (or //routing, //:kompact) makes it every
// system's default (registered at static initialisation); KompactConfig::
// SetDispatcher(LocalDispatcher::Factory) names it explicitly. Configuration:
// the kompact.dispatch.* keys of routing/reaper.h, validated at Build().
//
// Thread-safety: see runtime/dispatcher.h (every member, any thread).
#ifndef KOMPACT_ROUTING_LOCAL_DISPATCHER_H_
#define KOMPACT_ROUTING_LOCAL_DISPATCHER_H_

#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "routing/actor_store.h"
#include "routing/path_registry.h"
#include "routing/reaper.h"
#include "runtime/actor_path.h"
#include "runtime/dispatcher.h"
#include "runtime/net_message.h"

namespace kompact {

class LocalDispatcher final : public Dispatcher {
 public:
  // Reads kompact.dispatch.* from the system's configuration.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<LocalDispatcher>> Create(
      const DispatcherContext& context);
  // Create as a DispatcherFactory / DefaultDispatcherFactoryFn.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Dispatcher>> Factory(const DispatcherContext& context);

  ~LocalDispatcher() override;

  const SystemPath& system_path() const override { return registry_->system_path(); }
  absl::StatusOr<ActorPath> Register(ComponentCore& component) override;
  absl::StatusOr<ActorPath> RegisterAlias(ComponentCore& component, std::string_view alias,
                                          bool update) override;
  absl::StatusOr<ActorPath> SetRoutingPolicy(std::shared_ptr<const RoutingPolicy> policy,
                                             std::string_view path, bool update) override;
  absl::Status Deregister(const ActorPath& path) override;
  void Deliver(NetMessage&& message) override;
  void Shutdown() override;

  const ActorStore& store() const { return registry_->store(); }
  const Reaper& reaper() const { return registry_->reaper(); }

 private:
  explicit LocalDispatcher(std::unique_ptr<PathRegistry> registry) : registry_(std::move(registry)) {}

  const std::unique_ptr<PathRegistry> registry_;
};

}  // namespace kompact

#endif  // KOMPACT_ROUTING_LOCAL_DISPATCHER_H_
