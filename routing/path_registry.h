// PathRegistry: what every dispatcher shares (FEATURES.md P2-P5, S5): the lookup
// table of one system's paths (ActorStore) with its Reaper, registration of unique
// paths, aliases and routing policies, deregistration, delivery to receivers of
// this process, and the one dead-letter exit for path messages.
//
// LocalDispatcher is a PathRegistry for local://127.0.0.1:0; the network
// dispatcher (//net) is a PathRegistry for its bound address plus a transport, so
// local routing exists exactly once.
//
// Thread-safety: every member may be called from any thread (lookups and delivery
// are lock-free). Lifetime: owned by its dispatcher; Shutdown() once, when no
// component runs any more.
#ifndef KOMPACT_ROUTING_PATH_REGISTRY_H_
#define KOMPACT_ROUTING_PATH_REGISTRY_H_

#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "routing/actor_store.h"
#include "routing/reaper.h"
#include "runtime/actor_path.h"
#include "runtime/dispatcher.h"
#include "runtime/net_message.h"
#include "runtime/routing_policy.h"

namespace kompact {

// The paths of one system and delivery to them (see the file comment).
class PathRegistry {
 public:
  // A registry for `system_path`, with the kompact.dispatch.* settings of the
  // system's configuration (kInvalidArgument naming a bad key).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<PathRegistry>> Create(const DispatcherContext& context,
                                                                            SystemPath system_path);
  ~PathRegistry();
  PathRegistry(const PathRegistry&) = delete;
  PathRegistry& operator=(const PathRegistry&) = delete;

  // The address of the system whose paths this registry holds.
  const SystemPath& system_path() const { return system_path_; }
  // What the registry may use of its system (the context given at Create).
  const DispatcherContext& context() const { return context_; }

  // The operations of runtime/dispatcher.h (Dispatcher::Register, RegisterAlias,
  // SetRoutingPolicy), for this system:
  [[nodiscard]] absl::StatusOr<ActorPath> Register(ComponentCore& component);
  [[nodiscard]] absl::StatusOr<ActorPath> RegisterAlias(ComponentCore& component, std::string_view alias,
                                                        bool update);
  [[nodiscard]] absl::StatusOr<ActorPath> SetRoutingPolicy(std::shared_ptr<const RoutingPolicy> policy,
                                                           std::string_view path, bool update);
  // kInvalidArgument for a path of another system.
  [[nodiscard]] absl::Status Deregister(const ActorPath& path);

  // Delivers `message` to its receiver in this process on the calling thread (the
  // receiver's system is not checked): to the registered component, or routed over
  // a group, or a dead letter (nothing registered, an unusable marker, an empty
  // group, the dead-letter path). `origin`: where the message came from, which
  // decides whether markers route implicitly (RouteOrigin). Lock-free.
  void DeliverLocally(NetMessage&& message, RouteOrigin origin = RouteOrigin::kLocal) const;
  // Counts `message` as a dead letter, logged (rate-limited) with `why`.
  void DeadLetter(const NetMessage& message, std::string_view why) const {
    context_.DeadLetter(message, why);
  }

  // Stops the reaper and drops every registration.
  void Shutdown();

  // The lookup table of this system's paths.
  const ActorStore& store() const { return *store_; }
  // The reaper that removes the entries of destroyed components from store().
  const Reaper& reaper() const { return reaper_; }

 private:
  PathRegistry(const DispatcherContext& context, SystemPath system_path, ReaperOptions options);
  // The named path for `relative`, after inserting with `insert(path)`.
  template <typename Insert>
  absl::StatusOr<ActorPath> RegisterNamed(std::string_view relative, Insert&& insert);

  const DispatcherContext context_;
  const SystemPath system_path_;
  const std::shared_ptr<ActorStore> store_;
  Reaper reaper_;
};

}  // namespace kompact

#endif  // KOMPACT_ROUTING_PATH_REGISTRY_H_
