// Out-of-line pieces of small runtime headers: names of enums, the default
// recovery, channel helpers and the definition's context accessors.
#include <atomic>
#include <ostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"
#include "runtime/actor_ref.h"
#include "runtime/channel.h"
#include "runtime/component.h"
#include "runtime/component_definition.h"
#include "runtime/handler_result.h"
#include "runtime/kompact_system.h"
#include "runtime/lifecycle.h"
#include "runtime/supervision.h"

namespace kompact {

std::string_view LifecycleStateName(LifecycleState state) {
  switch (state) {
    case LifecycleState::kPassive:
      return "Passive";
    case LifecycleState::kActive:
      return "Active";
    case LifecycleState::kDestroyed:
      return "Destroyed";
    case LifecycleState::kFaulty:
      return "Faulty";
  }
  return "Unknown";
}

std::string_view ControlEventName(ControlEvent event) {
  switch (event) {
    case ControlEvent::kStart:
      return "Start";
    case ControlEvent::kStop:
      return "Stop";
    case ControlEvent::kKill:
      return "Kill";
  }
  return "Unknown";
}

std::ostream& operator<<(std::ostream& os, FaultSeverity severity) {
  switch (severity) {
    case FaultSeverity::kBenign:
      return os << "benign";
    case FaultSeverity::kRecoverable:
      return os << "recoverable";
    case FaultSeverity::kUnrecoverable:
      return os << "unrecoverable";
  }
  return os << "unknown";
}

RecoveryHandler FaultContext::Ignore() && {
  return std::move(*this).RecoverWith([](FaultContext fault, KompactSystem&, const Logger& log) {
    KLOG(log, WARNING) << "ignoring fault of component " << fault.component_id() << " ("
                       << fault.component_type() << "): " << fault.fault();
  });
}

RecoveryHandler DefaultRecovery(FaultContext fault) { return std::move(fault).Ignore(); }

namespace runtime_internal {

uint64_t NextChannelId() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

bool ApplyOnOwnThread(ComponentCore& core, absl::AnyInvocable<void(ComponentCore&) &&> fn) {
  if (core.IsCurrent()) {
    std::move(fn)(core);
    return true;
  }
  return core.RunOnOwnThread(std::move(fn));
}

absl::Status NotConnectable(ComponentCore& core, std::string_view side) {
  const bool dead = core.IsDestroyed() && core.lifecycle() != LifecycleState::kDestroyed;
  return absl::FailedPreconditionError(absl::StrCat(
      "cannot connect: the ", AsAbsl(side), " component ", core.id().ToString(), " (",
      AsAbsl(core.type_name()), ") is ", dead ? "dead" : AsAbsl(LifecycleStateName(core.lifecycle()))));
}

void ReportDeadLetter(ComponentCore* target, std::string_view message_type) {
  target->system_core().DeadLetter(target, message_type);
}

KompactSystem DefinitionBase::system() const { return KompactSystem(&core_->system_core()); }

AnyComponent DefinitionBase::component() const { return AnyComponent(StrongCoreRef(core_)); }

const Config& DefinitionBase::config() const { return core_->system_core().config(); }

}  // namespace runtime_internal
}  // namespace kompact
