// Cost of an ask round trip (FEATURES.md A3, A4; issue 7 target: >= 2x Kompact's
// ~2 M/s, i.e. >= 4 M/s).
//
//   tools/bazel run -c opt //bench/micro:ask_benchmark
//
//   BM_AskSingleThread    Ask + the responder's Reply + taking the result, all on
//                         one thread (deterministic system): the machinery alone
//   BM_AskPipelined/W     the benchmark thread keeps W asks in flight to a
//                         component on a 2-worker system (W = 1: one blocking
//                         round trip at a time, i.e. latency including wake-ups)
//   BM_AskFromComponent   a component asks another one in a loop, co_awaiting each
//                         reply in a SpawnLocal task (the idiomatic in-system ask)
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "bench/micro/fixtures.h"
#include "benchmark/benchmark.h"
#include "executors/future.h"
#include "executors/task.h"
#include "runtime/actor_ref.h"
#include "runtime/async.h"

namespace kompact::bench {
namespace {

using Query = Ask<int64_t, int64_t>;

class Responder : public ComponentDefinition<Responder>, public Actor<Query> {
 public:
  HandlerResult ReceiveLocal(Query query) {
    query.Reply(query.request() + 1);
    return Handled::kOk;
  }
};

void SetCounters(benchmark::State& state, int64_t asks) {
  state.SetItemsProcessed(asks);
  state.counters["per_ask"] = benchmark::Counter(static_cast<double>(asks),
                                                 benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_AskSingleThread(benchmark::State& state) {
  auto sim = MakeDeterministicSystem();
  Component<Responder> responder = sim->system().Create<Responder>();
  sim->system().Start(responder);
  sim->RunUntilIdle();
  const ActorRefStrong<Query> ref = responder.actor_ref().Hold();
  const ActorRef<Query> weak = ref.Weak();
  int64_t asks = 0;
  for (auto _ : state) {
    Future<int64_t> reply = weak.Ask(asks);
    sim->RunUntilIdle();
    std::optional<absl::StatusOr<int64_t>> r = reply.TryTake();
    if (!r.has_value() || !r->ok() || **r != asks + 1) {
      state.SkipWithError("wrong or missing reply");
      break;
    }
    ++asks;
  }
  SetCounters(state, asks);
}
BENCHMARK(BM_AskSingleThread);

void BM_AskPipelined(benchmark::State& state) {
  const int64_t window = state.range(0);
  KompactSystem system = MakeSystem(2);
  Component<Responder> responder = system.Create<Responder>();
  if (!system.StartNotify(responder).Wait().ok()) state.SkipWithError("start failed");
  const ActorRef<Query> ref = responder.actor_ref();
  std::vector<Future<int64_t>> replies;
  replies.reserve(window);
  int64_t asks = 0;
  for (auto _ : state) {
    for (int64_t i = 0; i < window; ++i) replies.push_back(ref.Ask(asks + i));
    for (int64_t i = 0; i < window; ++i) {
      absl::StatusOr<int64_t> r = replies[i].WaitFor(absl::Seconds(60));
      if (!r.ok() || *r != asks + i + 1) state.SkipWithError("wrong or missing reply");
    }
    replies.clear();
    asks += window;
  }
  SetCounters(state, asks);
  (void)system.Shutdown();
}
BENCHMARK(BM_AskPipelined)->Arg(1)->Arg(1000)->UseRealTime();

// Asks the responder `n` times in sequence from a SpawnLocal task.
struct AskLoop {
  int64_t n;
  Promise<int64_t> done;  // the number of correct replies
};

class Asker : public ComponentDefinition<Asker>, public Actor<AskLoop> {
 public:
  explicit Asker(ActorRef<Query> responder) : responder_(std::move(responder)) {}
  HandlerResult ReceiveLocal(AskLoop loop) {
    (void)SpawnLocal(*this, Loop(*this, loop.n, std::move(loop.done)));
    return Handled::kOk;
  }

 private:
  // (Task<int64_t>, not Task<void>: SpawnLocal of a Task<void> does not compile
  // yet, see runtime/async.h KeepComponent.)
  static Task<int64_t> Loop(Asker& self, int64_t n, Promise<int64_t> done) {
    int64_t correct = 0;
    for (int64_t i = 0; i < n; ++i) {
      absl::StatusOr<int64_t> r = co_await self.responder_.Ask(i);
      correct += r.ok() && *r == i + 1 ? 1 : 0;
    }
    done.Fulfil(correct);
    co_return correct;
  }

  ActorRef<Query> responder_;
};

void BM_AskFromComponent(benchmark::State& state) {
  KompactSystem system = MakeSystem(2);
  Component<Responder> responder = system.Create<Responder>();
  Component<Asker> asker = system.Create<Asker>(responder.actor_ref());
  if (!system.StartNotify(responder).Wait().ok() || !system.StartNotify(asker).Wait().ok()) {
    state.SkipWithError("start failed");
  }
  int64_t asks = 0;
  for (auto _ : state) {
    auto [promise, done] = MakePromise<int64_t>();
    asker.actor_ref().Tell(AskLoop{kBatch, std::move(promise)});
    absl::StatusOr<int64_t> correct = done.WaitFor(absl::Seconds(60));
    if (!correct.ok() || *correct != kBatch) {
      state.SkipWithError("wrong or missing replies");
      break;
    }
    asks += kBatch;
  }
  SetCounters(state, asks);
  (void)system.Shutdown();
}
BENCHMARK(BM_AskFromComponent)->UseRealTime();

}  // namespace
}  // namespace kompact::bench
