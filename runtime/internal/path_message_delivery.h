// The queue node that carries a NetMessage into a component's message queue
// (MessageKind::kNetwork), and the lock-free enqueue used by dispatchers.
// Internal to //runtime: ComponentCell<C> handles these nodes, DispatcherContext
// creates them.
#ifndef KOMPACT_RUNTIME_INTERNAL_PATH_MESSAGE_DELIVERY_H_
#define KOMPACT_RUNTIME_INTERNAL_PATH_MESSAGE_DELIVERY_H_

#include <utility>

#include "absl/base/optimization.h"
#include "base/node_pool.h"
#include "runtime/component_core.h"
#include "runtime/internal/message_node.h"
#include "runtime/net_message.h"

namespace kompact::runtime_internal {

struct PathMessageNode : MessageNodeBase {
  explicit PathMessageNode(NetMessage&& m) : MessageNodeBase(MessageKind::kNetwork), message(std::move(m)) {}
  NetMessage message;
};

// Queues `message` at `core`. On failure (the component no longer accepts events)
// returns false with `message` intact.
inline bool TryEnqueuePathMessage(ComponentCore& core, NetMessage& message) {
  auto* node = base_internal::NewNode<PathMessageNode>(std::move(message));
  if (ABSL_PREDICT_TRUE(core.EnqueueMessage(node))) return true;
  message = std::move(node->message);
  base_internal::DeleteNode(node);
  return false;
}

}  // namespace kompact::runtime_internal

#endif  // KOMPACT_RUNTIME_INTERNAL_PATH_MESSAGE_DELIVERY_H_
