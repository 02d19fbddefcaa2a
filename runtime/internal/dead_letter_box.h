// The dead-letter system component (FEATURES.md R4): receives descriptions of
// messages that could not be delivered and logs them (SystemCore::DeadLetter
// counts every one and rate-limits what it sends here).
#ifndef KOMPACT_RUNTIME_INTERNAL_DEAD_LETTER_BOX_H_
#define KOMPACT_RUNTIME_INTERNAL_DEAD_LETTER_BOX_H_

#include <cstdint>
#include <string>

#include "base/log.h"
#include "runtime/component_definition.h"

namespace kompact::runtime_internal {

struct DeadLetter {
  std::string what;  // e.g. "message of type Ping to <path>"
  std::string why;   // e.g. "no such actor"
};

class DeadLetterBox : public ComponentDefinition<DeadLetterBox> {
 public:
  using Message = DeadLetter;
  HandlerResult ReceiveLocal(DeadLetter letter);
  uint64_t received() const { return received_; }

 private:
  uint64_t received_ = 0;
};

}  // namespace kompact::runtime_internal

#endif  // KOMPACT_RUNTIME_INTERNAL_DEAD_LETTER_BOX_H_
