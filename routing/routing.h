// Paths, lookup and routing (FEATURES.md P1-P5) in one include: the lookup table,
// the routing policies, the reaper, the path registry and the local dispatcher. Linking //routing
// also makes LocalDispatcher the default dispatcher of every system.
#ifndef KOMPACT_ROUTING_ROUTING_H_
#define KOMPACT_ROUTING_ROUTING_H_

#include "routing/actor_store.h"       // IWYU pragma: export
#include "routing/local_dispatcher.h"  // IWYU pragma: export
#include "routing/path_registry.h"     // IWYU pragma: export
#include "routing/policies.h"          // IWYU pragma: export
#include "routing/reaper.h"            // IWYU pragma: export
#include "routing/routing_config.h"    // IWYU pragma: export

#endif  // KOMPACT_ROUTING_ROUTING_H_
