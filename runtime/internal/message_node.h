// Queue nodes for actor messages (FEATURES.md A1): a component's message queue
// holds local messages of its Message type (LocalMessageNode) and path-addressed
// messages (PathMessageNode, internal/path_message_delivery.h), local or from the
// network.
#ifndef KOMPACT_RUNTIME_INTERNAL_MESSAGE_NODE_H_
#define KOMPACT_RUNTIME_INTERNAL_MESSAGE_NODE_H_

#include <cstdint>
#include <utility>

#include "runtime/internal/mpsc_queue.h"

namespace kompact::runtime_internal {

enum class MessageKind : uint8_t { kLocal, kNetwork };

struct MessageNodeBase : QueueNode {
  explicit MessageNodeBase(MessageKind k) : kind(k) {}
  MessageKind kind;
};

template <typename M>
struct LocalMessageNode : MessageNodeBase {
  template <typename... Args>
  explicit LocalMessageNode(Args&&... args)
      : MessageNodeBase(MessageKind::kLocal), message(std::forward<Args>(args)...) {}
  M message;
};

}  // namespace kompact::runtime_internal

#endif  // KOMPACT_RUNTIME_INTERNAL_MESSAGE_NODE_H_
