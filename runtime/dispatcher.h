// The dispatcher: the system component that owns the path lookup table and
// delivers path-addressed messages (FEATURES.md P2-P5, N7, R1; Kompact's
// Dispatcher / system_components).
//
// The runtime only defines the interface. //routing implements LocalDispatcher
// (the default: paths and routing inside the process); the network layer will
// implement a network dispatcher on the same lookup table. A system gets its
// dispatcher from KompactConfig::SetDispatcher(factory) or, by default, from the
// factory that //routing registers when it is linked (`@kompact//routing` or
// `@kompact//:kompact`). Without any, everything but paths works, and path APIs
// fail with kFailedPrecondition (kNoDispatcherError).
//
// Delivery runs on the sending thread: Deliver looks the receiver up in a lock-free
// table and queues the message at the receiving component directly (no hop through
// a dispatcher component, no serialisation of local messages).
//
// The system path: KompactConfig::Build reads system_path() once, right after the
// factory returns and before any path is handed out (SystemCore::InstallDispatcher
// copies it), and it never changes afterwards. So a dispatcher must know its
// address inside its factory: a network dispatcher binds its socket there, and
// port 0 then yields the real port in every path of the system.
//
// Thread-safety: every Dispatcher member may be called from any thread, including
// from handlers, and must never block on other components. Lifetime: owned by the
// system; Shutdown() is called once all components have stopped, and the object is
// destroyed with the system.
#ifndef KOMPACT_RUNTIME_DISPATCHER_H_
#define KOMPACT_RUNTIME_DISPATCHER_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/config.h"
#include "base/log.h"
#include "executors/executor.h"
#include "runtime/actor_path.h"
#include "runtime/net_message.h"
#include "runtime/routing_policy.h"
#include "timer/timer.h"

namespace kompact {

class ComponentCore;
namespace runtime_internal {
class SystemCore;
}  // namespace runtime_internal

// The message of path APIs used on a system without a dispatcher.
inline constexpr std::string_view kNoDispatcherError =
    "no dispatcher: depend on @kompact//routing or @kompact//:kompact";

// What a dispatcher may use of its system. A cheap value; valid while the system
// lives (a dispatcher may keep a copy). Every member may be called from any thread.
class DispatcherContext {
 public:
  // Made by the runtime (KompactConfig::Build) for the system `core`.
  explicit DispatcherContext(runtime_internal::SystemCore* core) : core_(core) {}

  const Config& config() const;      // The system's configuration (e.g. kompact.dispatch.* values).
  const Logger& logger() const;      // The system's logger.
  const std::string& label() const;  // The system's label (as on its log lines).
  Timer& timer() const;              // The system's timer.
  Executor& executor() const;        // The executor the system's components run on.

  // Queues `message` for `component` (its ReceiveNetwork or network-actor Receive).
  // If the component no longer accepts events, counts a dead letter and returns
  // false. Lock-free; the component's memory must be alive (a table entry's weak
  // reference keeps it).
  bool DeliverTo(ComponentCore& component, NetMessage&& message) const;
  // Counts `message` as a dead letter; `why` ("no actor registered at this path") is
  // logged with its sender, receiver and type, rate-limited.
  void DeadLetter(const NetMessage& message, std::string_view why) const;
  // The system's dead-letter count (R4).
  uint64_t dead_letters() const;
  // True once the system has begun shutting down.
  bool shutting_down() const;
  // A fault the dispatcher cannot recover from (e.g. its network thread died):
  // marks the system poisoned and shuts it down (V4), logging `reason`.
  void Poison(std::string_view reason) const;

 private:
  runtime_internal::SystemCore* core_;
};

// The interface of a system's dispatcher (see the file comment): //routing's
// LocalDispatcher and the network dispatcher of //net implement it.
class Dispatcher {
 public:
  virtual ~Dispatcher() = default;

  // This system's address: every path of a component of this system starts with it.
  virtual const SystemPath& system_path() const = 0;

  // ---- registration (P2) ----------------------------------------------------------
  // `component` belongs to this system and can receive network messages (the system
  // checks both before calling).
  // The unique path `<system>#<id>`. Registering the same component again is OK.
  [[nodiscard]] virtual absl::StatusOr<ActorPath> Register(ComponentCore& component) = 0;
  // The named path `<system>/<alias>`. kAlreadyExists if something (a component or a
  // policy) is registered there, unless `update` (then it is replaced);
  // kInvalidArgument for an invalid alias.
  [[nodiscard]] virtual absl::StatusOr<ActorPath> RegisterAlias(ComponentCore& component,
                                                                std::string_view alias, bool update) = 0;
  // A routing policy at `<system>/<path>` (P4); same errors as RegisterAlias.
  [[nodiscard]] virtual absl::StatusOr<ActorPath> SetRoutingPolicy(
      std::shared_ptr<const RoutingPolicy> policy, std::string_view path, bool update) = 0;
  // Removes what is registered at exactly `path` (a unique path's component, or a
  // named path's component or policy; the subtree below stays). kNotFound if nothing
  // is; kInvalidArgument for a path of another system or with a marker.
  [[nodiscard]] virtual absl::Status Deregister(const ActorPath& path) = 0;

  // ---- delivery (P5, S5, N7) ---------------------------------------------------------
  // Delivers `message` (consumed) to message.receiver() on the calling thread;
  // what cannot be delivered becomes a dead letter.
  virtual void Deliver(NetMessage&& message) = 0;

  // Called once at system shutdown, when no component runs any more: drop every
  // registration and stop background work. Later Deliver calls are dead letters.
  virtual void Shutdown() = 0;
};

// Makes a system's dispatcher; called once by KompactConfig::Build. An error fails
// the Build (e.g. an invalid kompact.dispatch.* value).
using DispatcherFactory =
    absl::AnyInvocable<absl::StatusOr<std::unique_ptr<Dispatcher>>(const DispatcherContext&) &&>;
// A DispatcherFactory as a plain function pointer, the form the default factory is
// registered in.
using DefaultDispatcherFactoryFn = absl::StatusOr<std::unique_ptr<Dispatcher>> (*)(const DispatcherContext&);

// The factory Build uses when KompactConfig::SetDispatcher was not called. //routing
// registers LocalDispatcher here during static initialisation. Thread-safe.
void SetDefaultDispatcherFactory(DefaultDispatcherFactoryFn factory);
// The registered default factory; nullptr if none was (//routing is not linked).
DefaultDispatcherFactoryFn GetDefaultDispatcherFactory();

}  // namespace kompact

#endif  // KOMPACT_RUNTIME_DISPATCHER_H_
