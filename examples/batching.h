// What the three buncher examples share (the Kompact book's "Timers" chapter):
// the Batching port, the BatchPrinter that logs each batch it receives, and the
// driver that sends two waves of Pings.
#ifndef KOMPACT_EXAMPLES_BATCHING_H_
#define KOMPACT_EXAMPLES_BATCHING_H_

#include <cstdint>
#include <vector>

#include "runtime/component.h"
#include "runtime/component_definition.h"
#include "runtime/handler_result.h"
#include "runtime/kompact_system.h"
#include "runtime/port.h"
#include "runtime/port_fields.h"

namespace examples {

// [tutorial:batching]
struct Ping {
  uint64_t id;
};

struct Batch {
  std::vector<Ping> pings;
};

// A Batching provider collects Ping requests and indicates them in Batches.
struct Batching : kompact::Port<kompact::Requests<Ping>, kompact::Indications<Batch>> {};

class BatchPrinter : public kompact::ComponentDefinition<BatchPrinter> {
 public:
  kompact::HandlerResult Handle(const Batch& batch) {
    KLOG(log(), INFO) << "Got a batch with " << batch.pings.size() << " Pings.";
    return kompact::Handled::kOk;
  }

  static constexpr auto Ports() { return kompact::PortList(&BatchPrinter::batch_port_); }

 private:
  kompact::RequiredPort<Batching> batch_port_;
};
// [end]

// Connects `buncher` (a component providing Batching) to a new BatchPrinter,
// starts both and sends the buncher 1000 Pings in two waves: 500 fast ones, which
// fill batches, then 500 slow ones (one every 2 ms), which batches must time out
// on. Shuts the system down. Returns main()'s exit code.
int RunBuncher(const kompact::KompactSystem& system, const kompact::AnyComponent& buncher);

}  // namespace examples

#endif  // KOMPACT_EXAMPLES_BATCHING_H_
