#include "examples/counter.h"

#include <ostream>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/config.h"
#include "runtime/kompact_config.h"

namespace examples {

using kompact::Ask;
using kompact::Handled;
using kompact::HandlerResult;

std::ostream& operator<<(std::ostream& os, const CurrentCount& count) {
  return os << "messages=" << count.messages << " events=" << count.events;
}

// [tutorial:behaviour]
HandlerResult Counter::OnStart() {
  KLOG(log(), INFO) << "Got a start event!";
  ++event_count_;
  return Handled::kOk;
}

HandlerResult Counter::OnStop() {
  KLOG(log(), INFO) << "Got a stop event!";
  ++event_count_;
  return Handled::kOk;
}

HandlerResult Counter::OnKill() {
  KLOG(log(), INFO) << "Got a kill event!";
  ++event_count_;
  return Handled::kOk;
}

HandlerResult Counter::Handle(const CountMe&) {
  KLOG(log(), INFO) << "Got a counter event!";
  ++event_count_;
  counter_port_.Trigger(current_count());
  return Handled::kOk;
}

HandlerResult Counter::ReceiveLocal(Ask<CountMe, CurrentCount> ask) {
  ask.Complete([this](const CountMe&) {
    KLOG(log(), INFO) << "Got a message!";
    ++msg_count_;
    return current_count();
  });
  return Handled::kOk;
}
// [end]

// [tutorial:run]
int RunCounters(const kompact::KompactSystem& system) {
  absl::StatusOr<std::string> executor = system.config().Get(kompact::config_keys::kExecutor);
  KLOG(system.logger(), INFO) << "Running on " << system.executor().num_threads() << " thread(s) of the "
                              << executor.value_or("?") << " executor";

  kompact::Component<Counter> counter = system.Create<Counter>();
  system.Start(counter);
  kompact::ActorRef<Ask<CountMe, CurrentCount>> actor_ref = counter.actor_ref();
  absl::StatusOr<kompact::ProvidedPortRef<CounterPort>> port_ref = counter.GetProvidedPort<CounterPort>();
  if (!port_ref.ok()) {
    KLOG(system.logger(), ERROR) << port_ref.status();
    return 1;
  }

  // Component style: 100 requests on the port. Where do the answers go? To every
  // required port connected to it: there is none, so nobody sees them.
  for (int i = 0; i < 100; ++i) {
    absl::Status sent = system.TriggerRequest(*port_ref, CountMe{});
    if (!sent.ok()) KLOG(system.logger(), ERROR) << sent;
  }
  // Actor style: 100 asks, each answered with the counts at that moment. The
  // events above are handled in between, fairly (kompact.runtime.message-priority).
  for (int i = 0; i < 100; ++i) {
    absl::StatusOr<CurrentCount> current_count = actor_ref.Ask(CountMe{}).Wait();
    if (!current_count.ok()) {
      KLOG(system.logger(), ERROR) << current_count.status();
      return 1;
    }
    KLOG(system.logger(), INFO) << "The current count is: " << *current_count;
  }
  absl::StatusOr<CurrentCount> final_count = actor_ref.Ask(CountMe{}).Wait();
  if (!final_count.ok()) {
    KLOG(system.logger(), ERROR) << final_count.status();
    return 1;
  }
  KLOG(system.logger(), INFO) << "The final count is: " << *final_count;

  absl::Status shutdown = system.Shutdown();
  if (!shutdown.ok()) {
    KLOG(system.logger(), ERROR) << shutdown;
    return 1;
  }
  return 0;
}
// [end]

}  // namespace examples
