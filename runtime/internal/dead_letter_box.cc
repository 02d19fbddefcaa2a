#include "runtime/internal/dead_letter_box.h"

namespace kompact::runtime_internal {

HandlerResult DeadLetterBox::ReceiveLocal(DeadLetter letter) {
  ++received_;
  int64_t suppressed = 0;
  if (limit_.Allow(&suppressed)) {
    KLOG(log(), INFO) << "dead letter: " << letter.what << " (" << letter.why << ")"
                      << (suppressed > 0 ? " [" + std::to_string(suppressed) + " more not shown]" : "");
  }
  return Handled::kOk;
}

}  // namespace kompact::runtime_internal
