#include "runtime/internal/supervisor.h"

#include <exception>
#include <utility>

#include "runtime/kompact_system.h"

namespace kompact::runtime_internal {

Supervisor::~Supervisor() { ReleaseAllChildren(); }

void Supervisor::Link(ComponentCore* child) {
  child->supervision_prev_ = nullptr;
  child->supervision_next_ = first_child_;
  if (first_child_ != nullptr) first_child_->supervision_prev_ = child;
  first_child_ = child;
  ++children_;
}

bool Supervisor::Unlink(ComponentCore* child) {
  const bool linked = child->supervision_prev_ != nullptr || first_child_ == child;
  if (!linked) return false;
  if (child->supervision_prev_ != nullptr) {
    child->supervision_prev_->supervision_next_ = child->supervision_next_;
  } else {
    first_child_ = child->supervision_next_;
  }
  if (child->supervision_next_ != nullptr) child->supervision_next_->supervision_prev_ = child->supervision_prev_;
  child->supervision_prev_ = child->supervision_next_ = nullptr;
  --children_;
  child->ReleaseStrongRef();  // the list's reference
  return true;
}

void Supervisor::ReleaseAllChildren() {
  while (first_child_ != nullptr) Unlink(first_child_);
}

void Supervisor::FinishShutdownIfDone() {
  if (shutdown_ && children_ == 0) {
    KLOG(log(), DEBUG) << "last child is gone; supervisor shutdown complete";
    std::exchange(shutdown_, std::nullopt)->Fulfil();
  }
}

HandlerResult Supervisor::ReceiveLocal(SupervisorMessage message) {
  using Kind = SupervisorMessage::Kind;
  ComponentCore* child = message.component.get();
  switch (message.kind) {
    case Kind::kStarted: {
      const bool linked = child->supervision_prev_ != nullptr || first_child_ == child;
      if (!linked) Link(message.component.Release());
      KLOG(log(), DEBUG) << "component " << child->id() << " (" << child->type_name() << ") started";
      if (shutdown_) {
        KLOG(log(), WARNING) << "component " << child->id() << " started during shutdown; killing it";
        child->SendLifecycle(ControlEvent::kKill);
      }
      break;
    }
    case Kind::kStopped:
      KLOG(log(), DEBUG) << "component " << child->id() << " stopped";
      break;
    case Kind::kKilled:
      if (!Unlink(child)) KLOG(log(), DEBUG) << "untracked component " << child->id() << " was killed";
      FinishShutdownIfDone();
      break;
    case Kind::kFaulty: {
      Unlink(child);
      KLOG(log(), WARNING) << "component " << child->id() << " (" << child->type_name() << ") is faulty";
      if (shutdown_) {
        KLOG(log(), WARNING) << "not running its recovery: the system is shutting down";
      } else if (message.recovery) {
        KompactSystem sys = system();
        try {
          std::move(*message.recovery).Recover(sys, log());
        } catch (...) {
          KLOG(log(), ERROR) << "recovery action for " << child->id() << ": " << DescribeCurrentException();
        }
      }
      FinishShutdownIfDone();
      break;
    }
    case Kind::kShutdown:
      shutdown_ = std::move(message.done);
      KLOG(log(), DEBUG) << "shutdown requested; killing " << children_ << " children";
      for (ComponentCore* c = first_child_; c != nullptr; c = c->supervision_next_) {
        c->SendLifecycle(ControlEvent::kKill);
      }
      FinishShutdownIfDone();
      break;
  }
  return Handled::kOk;
}

}  // namespace kompact::runtime_internal
