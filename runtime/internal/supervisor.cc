#include "runtime/internal/supervisor.h"

#include <utility>

#include "runtime/internal/system_core.h"
#include "runtime/kompact_system.h"

namespace kompact::runtime_internal {

HandlerResult Supervisor::ReceiveLocal(SupervisorMessage message) {
  ComponentCore* child = message.component.get();
  KLOG(log(), WARNING) << "component " << child->id() << " (" << child->type_name() << ") is faulty";
  if (core().system_core().state() != SystemCore::State::kRunning) {
    KLOG(log(), WARNING) << "not running its recovery: the system is shutting down";
    return Handled::kOk;
  }
  KompactSystem sys = system();
  try {
    std::move(message.recovery).Recover(sys, log());
  } catch (...) {
    KLOG(log(), ERROR) << "recovery action for " << child->id() << ": " << DescribeCurrentException();
  }
  return Handled::kOk;
}

}  // namespace kompact::runtime_internal
