// Buncher (configured): the adaptive buncher, reading its batch size and timeout
// from the system's configuration: the TOML file examples/app_settings.toml, with
// the batch size overridden by a config string. The Kompact book's
// "Configuration" chapter.
//
//   tools/bazel run //examples:buncher_config [-- path/to/settings.toml]
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/config.h"
#include "base/config_entry.h"
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

// [tutorial:config_entries]
// The application's configuration keys: typed, with a default, documentation and
// a check, exactly like Kompact's own (runtime/kompact_config.h).
inline constexpr kompact::ConfigEntry<int64_t> kBatchSize{
    .key = "buncher.batch-size",
    .default_value = 100,
    .doc = "Pings per batch: a full batch is sent at once.",
    .check = kompact::ConfigCheck<int64_t>::Range(1, 1'000'000),
};
inline constexpr kompact::ConfigEntry<absl::Duration> kTimeout{
    .key = "buncher.timeout",
    .default_value = absl::Milliseconds(100),
    .doc = "How long a batch waits for more Pings before it is sent anyway.",
    .check = kompact::ConfigCheck<absl::Duration>::Range(absl::Milliseconds(1), absl::Minutes(1)),
};
// [end]

class Buncher : public kompact::ComponentDefinition<Buncher> {
 public:
  // [tutorial:new]
  // Nothing to pass in: batch_size_ and timeout_ are read from the configuration
  // when the component starts.
  Buncher() = default;
  // [end]

  // [tutorial:on_start]
  HandlerResult OnStart() override {
    absl::StatusOr<int64_t> batch_size = config().Get(kBatchSize);
    if (!batch_size.ok()) return HandlerResult::Unrecoverable(batch_size.status());
    absl::StatusOr<absl::Duration> timeout = config().Get(kTimeout);
    if (!timeout.ok()) return HandlerResult::Unrecoverable(timeout.status());
    batch_size_ = static_cast<size_t>(*batch_size);
    timeout_ = *timeout;
    current_batch_.reserve(batch_size_);
    KLOG(log(), INFO) << "Batching up to " << batch_size_ << " Pings, for at most " << timeout_;
    return ScheduleTimeout();
  }
  // [end]

  HandlerResult OnStop() override {
    if (outstanding_timeout_.has_value()) {
      CancelTimer(*outstanding_timeout_);
      outstanding_timeout_.reset();
    }
    return Handled::kOk;
  }

  HandlerResult OnKill() override { return OnStop(); }

  HandlerResult Handle(const Ping& ping) {
    current_batch_.push_back(ping);
    if (current_batch_.size() < batch_size_) return Handled::kOk;
    TriggerBatch();
    if (outstanding_timeout_.has_value()) CancelTimer(*outstanding_timeout_);
    return ScheduleTimeout();
  }

  static constexpr auto Ports() { return kompact::PortList(&Buncher::batch_port_); }

 private:
  HandlerResult ScheduleTimeout() {
    absl::StatusOr<TimerId> timeout =
        ScheduleOnce(timeout_, [](Buncher& self, TimerId id) { return self.HandleTimeout(id); });
    if (!timeout.ok()) return timeout.status();
    outstanding_timeout_ = *timeout;
    return Handled::kOk;
  }

  HandlerResult HandleTimeout(TimerId id) {
    if (outstanding_timeout_ == id) {
      TriggerBatch();
      return ScheduleTimeout();
    }
    if (!outstanding_timeout_.has_value()) KLOG(log(), WARNING) << "Got unexpected timeout: " << id;
    return Handled::kOk;
  }

  void TriggerBatch() {
    std::vector<Ping> batch;
    batch.reserve(batch_size_);
    std::swap(batch, current_batch_);
    batch_port_.Trigger(Batch{std::move(batch)});
  }

  kompact::ProvidedPort<Batching> batch_port_;
  size_t batch_size_ = 0;
  absl::Duration timeout_ = absl::Milliseconds(1);
  std::vector<Ping> current_batch_;
  std::optional<TimerId> outstanding_timeout_;
};

}  // namespace examples

int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  // `bazel run` and `bazel test` start the binary in its runfiles tree, where the
  // settings file (a data dependency) has its workspace path.
  const std::string settings = argc > 1 ? argv[1] : "examples/app_settings.toml";

  // [tutorial:system]
  kompact::KompactConfig config;
  // Sources apply in order: the string overrides the file's batch size.
  config.LoadConfigFile(settings).LoadConfigString("buncher.batch-size = 50");
  absl::StatusOr<kompact::KompactSystem> system = config.Build();
  // [end]
  if (!system.ok()) {
    LOG(ERROR) << "cannot build the system: " << system.status();
    return 1;
  }
  // [tutorial:validate]
  // Build() checked the kompact.runtime keys; check ours before anything runs, and
  // report unknown keys under [buncher] (typos).
  absl::Status valid = system->config().Validate({examples::kBatchSize, examples::kTimeout}, "buncher");
  if (!valid.ok()) {
    LOG(ERROR) << "bad settings: " << valid;
    (void)system->Shutdown();
    return 1;
  }
  // [end]
  // [tutorial:create_buncher]
  kompact::Component<examples::Buncher> buncher = system->Create<examples::Buncher>();
  // [end]
  return examples::RunBuncher(*system, buncher);
}
