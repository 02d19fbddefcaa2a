// Sending by path (ActorPath::Tell and friends, PathSender) and the path API of
// KompactSystem and of component definitions.
#include <memory>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"
#include "base/status.h"
#include "runtime/actor_path.h"
#include "runtime/component.h"
#include "runtime/component_definition.h"
#include "runtime/dispatcher.h"
#include "runtime/internal/system_core.h"
#include "runtime/kompact_system.h"
#include "runtime/net_message.h"

namespace kompact {
namespace {

using runtime_internal::SystemCore;

absl::StatusOr<Dispatcher*> DispatcherOf(SystemCore* core, std::string_view operation) {
  Dispatcher* dispatcher = core->dispatcher();
  if (dispatcher == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(AsAbsl(operation), ": ", AsAbsl(kNoDispatcherError)));
  }
  return dispatcher;
}

// The dispatcher, after checking that `component` may be registered in `core`.
absl::StatusOr<Dispatcher*> RegistrationDispatcher(SystemCore* core, ComponentCore* component,
                                                   std::string_view operation) {
  KOMPACT_ASSIGN_OR_RETURN(Dispatcher * dispatcher, DispatcherOf(core, operation));
  if (component == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(AsAbsl(operation), ": empty component handle"));
  }
  if (&component->system_core() != core) {
    return absl::InvalidArgumentError(
        absl::StrCat(AsAbsl(operation), ": component ", component->id().ToString(), " belongs to system ",
                     component->system_core().label(), ", not to ", core->label()));
  }
  if (!component->ReceivesNetworkMessages()) {
    return absl::InvalidArgumentError(absl::StrCat(
        AsAbsl(operation), ": component ", component->id().ToString(), " (", AsAbsl(component->type_name()),
        ") cannot receive path-addressed messages; define ReceiveNetwork(NetMessage) or derive "
        "NetworkActor<M>"));
  }
  return dispatcher;
}

void Dispatch(SystemCore* core, NetMessage&& message) {
  Dispatcher* dispatcher = core->dispatcher();
  if (ABSL_PREDICT_FALSE(dispatcher == nullptr)) {
    DispatcherContext(core).DeadLetter(message, kNoDispatcherError);
    return;
  }
  dispatcher->Deliver(std::move(message));
}

}  // namespace

// ---- PathSender and sending ---------------------------------------------------------------------

PathSender::PathSender(const runtime_internal::DefinitionBase& component)
    : path_(ActorPath::Unique(component.core().system_core().system_path(), component.id())),
      system_(&component.core().system_core()) {}

PathSender::PathSender(const AnyComponent& component)
    : path_(ActorPath::Unique(component.core()->system_core().system_path(), component.id())),
      system_(&component.core()->system_core()) {}

PathSender::PathSender(const KompactSystem& system)
    : path_(system.core()->system_path().DeadLetters()), system_(system.core()) {}

namespace runtime_internal {
void SendByPath(const ActorPath& to, const PathSender& from, NetData data) {
  Dispatch(from.system(), NetMessage(from.path(), to, std::move(data)));
}
}  // namespace runtime_internal

absl::Status ActorPath::TellPreserialised(const NetData& data, const PathSender& from) const {
  if (!data.is_serialised()) {
    return absl::InvalidArgumentError(
        "TellPreserialised: the data is not serialised (it is boxed or empty); make it with "
        "NetData::Serialise");
  }
  KOMPACT_ASSIGN_OR_RETURN(NetData copy, data.TryClone());
  runtime_internal::SendByPath(*this, from, std::move(copy));
  return absl::OkStatus();
}

void ActorPath::Forward(NetMessage message, const PathSender& via) const {
  message.set_receiver(*this);
  Dispatch(via.system(), std::move(message));
}

void ActorPath::ForwardWithSender(NetMessage message, const PathSender& from) const {
  message.set_receiver(*this);
  message.set_sender(from.path());
  Dispatch(from.system(), std::move(message));
}

PathSender ActorPath::Via(const PathSender& via) const { return PathSender(*this, via.system()); }

// ---- the system's path API ------------------------------------------------------------------------

Future<ActorPath> KompactSystem::Register(RegistrationTarget component) const {
  absl::StatusOr<Dispatcher*> d = RegistrationDispatcher(core_, component.core(), "Register");
  if (!d.ok()) return MakeReadyFuture<ActorPath>(d.status());
  return MakeReadyFuture<ActorPath>((*d)->Register(*component.core()));
}

Future<ActorPath> KompactSystem::RegisterByAlias(RegistrationTarget component, std::string_view alias) const {
  absl::StatusOr<Dispatcher*> d = RegistrationDispatcher(core_, component.core(), "RegisterByAlias");
  if (!d.ok()) return MakeReadyFuture<ActorPath>(d.status());
  return MakeReadyFuture<ActorPath>((*d)->RegisterAlias(*component.core(), alias, /*update=*/false));
}

Future<ActorPath> KompactSystem::UpdateAliasRegistration(RegistrationTarget component,
                                                         std::string_view alias) const {
  absl::StatusOr<Dispatcher*> d = RegistrationDispatcher(core_, component.core(), "UpdateAliasRegistration");
  if (!d.ok()) return MakeReadyFuture<ActorPath>(d.status());
  return MakeReadyFuture<ActorPath>((*d)->RegisterAlias(*component.core(), alias, /*update=*/true));
}

Future<void> KompactSystem::Deregister(const ActorPath& path) const {
  absl::StatusOr<Dispatcher*> d = DispatcherOf(core_, "Deregister");
  if (!d.ok()) return MakeReadyFuture<void>(d.status());
  return MakeReadyFuture<void>((*d)->Deregister(path));
}

Future<ActorPath> KompactSystem::SetRoutingPolicy(std::shared_ptr<const RoutingPolicy> policy,
                                                  std::string_view path, bool update) const {
  absl::StatusOr<Dispatcher*> d = DispatcherOf(core_, "SetRoutingPolicy");
  if (!d.ok()) return MakeReadyFuture<ActorPath>(d.status());
  if (policy == nullptr)
    return MakeReadyFuture<ActorPath>(absl::InvalidArgumentError("SetRoutingPolicy: null policy"));
  return MakeReadyFuture<ActorPath>((*d)->SetRoutingPolicy(std::move(policy), path, update));
}

ActorPath KompactSystem::ActorPathFor(const AnyComponent& component) const {
  return ActorPath::Unique(core_->system_path(), component.id());
}

kompact::SystemPath KompactSystem::SystemPath() const { return core_->system_path(); }

Dispatcher* KompactSystem::dispatcher() const { return core_->dispatcher(); }

ActorPath KompactSystem::DeadletterPath() const { return core_->system_path().DeadLetters(); }

ActorPath runtime_internal::DefinitionBase::actor_path() const {
  return ActorPath::Unique(core_->system_core().system_path(), id());
}

}  // namespace kompact
