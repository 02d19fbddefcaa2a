// The supervisor system component (FEATURES.md V1): tracks started supervised
// components (holding a strong reference to each), runs recovery handlers of
// faulty ones, and kills all of them on shutdown.
//
// Thread-safety: a component; all state is touched on its own thread, except
// ReleaseAllChildren, which KompactSystem calls once the executor has stopped.
#ifndef KOMPACT_RUNTIME_INTERNAL_SUPERVISOR_H_
#define KOMPACT_RUNTIME_INTERNAL_SUPERVISOR_H_

#include <cstddef>
#include <optional>

#include "executors/future.h"
#include "runtime/component_definition.h"
#include "runtime/handler_result.h"
#include "runtime/internal/core_refs.h"
#include "runtime/supervision.h"

namespace kompact::runtime_internal {

struct SupervisorMessage {
  enum class Kind : uint8_t { kStarted, kStopped, kKilled, kFaulty, kShutdown };
  Kind kind;
  StrongCoreRef component;                // all but kShutdown
  std::optional<RecoveryHandler> recovery;  // kFaulty
  std::optional<Promise<void>> done;        // kShutdown
};

class Supervisor : public ComponentDefinition<Supervisor> {
 public:
  using Message = SupervisorMessage;

  Supervisor() = default;
  ~Supervisor() override;

  HandlerResult ReceiveLocal(SupervisorMessage message);

  // Drops the references to all children. Only when nothing runs any more.
  void ReleaseAllChildren();
  size_t children() const { return children_; }

 private:
  void Link(ComponentCore* child);
  // True if `child` was a child (its reference is released).
  bool Unlink(ComponentCore* child);
  void FinishShutdownIfDone();

  ComponentCore* first_child_ = nullptr;
  size_t children_ = 0;
  std::optional<Promise<void>> shutdown_;
};

}  // namespace kompact::runtime_internal

#endif  // KOMPACT_RUNTIME_INTERNAL_SUPERVISOR_H_
