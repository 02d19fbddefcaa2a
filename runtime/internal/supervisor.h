// The supervisor system component (FEATURES.md V1, V2): runs the recovery
// handlers of faulty components, one at a time, on its own thread. (Which
// components are supervised is tracked by ChildRegistry, without messages.)
//
// Thread-safety: a component; its state is touched on its own thread.
#ifndef KOMPACT_RUNTIME_INTERNAL_SUPERVISOR_H_
#define KOMPACT_RUNTIME_INTERNAL_SUPERVISOR_H_

#include "runtime/component_definition.h"
#include "runtime/handler_result.h"
#include "runtime/internal/core_refs.h"
#include "runtime/supervision.h"

namespace kompact::runtime_internal {

// A faulty component and what its recovery function decided.
struct SupervisorMessage {
  StrongCoreRef component;
  RecoveryHandler recovery;
};

class Supervisor : public ComponentDefinition<Supervisor> {
 public:
  using Message = SupervisorMessage;
  HandlerResult ReceiveLocal(SupervisorMessage message);
};

}  // namespace kompact::runtime_internal

#endif  // KOMPACT_RUNTIME_INTERNAL_SUPERVISOR_H_
