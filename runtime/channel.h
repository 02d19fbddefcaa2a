// Connecting ports (FEATURES.md C4).
//
//   absl::StatusOr<Channel<CounterPort>> channel =
//       BiconnectComponents<CounterPort>(counter, display);   // provider, requirer
//   ...
//   channel->Disconnect();
//
// Connections are applied on each component's own thread (through its control
// queue, before any later Start), so connecting takes no lock and never blocks or
// deadlocks; called from a component's own handler, that component's side applies
// at once. One provided port may connect to many required ports and vice versa.
// Events already triggered before a connection applies are not delivered to it.
//
// Thread-safety: all functions may be called from any thread. A Channel holds weak
// references; it never keeps components alive.
#ifndef KOMPACT_RUNTIME_CHANNEL_H_
#define KOMPACT_RUNTIME_CHANNEL_H_

#include <cstdint>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"
#include "runtime/component.h"
#include "runtime/internal/core_refs.h"
#include "runtime/port_fields.h"

namespace kompact {

namespace runtime_internal {
// Runs `fn` on `core`'s thread: at once if that is the calling thread, else through
// its control queue. False if the component no longer accepts control events.
bool ApplyOnOwnThread(ComponentCore& core, absl::AnyInvocable<void(ComponentCore&) &&> fn);
absl::Status NotConnectable(ComponentCore& core, std::string_view side);
}  // namespace runtime_internal

// A connection between a provided and a required port of type P.
template <PortType P>
class Channel {
 public:
  // The connection's identifier, unique in the process (starting at 1).
  uint64_t id() const { return id_; }

  // Removes the connection on both sides. Idempotent. Errors only if a side no
  // longer accepts control events (it is then dead, and its side is gone anyway).
  absl::Status Disconnect() {
    absl::Status status = absl::OkStatus();
    const uint64_t id = id_;
    if (ComponentCore* p = provider_.get()) {
      ProvidedPort<P>* port = provided_;
      if (!runtime_internal::ApplyOnOwnThread(*p, [port, id](ComponentCore&) { port->links().Remove(id); })) {
        status = runtime_internal::NotConnectable(*p, "provider");
      }
    }
    if (ComponentCore* r = requirer_.get()) {
      RequiredPort<P>* port = required_;
      if (!runtime_internal::ApplyOnOwnThread(*r, [port, id](ComponentCore&) { port->links().Remove(id); })) {
        status.Update(runtime_internal::NotConnectable(*r, "requirer"));
      }
    }
    return status;
  }

 private:
  template <PortType Q>
  friend absl::StatusOr<Channel<Q>> ConnectPorts(const ProvidedPortRef<Q>&, const RequiredPortRef<Q>&);
  Channel(runtime_internal::WeakCoreRef provider, ProvidedPort<P>* provided,
          runtime_internal::WeakCoreRef requirer, RequiredPort<P>* required, uint64_t id)
      : provider_(std::move(provider)),
        provided_(provided),
        requirer_(std::move(requirer)),
        required_(required),
        id_(id) {}

  runtime_internal::WeakCoreRef provider_;
  ProvidedPort<P>* provided_;
  runtime_internal::WeakCoreRef requirer_;
  RequiredPort<P>* required_;
  uint64_t id_;
};

// Connects two ports (obtained with Share() or Get{Provided,Required}Port).
template <PortType P>
absl::StatusOr<Channel<P>> ConnectPorts(const ProvidedPortRef<P>& provided,
                                        const RequiredPortRef<P>& required) {
  if (!provided.valid() || !required.valid()) {
    return absl::InvalidArgumentError("ConnectPorts: an empty port reference");
  }
  using runtime_internal::WeakCoreRef;
  const uint64_t id = runtime_internal::NextChannelId();
  ComponentCore* provider = provided.component();
  ComponentCore* requirer = required.component();
  // The provider sends indications into the required port's queue, and vice versa.
  ProvidedPort<P>* provided_port = provided.port();
  RequiredPort<P>* required_port = required.port();
  // Connecting to a destroyed or faulty component is refused (if it dies later,
  // its peers prune the link on their next Trigger).
  if (provider->IsDestroyed() || provider->IsFaulty())
    return runtime_internal::NotConnectable(*provider, "provider");
  if (requirer->IsDestroyed() || requirer->IsFaulty())
    return runtime_internal::NotConnectable(*requirer, "requirer");
  if (!runtime_internal::ApplyOnOwnThread(*provider, [provided_port, peer = WeakCoreRef(requirer),
                                                      queue = required.queue(), id](ComponentCore&) mutable {
        provided_port->links().Add({std::move(peer), queue, id});
      })) {
    return runtime_internal::NotConnectable(*provider, "provider");
  }
  if (!runtime_internal::ApplyOnOwnThread(*requirer, [required_port, peer = WeakCoreRef(provider),
                                                      queue = provided.queue(), id](ComponentCore&) mutable {
        required_port->links().Add({std::move(peer), queue, id});
      })) {
    // Undo the provider's half, which would only ever see a dead peer.
    runtime_internal::ApplyOnOwnThread(
        *provider, [provided_port, id](ComponentCore&) { provided_port->links().Remove(id); });
    return runtime_internal::NotConnectable(*requirer, "requirer");
  }
  return Channel<P>(WeakCoreRef(provider), provided_port, WeakCoreRef(requirer), required_port, id);
}

// Connects the provided port of type P of `provider` with the required port of
// type P of `requirer` (Kompact's biconnect_components). NotFound if either lacks it.
template <PortType P>
absl::StatusOr<Channel<P>> BiconnectComponents(const AnyComponent& provider, const AnyComponent& requirer) {
  absl::StatusOr<ProvidedPortRef<P>> provided = provider.GetProvidedPort<P>();
  if (!provided.ok()) return provided.status();
  absl::StatusOr<RequiredPortRef<P>> required = requirer.GetRequiredPort<P>();
  if (!required.ok()) return required.status();
  return ConnectPorts<P>(*provided, *required);
}

// Connects two port fields that the caller may touch: e.g. inside a handler, a
// component's own port with a port of a component it has just created and not
// yet started. For other components' ports use their Share()d references.
template <PortType P>
absl::StatusOr<Channel<P>> BiconnectPorts(ProvidedPort<P>& provided, RequiredPort<P>& required) {
  return ConnectPorts<P>(provided.Share(), required.Share());
}

}  // namespace kompact

#endif  // KOMPACT_RUNTIME_CHANNEL_H_
