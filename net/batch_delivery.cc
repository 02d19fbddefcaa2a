#include "net/batch_delivery.h"

#include <utility>

#include "absl/base/optimization.h"
#include "net/path_table.h"

namespace kompact::net {

void BatchDelivery::Deliver(NetMessage&& message) {
  if (ABSL_PREDICT_FALSE(!guard_.has_value())) {
    registry_.DeliverLocally(std::move(message));
    return;
  }
  const ActorPath& to = message.receiver();
  if (actor_ == nullptr || !SamePath(to, receiver_)) {
    if (ABSL_PREDICT_FALSE(to.is_dead_letter_path())) {
      registry_.DeliverLocally(std::move(message));
      return;
    }
    const LookupResult found = registry_.store().Lookup(to, *guard_);
    if (found.kind != LookupResult::Kind::kActor) {
      // Groups, nothing registered, errors: the registry's own way (it looks up again).
      actor_ = nullptr;
      registry_.DeliverLocally(std::move(message));
      return;
    }
    receiver_ = to;
    actor_ = found.actor;  // valid while guard_ lives
  }
  registry_.context().DeliverTo(*actor_, std::move(message));
}

}  // namespace kompact::net
