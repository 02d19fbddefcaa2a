#include "runtime/kompact_system.h"

#include <utility>

namespace kompact {
namespace {

Future<void> SendWithNotify(const AnyComponent& component, ControlEvent event) {
  auto [promise, future] = MakePromise<void>();
  component.core()->SendLifecycle(
      event, [p = std::move(promise)](absl::Status status) mutable { p.Complete(std::move(status)); });
  return std::move(future);
}

}  // namespace

KompactSystem::KompactSystem(runtime_internal::SystemCore* core) : core_(core) { core_->Ref(); }
KompactSystem::KompactSystem(const KompactSystem& other) : KompactSystem(other.core_) {}
KompactSystem::KompactSystem(KompactSystem&& other) noexcept : core_(other.core_) { core_->Ref(); }
KompactSystem& KompactSystem::operator=(KompactSystem other) noexcept {
  std::swap(core_, other.core_);
  return *this;
}
KompactSystem::~KompactSystem() { core_->Unref(); }

void KompactSystem::Start(const AnyComponent& component) const {
  component.core()->SendLifecycle(ControlEvent::kStart);
}
Future<void> KompactSystem::StartNotify(const AnyComponent& component) const {
  return SendWithNotify(component, ControlEvent::kStart);
}
void KompactSystem::Stop(const AnyComponent& component) const {
  component.core()->SendLifecycle(ControlEvent::kStop);
}
Future<void> KompactSystem::StopNotify(const AnyComponent& component) const {
  return SendWithNotify(component, ControlEvent::kStop);
}
void KompactSystem::Kill(const AnyComponent& component) const {
  component.core()->SendLifecycle(ControlEvent::kKill);
}
Future<void> KompactSystem::KillNotify(const AnyComponent& component) const {
  return SendWithNotify(component, ControlEvent::kKill);
}

absl::Status KompactSystem::Shutdown() const { return core_->Shutdown(); }
void KompactSystem::ShutdownAsync() const { core_->ShutdownAsync(); }
absl::Status KompactSystem::KillSystem() const { return core_->Kill(); }
void KompactSystem::AwaitTermination() const { core_->AwaitTermination(); }
bool KompactSystem::AwaitTerminationFor(absl::Duration timeout) const {
  return core_->AwaitTerminationFor(timeout);
}
Future<void> KompactSystem::Terminated() const { return core_->Terminated(); }
bool KompactSystem::IsTerminated() const { return core_->terminated(); }

}  // namespace kompact
