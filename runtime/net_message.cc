#include "runtime/net_message.h"

#include <utility>

namespace kompact {

absl::StatusOr<NetMessage> NetMessage::TryClone() const {
  absl::StatusOr<NetData> data = data_.TryClone();
  if (!data.ok()) return data.status();
  NetMessage copy(sender_, receiver_, *std::move(data));
  copy.session_ = session_;
  return copy;
}

}  // namespace kompact
