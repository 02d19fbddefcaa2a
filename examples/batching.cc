#include "examples/batching.h"

#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "runtime/channel.h"

namespace examples {

// [tutorial:run_buncher]
int RunBuncher(const kompact::KompactSystem& system, const kompact::AnyComponent& buncher) {
  kompact::Component<BatchPrinter> printer = system.Create<BatchPrinter>();
  absl::StatusOr<kompact::Channel<Batching>> channel =
      kompact::BiconnectComponents<Batching>(buncher, printer);
  absl::StatusOr<kompact::ProvidedPortRef<Batching>> batching = buncher.GetProvidedPort<Batching>();
  if (!channel.ok() || !batching.ok()) {
    KLOG(system.logger(), ERROR) << "cannot connect the buncher: " << channel.status() << " "
                                 << batching.status();
    return 1;
  }
  system.Start(printer);
  system.Start(buncher);

  uint64_t id = 0;
  const auto send = [&] {
    absl::Status sent = system.TriggerRequest(*batching, Ping{id++});
    if (!sent.ok()) KLOG(system.logger(), ERROR) << sent;
  };
  // These should usually trigger full batches: five Pings every millisecond.
  for (int i = 0; i < 100; ++i) {
    for (int j = 0; j < 5; ++j) send();
    absl::SleepFor(absl::Milliseconds(1));
  }
  // These should usually trigger batches on timeout: a Ping every two milliseconds.
  for (int i = 0; i < 500; ++i) {
    send();
    absl::SleepFor(absl::Milliseconds(2));
  }

  absl::Status shutdown = system.Shutdown();
  if (!shutdown.ok()) {
    KLOG(system.logger(), ERROR) << shutdown;
    return 1;
  }
  return 0;
}
// [end]

}  // namespace examples
