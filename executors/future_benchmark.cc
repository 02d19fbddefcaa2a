// Costs of futures and tasks: promise -> future round trips (same thread and
// across threads), Then chains, and the resumption of a suspended task.
//
//   tools/bazel run -c opt //executors:future_benchmark
#include <cstdint>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "benchmark/benchmark.h"
#include "executors/executor.h"
#include "executors/future.h"
#include "executors/spawn.h"
#include "executors/task.h"

namespace kompact {
namespace {

// Single-threaded ResumeContext: resumptions run when the benchmark loop says so.
// Measures the futures/tasks machinery without any executor cost.
class LoopContext final : public ResumeContext {
 public:
  absl::Status Schedule(Runnable& resumption, ScheduleHint /*hint*/) override {
    queue_.push_back(&resumption);
    return absl::OkStatus();
  }
  void RunAll() {
    while (RunOne()) {
    }
  }
  bool RunOne() {
    if (queue_.empty()) return false;
    Runnable* next = queue_.back();
    queue_.pop_back();
    next->Run();
    return true;
  }

 private:
  std::vector<Runnable*> queue_;
};

// MakePromise + Fulfil + Wait on one thread: one allocation, one RMW, one load.
void BM_RoundTripSameThread(benchmark::State& state) {
  for (auto _ : state) {
    auto [promise, future] = MakePromise<int64_t>();
    promise.Fulfil(1);
    absl::StatusOr<int64_t> v = future.Wait();
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RoundTripSameThread);

// Waiting first, completed second (a blocking waiter registers, is signalled)
// is only possible across threads; this is the attach-then-complete order with a
// continuation instead.
void BM_ThenThenFulfilSameThread(benchmark::State& state) {
  for (auto _ : state) {
    auto [promise, future] = MakePromise<int64_t>();
    Future<int64_t> next = std::move(future).Then([](absl::StatusOr<int64_t> v) { return *v + 1; });
    promise.Fulfil(1);
    benchmark::DoNotOptimize(next.TryTake());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ThenThenFulfilSameThread);

// A chain of `range(0)` continuations attached before the promise is fulfilled;
// items = continuations run.
void BM_ThenChain(benchmark::State& state) {
  const int64_t length = state.range(0);
  for (auto _ : state) {
    auto [promise, future] = MakePromise<int64_t>();
    Future<int64_t> chain = std::move(future);
    for (int64_t i = 0; i < length; ++i) {
      chain = std::move(chain).Then([](absl::StatusOr<int64_t> v) { return *v + 1; });
    }
    promise.Fulfil(0);
    absl::StatusOr<int64_t> v = chain.Wait();
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations() * length);
}
BENCHMARK(BM_ThenChain)->Arg(10);

// Ping-pong between two threads with blocking waits on both sides: each request
// carries the reply promise and the next request's future. Items = round trips.
// Dominated by the cross-thread wake-up (futex) on this machine.
void BM_RoundTripCrossThread(benchmark::State& state) {
  struct Request {
    int64_t value;
    Promise<int64_t> reply;
    Future<Request> next;
  };
  auto [first_promise, first_future] = MakePromise<Request>();
  std::thread echo([inbox = std::move(first_future)]() mutable {
    for (;;) {
      absl::StatusOr<Request> request = inbox.Wait();
      if (!request.ok()) return;  // the benchmark dropped its promise: done
      request->reply.Fulfil(request->value);
      inbox = std::move(request->next);
    }
  });
  Promise<Request> outbox = std::move(first_promise);
  int64_t i = 0;
  for (auto _ : state) {
    auto [reply_promise, reply_future] = MakePromise<int64_t>();
    auto [next_promise, next_future] = MakePromise<Request>();
    outbox.Fulfil(Request{i++, std::move(reply_promise), std::move(next_future)});
    outbox = std::move(next_promise);
    absl::StatusOr<int64_t> v = reply_future.Wait();
    benchmark::DoNotOptimize(v);
  }
  outbox = Promise<Request>();  // drops the last promise: the echo thread ends
  echo.join();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RoundTripCrossThread)->UseRealTime();

// Completions from another thread, consumed in order by this one (ready, or a
// blocking wait when the consumer overtakes the producer). The producer thread
// receives each batch of promises through a future. Items = futures.
void BM_CompletionsFromAnotherThread(benchmark::State& state) {
  constexpr int kBatch = 1024;
  struct Batch {
    std::vector<Promise<int64_t>> promises;
    Future<Batch> next;
  };
  auto [first_promise, first_future] = MakePromise<Batch>();
  std::thread producer([inbox = std::move(first_future)]() mutable {
    for (;;) {
      absl::StatusOr<Batch> batch = inbox.Wait();
      if (!batch.ok()) return;
      for (int64_t i = 0; i < kBatch; ++i) batch->promises[i].Fulfil(i);
      inbox = std::move(batch->next);
    }
  });
  Promise<Batch> outbox = std::move(first_promise);
  std::vector<Future<int64_t>> futures(kBatch);
  for (auto _ : state) {
    Batch batch;
    batch.promises.reserve(kBatch);
    for (int i = 0; i < kBatch; ++i) {
      auto pair = MakePromise<int64_t>();
      batch.promises.push_back(std::move(pair.promise));
      futures[i] = std::move(pair.future);
    }
    auto [next_promise, next_future] = MakePromise<Batch>();
    batch.next = std::move(next_future);
    outbox.Fulfil(std::move(batch));
    outbox = std::move(next_promise);
    for (int i = 0; i < kBatch; ++i) benchmark::DoNotOptimize(futures[i].Wait());
  }
  outbox = Promise<Batch>();
  producer.join();
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_CompletionsFromAnotherThread)->UseRealTime();

// A task suspended on a pending future, resumed through its context when the
// driver fulfils it: Fulfil -> OnReady -> Schedule -> Run -> resume -> take ->
// next MakePromise. Items = resumptions.
void BM_CoAwaitResume(benchmark::State& state) {
  LoopContext context;
  Promise<int64_t> pending;
  auto body = [](Promise<int64_t>* pending) -> Task<int64_t> {
    int64_t sum = 0;
    for (;;) {
      auto [promise, future] = MakePromise<int64_t>();
      *pending = std::move(promise);
      absl::StatusOr<int64_t> v = co_await std::move(future);
      if (!v.ok()) co_return sum;
      sum += *v;
    }
  };
  JoinHandle<int64_t> handle = Spawn(context, body(&pending));
  context.RunAll();  // to the first co_await
  for (auto _ : state) {
    pending.Fulfil(1);
    context.RunAll();
  }
  pending = Promise<int64_t>();  // dropped -> the task ends
  context.RunAll();
  benchmark::DoNotOptimize(handle.TryTake());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CoAwaitResume);

// co_await Yield() in a loop: the pure suspend/schedule/resume cost of a task.
void BM_YieldResume(benchmark::State& state) {
  LoopContext context;
  bool stop = false;
  auto body = [](const bool* stop) -> Task<void> {
    while (!*stop) co_await Yield();
  };
  JoinHandle<void> handle = Spawn(context, body(&stop));
  for (auto _ : state) {
    // One resumption per iteration: the task runs one loop turn and yields again.
    context.RunOne();
  }
  stop = true;
  context.RunAll();
  benchmark::DoNotOptimize(handle.TryTake());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_YieldResume);

Task<int64_t> Identity(int64_t v) { co_return v; }

// co_await of a child task that completes at once: frame allocation, start, hand
// back to the parent. Items = child tasks.
void BM_AwaitChildTask(benchmark::State& state) {
  LoopContext context;
  const int64_t children = state.range(0);
  for (auto _ : state) {
    auto body = [](int64_t n) -> Task<int64_t> {
      int64_t sum = 0;
      for (int64_t i = 0; i < n; ++i) sum += *co_await Identity(i);
      co_return sum;
    };
    JoinHandle<int64_t> handle = Spawn(context, body(children));
    context.RunAll();
    benchmark::DoNotOptimize(handle.TryTake());
  }
  state.SetItemsProcessed(state.iterations() * children);
}
BENCHMARK(BM_AwaitChildTask)->Arg(100);

// Spawn + run + join of a trivial task: two allocations (frame, join state).
void BM_SpawnAndJoin(benchmark::State& state) {
  LoopContext context;
  for (auto _ : state) {
    JoinHandle<int64_t> handle = Spawn(context, Identity(1));
    context.RunAll();
    benchmark::DoNotOptimize(handle.TryTake());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SpawnAndJoin);

}  // namespace
}  // namespace kompact
