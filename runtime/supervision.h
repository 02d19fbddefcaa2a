// Fault recovery (FEATURES.md V1, V2; Kompact's FaultContext / RecoveryHandler).
//
// When a handler throws or returns a recoverable error, the component becomes
// Faulty and its recovery function runs (once) to produce a RecoveryHandler, which
// the supervisor then executes on its own thread:
//
//   counter.SetRecoveryFunction([snapshot = count_](FaultContext fault) {
//     return std::move(fault).RecoverWith(
//         [snapshot](FaultContext, KompactSystem& system, const Logger& log) {
//           auto replacement = system.Create<Counter>(snapshot);
//           system.Start(replacement);
//         });
//   });
//
// The default recovery function ignores the fault (logs it). A component may
// replace its own recovery function at any time, e.g. after each change, to keep a
// snapshot current.
//
// Recovery actions run on the supervisor: they must not block on futures of other
// components (that would deadlock the supervisor); create and start new
// components instead.
#ifndef KOMPACT_RUNTIME_SUPERVISION_H_
#define KOMPACT_RUNTIME_SUPERVISION_H_

#include <string>
#include <string_view>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "base/log.h"
#include "base/uuid.h"
#include "runtime/handler_result.h"

namespace kompact {

class KompactSystem;
class RecoveryHandler;

// What went wrong, and with which component.
class FaultContext {
 public:
  // The fault `fault` of component `component_id`, of type `component_type` (the runtime
  // creates these when a component becomes Faulty).
  FaultContext(Uuid component_id, std::string component_type, absl::Status fault)
      : component_id_(component_id), component_type_(std::move(component_type)), fault_(std::move(fault)) {}

  // The faulty component's id.
  const Uuid& component_id() const { return component_id_; }
  // Its definition's type name (ComponentCore::type_name()).
  const std::string& component_type() const { return component_type_; }
  // The handler's error status, or kInternal "handler threw: <what()>".
  const absl::Status& fault() const { return fault_; }

  // A recovery action: runs once, on the supervisor, with this context, the system and the
  // supervisor's logger.
  using Action = absl::AnyInvocable<void(FaultContext, KompactSystem&, const Logger&) &&>;
  // Recover by running `action` on the supervisor.
  RecoveryHandler RecoverWith(Action action) &&;
  // Do nothing but log a warning (the default).
  RecoveryHandler Ignore() &&;

 private:
  Uuid component_id_;
  std::string component_type_;
  absl::Status fault_;
};

// What to do about a fault: the product of a recovery function (FaultContext::RecoverWith or
// Ignore), executed once by the supervisor.
class RecoveryHandler {
 public:
  // Recovery by `action`, which Recover() calls with `context` (usually made by RecoverWith).
  RecoveryHandler(FaultContext context, FaultContext::Action action)
      : context_(std::move(context)), action_(std::move(action)) {}

  // The fault this handler is for.
  const FaultContext& context() const { return context_; }
  // Runs the action (the supervisor calls this).
  void Recover(KompactSystem& system, const Logger& log) && {
    std::move(action_)(std::move(context_), system, log);
  }

 private:
  FaultContext context_;
  FaultContext::Action action_;
};

inline RecoveryHandler FaultContext::RecoverWith(Action action) && {
  return RecoveryHandler(std::move(*this), std::move(action));
}

// Kompact's default_recovery_function: ignore the fault.
RecoveryHandler DefaultRecovery(FaultContext fault);

}  // namespace kompact

#endif  // KOMPACT_RUNTIME_SUPERVISION_H_
