// A network actor receives path messages through Receive; ReceiveNetwork as well is ambiguous.
// EXPECT-ERROR: it must not also define ReceiveNetwork(NetMessage)
#include <optional>
#include <string>

#include "runtime/kompact_system.h"
#include "runtime/network_actor.h"

class Both : public kompact::ComponentDefinition<Both>, public kompact::NetworkActor<std::string> {
 public:
  kompact::HandlerResult Receive(std::optional<kompact::ActorPath>, std::string) {
    return kompact::Handled::kOk;
  }
  kompact::HandlerResult ReceiveNetwork(kompact::NetMessage) { return kompact::Handled::kOk; }
};

kompact::Component<Both> Make(kompact::KompactSystem& system) { return system.Create<Both>(); }
