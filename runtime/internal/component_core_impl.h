// What the files implementing ComponentCore (component_core.cc, component_blocking.cc)
// share: the CORE_LOG macro and the disposal of control events that will never be
// handled. Private to //runtime:runtime; include it only from those files.
//
// Thread-safety: CORE_LOG is for ComponentCore members; the Drop* functions run on
// the component's own thread (or wherever it is owned, e.g. while being destroyed)
// and take ownership of the nodes they are given.
#ifndef KOMPACT_RUNTIME_INTERNAL_COMPONENT_CORE_IMPL_H_
#define KOMPACT_RUNTIME_INTERNAL_COMPONENT_CORE_IMPL_H_

#include <cstdint>
#include <utility>

#include "absl/status/status.h"
#include "base/log.h"
#include "base/node_pool.h"
#include "runtime/component_core.h"
#include "runtime/internal/component_extras.h"
#include "runtime/internal/system_core.h"

// Logs through the component's logger only if the level is enabled, so that the
// logger (and the extras holding it) is not created for every component.
#define CORE_LOG(level)                                                        \
  if (!system_->logger().IsEnabled(::kompact::log_internal::kLevel_##level)) { \
  } else                                                                       \
    KLOG(logger(), level)

namespace kompact::runtime_internal {

// Disposes of a control event that will never be handled, telling whoever waits.
inline void DropControlNode(ControlNode* node, const absl::Status& why) {
  if (node->kind == ControlNode::Kind::kResume) {
    ComponentResumeContext::Cancel(*node->resumption, why);
  }
  if (node->done) std::move(node->done)(why);
  base_internal::DeleteNode(node);
}

// Disposes of every control event of `list` (linked through `next`), each told
// the status `why()` returns; returns how many there were.
template <typename Why>
uint32_t DropControlList(QueueNode* list, Why why) {
  uint32_t dropped = 0;
  for (QueueNode* n = list; n != nullptr; ++dropped) {
    auto* node = static_cast<ControlNode*>(n);
    n = n->next.load(std::memory_order_relaxed);
    DropControlNode(node, why());
  }
  return dropped;
}

}  // namespace kompact::runtime_internal

#endif  // KOMPACT_RUNTIME_INTERNAL_COMPONENT_CORE_IMPL_H_
