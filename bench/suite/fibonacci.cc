#include "bench/suite/fibonacci.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "bench/suite/common.h"
#include "runtime/actor_ref.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_system.h"

namespace kompact::bench {
namespace {

struct Request {
  int n;
};
struct Response {
  uint64_t value;
};
using FibMessage = std::variant<Request, Response>;

class FibActor : public ComponentDefinition<FibActor>, public Actor<FibMessage> {
 public:
  // A child reports to its parent.
  explicit FibActor(ActorRefStrong<FibMessage> parent) : parent_(std::move(parent)) {}
  // The root reports to the driver.
  explicit FibActor(Promise<uint64_t> result) : result_(std::move(result)) {}

  HandlerResult ReceiveLocal(FibMessage message) {
    if (const Request* request = std::get_if<Request>(&message)) {
      if (request->n <= 2) {
        Report(1);
      } else {
        SpawnChild(request->n - 1);
        SpawnChild(request->n - 2);
      }
    } else {
      sum_ += std::get<Response>(message).value;
      if (++responses_ == 2) Report(sum_);
    }
    return Handled::kOk;
  }

 private:
  void SpawnChild(int n) {
    KompactSystem sys = system();
    Component<FibActor> child = sys.Create<FibActor>(actor_ref().Hold());
    sys.Start(child);
    child.actor_ref().Tell(Request{n});
  }
  void Report(uint64_t value) {
    if (parent_) {
      parent_.Tell(Response{value});
      parent_ = ActorRefStrong<FibMessage>();  // let the parent go as soon as it is done
    } else {
      result_->Fulfil(value);
    }
    Suicide();
  }

  [[no_unique_address]] Tracked tracked_;
  ActorRefStrong<FibMessage> parent_;
  std::optional<Promise<uint64_t>> result_;
  uint64_t sum_ = 0;
  int responses_ = 0;
};

}  // namespace

uint64_t Fibonacci(int n) {
  uint64_t a = 1, b = 1;  // fib(1), fib(2)
  for (int i = 3; i <= n; ++i) b = std::exchange(a, b) + b;
  return n <= 0 ? 0 : b;
}

int ScaledFibonacciN(int n, double scale) {
  const double phi = (1.0 + std::sqrt(5.0)) / 2.0;
  return std::max(3, n + static_cast<int>(std::floor(std::log(scale) / std::log(phi) + 1e-9)));
}

absl::StatusOr<double> RunFibonacci(const KompactSystem& system, int n) {
  auto [promise, result] = MakePromise<uint64_t>();
  const int64_t created_before = LiveComponents::created();
  Component<FibActor> root = system.Create<FibActor>(std::move(promise));
  KOMPACT_RETURN_IF_ERROR(StartAll(system, {root}));

  Stopwatch timer;
  root.actor_ref().Tell(Request{n});
  absl::StatusOr<uint64_t> value = result.WaitFor(kWaitLimit);
  const double seconds = timer.Seconds();

  root.Reset();  // it kills itself after answering
  KOMPACT_RETURN_IF_ERROR(LiveComponents::AwaitNone());
  KOMPACT_RETURN_IF_ERROR(Annotate(value.status(), "waiting for the answer"));
  const int64_t components = 2 * static_cast<int64_t>(Fibonacci(n)) - 1;
  const int64_t created = LiveComponents::created() - created_before;
  if (*value != Fibonacci(n) || created != components) {
    return WrongResult("Fibonacci",
                       absl::StrCat("fib(", n, ") = ", *value, " with ", created, " components, expected ",
                                    Fibonacci(n), " with ", components));
  }
  return Millions(static_cast<double>(components), seconds);
}

}  // namespace kompact::bench
