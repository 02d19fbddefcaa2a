// A network actor must handle its message type.
// EXPECT-ERROR: a NetworkActor<M> needs `HandlerResult Receive(std::optional<kompact::ActorPath> sender, M)`
#include <string>

#include "runtime/kompact_system.h"
#include "runtime/network_actor.h"

class Deaf : public kompact::ComponentDefinition<Deaf>, public kompact::NetworkActor<std::string> {};

kompact::Component<Deaf> Make(kompact::KompactSystem& system) { return system.Create<Deaf>(); }
