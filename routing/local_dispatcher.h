// LocalDispatcher: the default dispatcher (FEATURES.md P2-P5, S5): registration,
// aliases, routing policies and path-addressed delivery inside one process, on
// an ActorStore, with a Reaper for dead entries. Its system path is
// local://127.0.0.1:0; paths of other systems are dead letters (sending to them
// needs the network dispatcher, which reuses ActorStore, Reaper and
// DeliverLocally).
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
#include "routing/reaper.h"
#include "runtime/actor_path.h"
#include "runtime/dispatcher.h"
#include "runtime/net_message.h"

namespace kompact {

// Delivers `message` to its receiver through `store` on the calling thread (the
// receiver's system is not checked): to the registered component, or routed over a
// group, or a dead letter (nothing registered, an unusable marker, an empty group,
// the dead-letter path). Lock-free.
void DeliverLocally(const ActorStore& store, const DispatcherContext& context, NetMessage&& message);

class LocalDispatcher final : public Dispatcher {
 public:
  // Reads kompact.dispatch.* from the system's configuration.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<LocalDispatcher>> Create(
      const DispatcherContext& context);
  // Create as a DispatcherFactory / DefaultDispatcherFactoryFn.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Dispatcher>> Factory(const DispatcherContext& context);

  ~LocalDispatcher() override;

  const SystemPath& system_path() const override { return system_path_; }
  absl::StatusOr<ActorPath> Register(ComponentCore& component) override;
  absl::StatusOr<ActorPath> RegisterAlias(ComponentCore& component, std::string_view alias,
                                          bool update) override;
  absl::StatusOr<ActorPath> SetRoutingPolicy(std::shared_ptr<const RoutingPolicy> policy,
                                             std::string_view path, bool update) override;
  absl::Status Deregister(const ActorPath& path) override;
  void Deliver(NetMessage&& message) override;
  void Shutdown() override;

  const ActorStore& store() const { return *store_; }
  const Reaper& reaper() const { return reaper_; }

 private:
  LocalDispatcher(const DispatcherContext& context, ReaperOptions options);
  // The named path for `relative`, after inserting with `insert(segments)`.
  template <typename Insert>
  absl::StatusOr<ActorPath> RegisterNamed(std::string_view relative, Insert&& insert);

  const DispatcherContext context_;
  const SystemPath system_path_;
  const std::shared_ptr<ActorStore> store_;
  Reaper reaper_;
};

}  // namespace kompact

#endif  // KOMPACT_ROUTING_LOCAL_DISPATCHER_H_
