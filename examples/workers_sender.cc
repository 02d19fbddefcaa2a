// Workers with senders: the workers example without a port. Each WorkPart goes
// to its worker wrapped in a WithSender, which carries the manager's actor ref
// for the reply (the Kompact book, "Senders").
//
//   tools/bazel run //examples:workers_sender [-- NUM_WORKERS DATA_SIZE]   (default 4 100000)
#include <cstddef>
#include <cstdint>
#include <iostream>
#include <numeric>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "examples/work.h"
#include "executors/future.h"
#include "glog/logging.h"
#include "runtime/actor_ref.h"
#include "runtime/component.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"

namespace examples {

using kompact::Ask;
using kompact::Handled;
using kompact::HandlerResult;
using kompact::WithSender;

// [tutorial:manager_message]
// What the manager receives: work from main, results from its workers.
using ManagerMessage = std::variant<Ask<Work, WorkResult>, WorkResult>;
// [end]

// [tutorial:worker_actor]
class Worker : public kompact::ComponentDefinition<Worker>,
               public kompact::Actor<WithSender<WorkPart, ManagerMessage>> {
 public:
  HandlerResult ReceiveLocal(WithSender<WorkPart, ManagerMessage> msg) {
    msg.Reply(WorkResult{msg.request().Aggregate()});
    return Handled::kOk;
  }
};
// [end]

// [tutorial:manager_state]
class Manager : public kompact::ComponentDefinition<Manager>, public kompact::Actor<ManagerMessage> {
 public:
  explicit Manager(size_t num_workers) : num_workers_(num_workers) {}
  // [end]

  HandlerResult OnStart() override {
    for (size_t i = 0; i < num_workers_; ++i) {
      kompact::Component<Worker> worker = system().Create<Worker>();
      worker_refs_.push_back(worker.actor_ref().Hold());
      system().Start(worker);
      workers_.push_back(std::move(worker));
    }
    return Handled::kOk;
  }

  HandlerResult OnStop() override {
    worker_refs_.clear();
    for (const kompact::Component<Worker>& worker : workers_) system().Kill(worker);
    workers_.clear();
    return Handled::kOk;
  }

  HandlerResult OnKill() override { return OnStop(); }

  // [tutorial:manager_actor]
  HandlerResult ReceiveLocal(ManagerMessage msg) {
    if (auto* ask = std::get_if<Ask<Work, WorkResult>>(&msg)) return HandleWork(std::move(*ask));
    return HandleResult(std::get<WorkResult>(msg));
  }

 private:
  HandlerResult HandleWork(Ask<Work, WorkResult> ask) {
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
      // The reply address travels with the request.
      worker_refs_[index].Tell(
          WithSender<WorkPart, ManagerMessage>(WorkPart::From(work, start, end), actor_ref()));
      start += stride;
      ++index;
    }
    result_accumulator_.push_back(WorkPart::From(work, start, len).Aggregate());
    expected_results_ = index + 1;
    outstanding_request_ = std::move(ask);
    return MaybeReply();
  }

  HandlerResult HandleResult(const WorkResult& result) {
    if (!outstanding_request_.has_value()) {
      KLOG(log(), ERROR) << "Got a response without an outstanding promise: " << result.value;
      return Handled::kOk;
    }
    result_accumulator_.push_back(result.value);
    return MaybeReply();
  }
  // [end]

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

  // [tutorial:manager_state]
  const size_t num_workers_;
  std::vector<kompact::Component<Worker>> workers_;
  std::vector<kompact::ActorRefStrong<WithSender<WorkPart, ManagerMessage>>> worker_refs_;
  std::optional<Ask<Work, WorkResult>> outstanding_request_;
  std::vector<uint64_t> result_accumulator_;
  size_t expected_results_ = 0;
};
// [end]

int RunTask(size_t num_workers, size_t data_size) {
  absl::StatusOr<kompact::KompactSystem> system = kompact::KompactConfig().Build();
  if (!system.ok()) {
    LOG(ERROR) << "cannot build the system: " << system.status();
    return 1;
  }
  kompact::Component<Manager> manager = system->Create<Manager>(num_workers);
  system->Start(manager);
  kompact::ActorRef<ManagerMessage> manager_ref = manager.actor_ref();

  Work work{.data = OneToN(data_size), .merger = &OverflowingSum, .neutral = 0};
  std::cout << "Sending request..." << std::endl;
  // [tutorial:main_ask]
  // The message type is ManagerMessage, not the Ask itself: build it around the promise.
  kompact::Future<WorkResult> reply =
      manager_ref.AskWith<WorkResult>([&work](kompact::Promise<WorkResult> promise) {
        return ManagerMessage(Ask<Work, WorkResult>(std::move(promise), std::move(work)));
      });
  absl::StatusOr<WorkResult> result = reply.Wait();
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

}  // namespace examples

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
