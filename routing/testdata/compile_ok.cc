// The control of routing's compile-fail test: the same headers, used correctly.
#include <optional>
#include <string>

#include "runtime/kompact_system.h"
#include "runtime/network_actor.h"

class Receiver : public kompact::ComponentDefinition<Receiver> {
 public:
  kompact::HandlerResult ReceiveNetwork(kompact::NetMessage) { return kompact::Handled::kOk; }
};

class Net : public kompact::ComponentDefinition<Net>, public kompact::NetworkActor<std::string> {
 public:
  kompact::HandlerResult Receive(std::optional<kompact::ActorPath>, std::string) {
    return kompact::Handled::kOk;
  }
};

kompact::Future<kompact::ActorPath> Register(kompact::KompactSystem& system) {
  kompact::Component<Receiver> c = system.Create<Receiver>();
  kompact::Component<Net> n = system.Create<Net>();
  (void)system.RegisterByAlias(n, "net");
  return system.Register(c);
}
