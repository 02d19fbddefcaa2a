// Handles to components: AnyComponent (type-erased) and Component<C>.
//
//   Component<Counter> counter = system.Create<Counter>(initial);
//   system.Start(counter);
//   ...
//   system.AwaitTermination();
//   EXPECT_EQ(counter.definition().count(), 5);   // safe: nothing runs any more
//
// A handle is a strong reference (like Kompact's Arc<Component<C>>): the component
// lives while a handle exists or while it is started (its supervisor holds it), and
// while events for it are queued. Copy a handle to share it; it is cheap (one
// atomic increment).
//
// Thread-safety: handles may be copied and used from any thread. definition()
// gives unsynchronised access to the definition object: use it only where no
// handler can run concurrently (before Start, after the system terminated, or
// from the component's own handlers); otherwise use OnDefinition (runtime/async.h)
// or messages.
#ifndef KOMPACT_RUNTIME_COMPONENT_H_
#define KOMPACT_RUNTIME_COMPONENT_H_

#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"
#include "base/uuid.h"
#include "executors/future.h"
#include "runtime/actor_ref.h"
#include "runtime/component_core.h"
#include "runtime/component_definition.h"
#include "runtime/internal/core_refs.h"
#include "runtime/lifecycle.h"
#include "runtime/port_fields.h"

namespace kompact {

// A handle to a component of any type (Kompact's `Arc<dyn AbstractComponent>`); see the file
// comment. A default-constructed or Reset() handle is empty: on it, use only operator bool, core(),
// comparison and assignment.
class AnyComponent {
 public:
  // An empty handle, or the handle owning `ref` (KompactSystem::Create makes them).
  AnyComponent() = default;
  explicit AnyComponent(runtime_internal::StrongCoreRef ref) : ref_(std::move(ref)) {}

  // False for an empty handle.
  explicit operator bool() const { return static_cast<bool>(ref_); }
  // The component's core (nullptr for an empty handle).
  ComponentCore* core() const { return ref_.get(); }
  // The component's identity and state, as in ComponentCore (the handle must not be empty):
  const Uuid& id() const { return ref_->id(); }
  std::string_view type_name() const { return ref_->type_name(); }
  LifecycleState lifecycle() const { return ref_->lifecycle(); }
  bool IsActive() const { return ref_->IsActive(); }
  bool IsDestroyed() const { return ref_->IsDestroyed(); }
  bool IsFaulty() const { return ref_->IsFaulty(); }
  // Replaces the component's recovery function (FEATURES.md V2).
  void SetRecoveryFunction(RecoveryFunction fn) const { ref_->SetRecoveryFunction(std::move(fn)); }
  // Drops this handle's reference.
  void Reset() { ref_.Reset(); }

  // FEATURES.md C10: the component's provided / required port of type P (the first one
  // listed in Ports()), or NotFound if it has none:
  template <PortType P>
  absl::StatusOr<ProvidedPortRef<P>> GetProvidedPort() const {
    auto* port = static_cast<ProvidedPort<P>*>(ref_->FindPort(typeid(P), /*provided=*/true));
    if (port == nullptr) return NotFound("provided", typeid(P).name());
    return port->Share();
  }
  template <PortType P>
  absl::StatusOr<RequiredPortRef<P>> GetRequiredPort() const {
    auto* port = static_cast<RequiredPort<P>*>(ref_->FindPort(typeid(P), /*provided=*/false));
    if (port == nullptr) return NotFound("required", typeid(P).name());
    return port->Share();
  }

  // The actor reference of a type-erased component, if its message type is M
  // (Kompact's `AbstractComponent<Message = M>::actor_ref`); kInvalidArgument otherwise.
  template <typename M>
  absl::StatusOr<ActorRef<M>> actor_ref() const {
    if (ref_->message_type() != typeid(M)) {
      return absl::InvalidArgumentError(absl::StrCat("component ", ref_->id().ToString(), " (",
                                                     AsAbsl(ref_->type_name()),
                                                     ") does not take messages of type ", typeid(M).name()));
    }
    return ActorRef<M>(ref_.get());
  }

  // True if both handles refer to the same component, or both are empty.
  friend bool operator==(const AnyComponent& a, const AnyComponent& b) { return a.ref_ == b.ref_; }

 protected:
  runtime_internal::StrongCoreRef ref_;  // null for an empty handle

 private:
  absl::Status NotFound(std::string_view direction, const char* port) const {
    return absl::NotFoundError(absl::StrCat("component ", ref_->id().ToString(), " (",
                                            AsAbsl(ref_->type_name()), ") has no ", AsAbsl(direction),
                                            " port of type ", port));
  }
};

template <typename C>
// A handle to a component whose definition is a C: an AnyComponent with typed access to the
// definition and actor reference. Converts implicitly to AnyComponent.
class Component : public AnyComponent {
 public:
  // An empty handle, or the handle owning `ref` (KompactSystem::Create makes them).
  Component() = default;
  explicit Component(runtime_internal::StrongCoreRef ref) : AnyComponent(std::move(ref)) {}

  // Unsynchronised access; see the file comment.
  C& definition() const { return static_cast<C&>(*ref_->definition()); }
  // The component's actor reference (ActorRef<Never> if it is not an actor).
  auto actor_ref() const { return ActorRef<typename runtime_internal::MessageTypeOf<C>::type>(ref_.get()); }

  // Runs `f(C&)` on the component's own thread (between its events, with
  // exclusive access, whatever its state) and returns a future of the result.
  // Fails with kCancelled if the component can no longer run it.
  template <typename F>
  auto OnDefinition(F&& f) const -> Future<std::invoke_result_t<F&, C&>> {
    using R = std::invoke_result_t<F&, C&>;
    auto [promise, future] = MakePromise<R>();
    ref_->RunOnOwnThread([f = std::forward<F>(f), p = std::move(promise)](ComponentCore& core) mutable {
      C& definition = static_cast<C&>(*core.definition());
      if constexpr (std::is_void_v<R>) {
        f(definition);
        p.Fulfil();
      } else {
        p.Fulfil(f(definition));
      }
    });
    return std::move(future);
  }
};

}  // namespace kompact

#endif  // KOMPACT_RUNTIME_COMPONENT_H_
