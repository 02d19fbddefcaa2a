// Registering a component that cannot receive path-addressed messages.
// EXPECT-ERROR: only components that receive path-addressed messages can be registered
#include "runtime/kompact_system.h"

class Plain : public kompact::ComponentDefinition<Plain> {};

kompact::Future<kompact::ActorPath> Register(kompact::KompactSystem& system) {
  kompact::Component<Plain> c = system.Create<Plain>();
  return system.Register(c);
}
