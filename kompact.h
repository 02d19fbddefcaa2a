// kompact-cpp in one include (Kompact's `prelude`): components, ports, actors,
// futures and tasks, the system and its configuration, actor paths, routing and
// serialisation, and the network dispatcher. Link `@kompact//:kompact` (the runtime
// plus //routing, so every system gets the local dispatcher for paths and
// routing, plus //net for systems that talk to others).
//
//   `#include "kompact.h"`
//
//   int main() {
//     kompact::KompactSystem system = kompact::KompactConfig().Build().value();
//     ...
//   }
#ifndef KOMPACT_KOMPACT_H_
#define KOMPACT_KOMPACT_H_

#include "base/config.h"                   // IWYU pragma: export
#include "base/log.h"                      // IWYU pragma: export
#include "executors/future.h"              // IWYU pragma: export
#include "executors/spawn.h"               // IWYU pragma: export
#include "executors/task.h"                // IWYU pragma: export
#include "net/net.h"                       // IWYU pragma: export
#include "routing/routing.h"               // IWYU pragma: export
#include "runtime/actor_path.h"            // IWYU pragma: export
#include "runtime/actor_ref.h"             // IWYU pragma: export
#include "runtime/async.h"                 // IWYU pragma: export
#include "runtime/channel.h"               // IWYU pragma: export
#include "runtime/component.h"             // IWYU pragma: export
#include "runtime/component_definition.h"  // IWYU pragma: export
#include "runtime/dispatcher.h"            // IWYU pragma: export
#include "runtime/handler_result.h"        // IWYU pragma: export
#include "runtime/kompact_config.h"        // IWYU pragma: export
#include "runtime/kompact_system.h"        // IWYU pragma: export
#include "runtime/lifecycle.h"             // IWYU pragma: export
#include "runtime/net_message.h"           // IWYU pragma: export
#include "runtime/network_actor.h"         // IWYU pragma: export
#include "runtime/never.h"                 // IWYU pragma: export
#include "runtime/port.h"                  // IWYU pragma: export
#include "runtime/port_fields.h"           // IWYU pragma: export
#include "runtime/routing_policy.h"        // IWYU pragma: export
#include "runtime/supervision.h"           // IWYU pragma: export
#include "serialisation/serialisation.h"   // IWYU pragma: export

#endif  // KOMPACT_KOMPACT_H_
