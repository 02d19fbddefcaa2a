// Workers: a Manager splits the data of a Work request over a pool of Worker
// components, collects their results over a port and answers the request (the
// Kompact book's "Communication" chapter). The request is an ask from main; the
// manager keeps it until every worker has answered.
//
//   tools/bazel run //examples:workers [-- NUM_WORKERS DATA_SIZE]   (default 4 100000)
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iostream>
#include <numeric>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "examples/work.h"
#include "glog/logging.h"
#include "runtime/actor_ref.h"
#include "runtime/channel.h"
#include "runtime/component.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"
#include "runtime/port.h"
#include "runtime/port_fields.h"

namespace examples {

using kompact::Ask;
using kompact::Handled;
using kompact::HandlerResult;

// [tutorial:worker_port]
// Workers provide it: results are indications; nothing is requested on it.
struct WorkerPort : kompact::Port<kompact::Requests<>, kompact::Indications<WorkResult>> {};
// [end]

// [tutorial:worker]
class Worker : public kompact::ComponentDefinition<Worker>, public kompact::Actor<WorkPart> {
 public:
  HandlerResult ReceiveLocal(WorkPart part) {
    worker_port_.Trigger(WorkResult{part.Aggregate()});
    return Handled::kOk;
  }

  kompact::ProvidedPort<WorkerPort>& worker_port() { return worker_port_; }
  // Nothing is ever requested on WorkerPort: ignore its requests (ignore_requests!).
  static constexpr auto Ports() { return kompact::PortList(kompact::Ignore(&Worker::worker_port_)); }

 private:
  kompact::ProvidedPort<WorkerPort> worker_port_;
};
// [end]

// [tutorial:manager_definition]
class Manager : public kompact::ComponentDefinition<Manager>, public kompact::Actor<Ask<Work, WorkResult>> {
 public:
  explicit Manager(size_t num_workers) : num_workers_(num_workers) {}
  // [end]

  // [tutorial:manager_lifecycle]
  HandlerResult OnStart() override {
    // Set up the workers: create, connect, start.
    for (size_t i = 0; i < num_workers_; ++i) {
      kompact::Component<Worker> worker = system().Create<Worker>();
      // The worker is not started yet, so nothing runs on it: we may touch its port.
      absl::StatusOr<kompact::Channel<WorkerPort>> channel =
          kompact::BiconnectPorts(worker.definition().worker_port(), worker_port_);
      if (!channel.ok()) return channel.status();
      worker_refs_.push_back(worker.actor_ref().Hold());
      system().Start(worker);
      workers_.push_back(std::move(worker));
    }
    return Handled::kOk;
  }

  HandlerResult OnStop() override {
    // Clean up after ourselves: OnStart makes new workers when we start again.
    worker_refs_.clear();
    for (const kompact::Component<Worker>& worker : workers_) system().Kill(worker);
    workers_.clear();
    return Handled::kOk;
  }

  HandlerResult OnKill() override { return OnStop(); }
  // [end]

  // [tutorial:manager_actor]
  HandlerResult ReceiveLocal(Ask<Work, WorkResult> ask) {
    if (outstanding_request_.has_value()) {
      ask.Reply(absl::FailedPreconditionError("One request at a time, please!"));
      return Handled::kOk;
    }
    const Work& work = ask.request();
    const size_t len = work.data->size();
    const size_t stride = num_workers_ == 0 ? len : len / num_workers_;
    size_t start = 0;
    size_t index = 0;
    while (start < len && index < num_workers_) {
      const size_t end = std::min(len, start + stride);
      KLOG(log(), INFO) << "Assigning [" << start << ", " << end << ") to worker #" << index;
      worker_refs_[index].Tell(WorkPart::From(work, start, end));
      start += stride;
      ++index;
    }
    // The manager does the rest itself (the neutral element if nothing is left), so
    // it waits for one result per worker it used, plus its own.
    result_accumulator_.push_back(WorkPart::From(work, start, len).Aggregate());
    expected_results_ = index + 1;
    outstanding_request_ = std::move(ask);
    return MaybeReply();
  }
  // [end]

  // [tutorial:manager_worker_port]
  HandlerResult Handle(const WorkResult& result) {
    if (!outstanding_request_.has_value()) {
      KLOG(log(), ERROR) << "Got a response without an outstanding promise: " << result.value;
      return Handled::kOk;
    }
    result_accumulator_.push_back(result.value);
    return MaybeReply();
  }
  // [end]

  static constexpr auto Ports() { return kompact::PortList(&Manager::worker_port_); }

 private:
  // [tutorial:manager_reply]
  HandlerResult MaybeReply() {
    if (result_accumulator_.size() < expected_results_) return Handled::kOk;
    const Work& work = outstanding_request_->request();
    const uint64_t result =
        std::accumulate(result_accumulator_.begin(), result_accumulator_.end(), work.neutral, work.merger);
    result_accumulator_.clear();
    outstanding_request_->Reply(WorkResult{result});
    outstanding_request_.reset();
    return Handled::kOk;
  }
  // [end]

  // [tutorial:manager_definition]
  kompact::RequiredPort<WorkerPort> worker_port_;
  const size_t num_workers_;
  std::vector<kompact::Component<Worker>> workers_;
  std::vector<kompact::ActorRefStrong<WorkPart>> worker_refs_;
  std::optional<Ask<Work, WorkResult>> outstanding_request_;
  std::vector<uint64_t> result_accumulator_;
  size_t expected_results_ = 0;
};
// [end]

// [tutorial:main_run]
int RunTask(size_t num_workers, size_t data_size) {
  absl::StatusOr<kompact::KompactSystem> system = kompact::KompactConfig().Build();
  if (!system.ok()) {
    LOG(ERROR) << "cannot build the system: " << system.status();
    return 1;
  }
  kompact::Component<Manager> manager = system->Create<Manager>(num_workers);
  system->Start(manager);

  Work work{.data = OneToN(data_size), .merger = &OverflowingSum, .neutral = 0};
  std::cout << "Sending request..." << std::endl;
  // [tutorial:main_ask]
  absl::StatusOr<WorkResult> result = manager.actor_ref().Ask(std::move(work)).Wait();
  // [end]
  if (!result.ok()) {
    LOG(ERROR) << "the request failed: " << result.status();
    return 1;
  }
  std::cout << "*******\nGot result: " << result->value << "\n*******" << std::endl;
  if (result->value != TriangularNumber(data_size)) {
    LOG(ERROR) << "wrong result, expected " << TriangularNumber(data_size);
    return 1;
  }
  absl::Status shutdown = system->Shutdown();
  if (!shutdown.ok()) {
    LOG(ERROR) << shutdown;
    return 1;
  }
  return 0;
}
// [end]

}  // namespace examples

// [tutorial:main]
int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  size_t num_workers = 4;
  size_t data_size = 100'000;
  if (argc != 1 &&
      (argc != 3 || !absl::SimpleAtoi(argv[1], &num_workers) || !absl::SimpleAtoi(argv[2], &data_size))) {
    std::cerr << "usage: " << argv[0] << " [NUM_WORKERS DATA_SIZE]" << std::endl;
    return 2;
  }
  return examples::RunTask(num_workers, data_size);
}
// [end]
