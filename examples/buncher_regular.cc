// Buncher (regular): collects Pings into batches of up to 100 and sends a batch
// when it is full and, regardless, every 150 ms (a periodic timer). The Kompact
// book's "Timers" chapter; buncher_adaptive.cc is the better variant.
//
//   tools/bazel run //examples:buncher_regular
#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "examples/batching.h"
#include "glog/logging.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"
#include "timer/timer.h"

namespace examples {

using kompact::Handled;
using kompact::HandlerResult;
using kompact::TimerId;

// [tutorial:state]
class Buncher : public kompact::ComponentDefinition<Buncher> {
 public:
  Buncher(size_t batch_size, absl::Duration timeout) : batch_size_(batch_size), timeout_(timeout) {
    current_batch_.reserve(batch_size);
  }
  // [end]

  // [tutorial:lifecycle]
  HandlerResult OnStart() override {
    absl::StatusOr<TimerId> timeout = SchedulePeriodic(
        timeout_, timeout_, [](Buncher& self, TimerId id) { return self.HandleTimeout(id); });
    if (!timeout.ok()) return timeout.status();
    outstanding_timeout_ = *timeout;
    return Handled::kOk;
  }

  HandlerResult OnStop() override {
    if (outstanding_timeout_.has_value()) {
      CancelTimer(*outstanding_timeout_);
      outstanding_timeout_.reset();
    }
    return Handled::kOk;
  }

  HandlerResult OnKill() override { return OnStop(); }
  // [end]

  // [tutorial:batching_port]
  HandlerResult Handle(const Ping& ping) {
    current_batch_.push_back(ping);
    if (current_batch_.size() >= batch_size_) TriggerBatch();
    return Handled::kOk;
  }
  // [end]

  static constexpr auto Ports() { return kompact::PortList(&Buncher::batch_port_); }

 private:
  // [tutorial:private_functions]
  void TriggerBatch() {
    std::vector<Ping> batch;
    batch.reserve(batch_size_);
    std::swap(batch, current_batch_);
    batch_port_.Trigger(Batch{std::move(batch)});
  }

  HandlerResult HandleTimeout(TimerId id) {
    if (outstanding_timeout_ == id) {
      TriggerBatch();
    } else if (!outstanding_timeout_.has_value()) {
      // Can happen while stopping: the expiry was on its way when we cancelled.
      KLOG(log(), WARNING) << "Got unexpected timeout: " << id;
    }  // else: an outdated timeout; ignore it
    return Handled::kOk;
  }
  // [end]

  // [tutorial:state]
  kompact::ProvidedPort<Batching> batch_port_;
  const size_t batch_size_;
  const absl::Duration timeout_;
  std::vector<Ping> current_batch_;
  std::optional<TimerId> outstanding_timeout_;
};
// [end]

}  // namespace examples

// [tutorial:main]
int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  absl::StatusOr<kompact::KompactSystem> system = kompact::KompactConfig().Build();
  if (!system.ok()) {
    LOG(ERROR) << "cannot build the system: " << system.status();
    return 1;
  }
  kompact::Component<examples::Buncher> buncher =
      system->Create<examples::Buncher>(/*batch_size=*/100, /*timeout=*/absl::Milliseconds(150));
  return examples::RunBuncher(*system, buncher);
}
// [end]
