// The network layer (FEATURES.md N1-N10): include this and depend on
// `@kompact//net` to let a system talk to other systems.
//
//   auto system = kompact::KompactConfig()
//       .SetDispatcher(kompact::net::NetworkDispatcher::Factory())  // kompact.net.* keys
//       .Build();
#ifndef KOMPACT_NET_NET_H_
#define KOMPACT_NET_NET_H_

#include "net/network_config.h"           // IWYU pragma: export
#include "net/network_dispatcher.h"       // IWYU pragma: export
#include "net/network_status.h"           // IWYU pragma: export
#include "net/network_status_provider.h"  // IWYU pragma: export

#endif  // KOMPACT_NET_NET_H_
