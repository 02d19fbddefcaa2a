// BatchDelivery: local delivery of the messages of one receive batch (the frames
// decoded from one read) with per-batch instead of per-message overhead. Between
// Begin and End it holds one registry read guard (so the registry's own guard per
// message is only a nested counter) and remembers the last receiver it resolved to
// a single actor: a stream of messages to one component looks its path up once per
// batch, not once per message.
//
// Semantics are DeliverLocally's: groups (routing policies), the dead-letter path,
// unknown paths and errors go through PathRegistry::DeliverLocally unchanged; a
// destroyed or faulty component makes the message a counted dead letter
// (DispatcherContext::DeliverTo). A registration changed while a batch is being
// delivered is seen from the next batch on (a batch is one read, so at most a
// chunk's worth of frames), as if those messages had arrived just before it.
//
// Thread-safety: not thread-safe; used by the network thread only. Lifetime: the
// registry must outlive it; End must follow every Begin on the same thread.
#ifndef KOMPACT_NET_BATCH_DELIVERY_H_
#define KOMPACT_NET_BATCH_DELIVERY_H_

#include <optional>

#include "routing/actor_store.h"
#include "routing/path_registry.h"
#include "runtime/actor_path.h"
#include "runtime/net_message.h"

namespace kompact::net {

class BatchDelivery {
 public:
  explicit BatchDelivery(const PathRegistry& registry) : registry_(registry) {}
  BatchDelivery(const BatchDelivery&) = delete;
  BatchDelivery& operator=(const BatchDelivery&) = delete;

  // Brackets one batch (nesting is counted: only the outermost pair acts).
  void Begin() {
    if (depth_++ == 0) guard_.emplace();
  }
  void End() {
    if (--depth_ == 0) {
      actor_ = nullptr;
      guard_.reset();
    }
  }
  bool in_batch() const { return depth_ > 0; }

  // Delivers `message` to its receiver in this process (outside a batch: exactly
  // PathRegistry::DeliverLocally).
  void Deliver(NetMessage&& message);

 private:
  const PathRegistry& registry_;
  int depth_ = 0;
  std::optional<ActorStore::ReadGuard> guard_;
  // The last receiver resolved to one actor in this batch (actor_ null: none).
  ActorPath receiver_;
  ComponentCore* actor_ = nullptr;
};

}  // namespace kompact::net

#endif  // KOMPACT_NET_BATCH_DELIVERY_H_
