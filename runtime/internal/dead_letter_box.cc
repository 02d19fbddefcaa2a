#include "runtime/internal/dead_letter_box.h"

namespace kompact::runtime_internal {

HandlerResult DeadLetterBox::ReceiveLocal(DeadLetter letter) {
  ++received_;
  KLOG(log(), INFO) << "dead letter: " << letter.what << " (" << letter.why << ")";
  return Handled::kOk;
}

}  // namespace kompact::runtime_internal
