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
#include "routing/registry_dispatcher.h"
#include "runtime/actor_path.h"
#include "runtime/dispatcher.h"
#include "runtime/net_message.h"

namespace kompact {

// The dispatcher of a system without a network (see the file comment): its
// registry's registration, and delivery inside this process only.
class LocalDispatcher final : public RegistryDispatcher {
 public:
  // Reads kompact.dispatch.* from the system's configuration.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<LocalDispatcher>> Create(
      const DispatcherContext& context);
  // Create as a DispatcherFactory / DefaultDispatcherFactoryFn.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Dispatcher>> Factory(const DispatcherContext& context);

  ~LocalDispatcher() override;

  // Delivers `message` to its receiver in this process (PathRegistry::DeliverLocally);
  // a receiver on another system is a dead letter.
  void Deliver(NetMessage&& message) override;
  // Stops the reaper and drops every registration (PathRegistry::Shutdown).
  void Shutdown() override;

  // The registry's lookup table (for tests and introspection).
  const ActorStore& store() const { return registry().store(); }
  // The registry's reaper (for tests and introspection).
  const Reaper& reaper() const { return registry().reaper(); }

 private:
  explicit LocalDispatcher(std::unique_ptr<PathRegistry> registry)
      : RegistryDispatcher(std::move(registry)) {}
};

}  // namespace kompact

#endif  // KOMPACT_ROUTING_LOCAL_DISPATCHER_H_
