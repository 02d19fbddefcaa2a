// The Counter of the counters examples (the Kompact book's "Internal State"
// chapter): a component that counts the events it gets on its port and the
// messages it gets as an actor, and answers both with the current counts.
// counters.cc, counters_single_thread.cc and counters_shared_queue.cc run it on
// differently configured systems (RunCounters).
#ifndef KOMPACT_EXAMPLES_COUNTER_H_
#define KOMPACT_EXAMPLES_COUNTER_H_

#include <cstdint>
#include <ostream>

#include "runtime/actor_ref.h"
#include "runtime/component_definition.h"
#include "runtime/handler_result.h"
#include "runtime/kompact_system.h"
#include "runtime/port.h"
#include "runtime/port_fields.h"

namespace examples {

// [tutorial:messages]
struct CurrentCount {
  uint64_t messages = 0;
  uint64_t events = 0;
};
std::ostream& operator<<(std::ostream& os, const CurrentCount& count);

struct CountMe {};

struct CounterPort : kompact::Port<kompact::Requests<CountMe>, kompact::Indications<CurrentCount>> {};
// [end]

// [tutorial:state]
class Counter : public kompact::ComponentDefinition<Counter>,
                public kompact::Actor<kompact::Ask<CountMe, CurrentCount>> {
 public:
  kompact::HandlerResult OnStart() override;
  kompact::HandlerResult OnStop() override;
  kompact::HandlerResult OnKill() override;
  // Requests on the provided CounterPort.
  kompact::HandlerResult Handle(const CountMe& event);
  // Actor messages.
  kompact::HandlerResult ReceiveLocal(kompact::Ask<CountMe, CurrentCount> ask);

  static constexpr auto Ports() { return kompact::PortList(&Counter::counter_port_); }

 private:
  CurrentCount current_count() const { return CurrentCount{.messages = msg_count_, .events = event_count_}; }

  kompact::ProvidedPort<CounterPort> counter_port_;
  uint64_t msg_count_ = 0;
  uint64_t event_count_ = 0;
};
// [end]

// Creates a Counter on `system`, sends it 100 events and 100 asks, logs the
// answers and shuts the system down. Returns main()'s exit code.
int RunCounters(const kompact::KompactSystem& system);

}  // namespace examples

#endif  // KOMPACT_EXAMPLES_COUNTER_H_
