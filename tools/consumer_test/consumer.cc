// A program of another project that uses kompact from @kompact//...: a system, a
// component that is an actor, an ask, a clean shutdown.
#include <iostream>

#include "base/build_config.h"
#include "base/log.h"
#include "runtime/actor_ref.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"
#include "serialisation/ser_id.h"

// What kompact's code was built with (--config=asan|tsan|ubsan, from tools/kompact.bazelrc).
const char* SanitizerName() {
  switch (kompact::kSanitizer) {
    case kompact::Sanitizer::kAddress:
      return "asan";
    case kompact::Sanitizer::kThread:
      return "tsan";
    case kompact::Sanitizer::kUndefined:
      return "ubsan";
    case kompact::Sanitizer::kNone:
      break;
  }
  return "none";
}

class Doubler : public kompact::ComponentDefinition<Doubler>, public kompact::Actor<kompact::Ask<int, int>> {
 public:
  kompact::HandlerResult ReceiveLocal(kompact::Ask<int, int> ask) {
    ask.Reply(ask.request() * 2);
    return kompact::Handled::kOk;
  }
};

int main() {
  auto system = kompact::KompactConfig().Threads(1).Build();
  if (!system.ok()) {
    std::cerr << system.status() << std::endl;
    return 1;
  }
  auto doubler = system->Create<Doubler>();
  if (!system->StartNotify(doubler).Wait().ok()) return 1;
  absl::StatusOr<int> answer = doubler.actor_ref().Ask(21).Wait();
  KLOG(system->logger(), INFO) << "consumer asked, got " << (answer.ok() ? *answer : -1);
  if (!system->Shutdown().ok()) return 1;
  std::cout << "consumer ok " << (answer.ok() ? *answer : -1) << " (sanitizer: " << SanitizerName()
            << ", SerId bits: " << kompact::kSerIdBits << ")" << std::endl;
  return answer.ok() && *answer == 42 ? 0 : 1;
}
