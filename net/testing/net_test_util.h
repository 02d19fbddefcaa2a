// Helpers for network tests: systems with a NetworkDispatcher on loopback port 0,
// and access to a system's network dispatcher (its counters, its port).
//
// Thread-safety: as the underlying types. Every wait is bounded.
#ifndef KOMPACT_NET_TESTING_NET_TEST_UTIL_H_
#define KOMPACT_NET_TESTING_NET_TEST_UTIL_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "net/network_config.h"
#include "net/network_dispatcher.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"
#include "runtime/net_message.h"

namespace kompact::net_testing {

// A config for tests: fast retries and heartbeats so failures show within a second.
inline net::NetworkConfig TestNetworkConfig() {
  net::NetworkConfig c;
  c.bind_address = "127.0.0.1";
  c.port = 0;
  c.retry_interval = absl::Milliseconds(50);
  c.max_retry_attempts = 5;
  c.heartbeat_interval = absl::Milliseconds(50);
  c.heartbeat_timeout = absl::Milliseconds(500);
  c.handshake_timeout = absl::Seconds(2);
  c.shutdown_timeout = absl::Seconds(2);
  return c;
}

// A one-thread system labelled `label` whose NetworkDispatcher uses `config`;
// the errors of KompactConfig::Build (e.g. an occupied port).
inline absl::StatusOr<KompactSystem> NetSystem(net::NetworkConfig config = TestNetworkConfig(),
                                               std::string label = "net-test") {
  return KompactConfig()
      .Label(std::move(label))
      .Threads(1)
      .SetDispatcher(net::NetworkDispatcher::Factory(std::move(config)))
      .Build();
}

// The NetworkDispatcher of `system`, which must have one (not checked).
inline const net::NetworkDispatcher& NetworkOf(const KompactSystem& system) {
  return *static_cast<const net::NetworkDispatcher*>(system.dispatcher());
}

}  // namespace kompact::net_testing

#endif  // KOMPACT_NET_TESTING_NET_TEST_UTIL_H_
