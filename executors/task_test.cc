#include "executors/task.h"

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/build_config.h"
#include "executors/future.h"
#include "executors/internal/future_test_executor.h"
#include "executors/spawn.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

using ::kompact::executors_internal::ManualResumeContext;
using ::kompact::executors_internal::TestThreadExecutor;
using ::kompact::testing::IsOk;
using ::kompact::testing::IsOkAndHolds;
using ::kompact::testing::StatusIs;
using ::testing::ElementsAre;

constexpr absl::Duration kLongWait = absl::Seconds(30);

Task<int> Constant(int v) { co_return v; }

Task<bool> OnExecutor() { co_return OnExecutorThread(); }

TEST(Task, SpawnRunsTheTaskOnTheExecutor) {
  TestThreadExecutor executor(1);
  JoinHandle<bool> handle = Spawn(executor, OnExecutor());
  EXPECT_THAT(handle.WaitFor(kLongWait), IsOkAndHolds(true));
  ASSERT_OK(executor.Shutdown());
}

TEST(Task, IsLazyAndAnUnstartedTaskFreesItsFrame) {
  auto token = std::make_shared<int>(0);
  bool ran = false;
  auto body = [](std::shared_ptr<int> held, bool* ran) -> Task<void> {
    *ran = true;
    co_return;
  };
  {
    Task<void> task = body(token, &ran);
    EXPECT_TRUE(task.valid());
    EXPECT_EQ(token.use_count(), 2);  // the frame holds the parameter
  }
  EXPECT_FALSE(ran);
  EXPECT_EQ(token.use_count(), 1);
}

TEST(Task, AwaitingAReadyFutureDoesNotSuspend) {
  ManualResumeContext context;
  auto body = []() -> Task<int> {
    absl::StatusOr<int> v = co_await MakeReadyFuture<int>(41);
    co_return *v + 1;
  };
  JoinHandle<int> handle = Spawn(context, body());
  EXPECT_EQ(context.queued(), 1);  // the first step
  EXPECT_EQ(context.RunAll(), 1);  // and nothing else
  EXPECT_THAT(handle.TryTake(), ::testing::Optional(IsOkAndHolds(42)));
}

TEST(Task, CompletionSchedulesTheResumptionInsteadOfResumingInline) {
  ManualResumeContext context;
  auto [promise, future] = MakePromise<int>();
  std::atomic<int> stage{0};
  auto body = [](Future<int> f, std::atomic<int>* stage) -> Task<int> {
    stage->store(1);
    absl::StatusOr<int> v = co_await std::move(f);
    stage->store(2);
    co_return *v;
  };
  JoinHandle<int> handle = Spawn(context, body(std::move(future), &stage));
  EXPECT_EQ(context.RunAll(), 1);
  EXPECT_EQ(stage.load(), 1);
  EXPECT_EQ(context.queued(), 0);
  std::thread producer([p = std::move(promise)]() mutable { p.Fulfil(8); });
  producer.join();
  EXPECT_EQ(stage.load(), 1);  // not resumed on the producer thread
  EXPECT_EQ(context.queued(), 1);
  EXPECT_EQ(context.RunAll(), 1);
  EXPECT_EQ(stage.load(), 2);
  EXPECT_THAT(handle.TryTake(), ::testing::Optional(IsOkAndHolds(8)));
}

Task<int> AddRemote(Future<int> a, Future<int> b) {
  absl::StatusOr<int> x = co_await std::move(a);
  absl::StatusOr<int> y = co_await std::move(b);
  if (!x.ok()) co_return x.status();
  if (!y.ok()) co_return y.status();
  co_return *x + *y;
}

Task<std::string> Describe(Future<int> a, Future<int> b, Future<int> c) {
  absl::StatusOr<int> sum = co_await AddRemote(std::move(a), std::move(b));
  absl::StatusOr<int> third = co_await std::move(c);
  absl::StatusOr<int> constant = co_await Constant(100);
  if (!OnExecutorThread()) co_return absl::InternalError("resumed off the executor");
  co_return std::to_string(*sum) + "/" + std::to_string(*third) + "/" + std::to_string(*constant);
}

TEST(Task, ChainsOfTasksAwaitFuturesCompletedOnOtherThreads) {
  TestThreadExecutor executor(2);
  auto [pa, fa] = MakePromise<int>();
  auto [pb, fb] = MakePromise<int>();
  auto [pc, fc] = MakePromise<int>();
  JoinHandle<std::string> handle = Spawn(executor, Describe(std::move(fa), std::move(fb), std::move(fc)));
  std::thread producer([&] {
    pc.Fulfil(3);
    pb.Fulfil(2);
    pa.Fulfil(1);
  });
  EXPECT_THAT(handle.WaitFor(kLongWait), IsOkAndHolds("3/3/100"));
  producer.join();
  ASSERT_OK(executor.Shutdown());
}

TEST(Task, CoReturnOfAStatusFailsTheTask) {
  ManualResumeContext context;
  auto [promise, future] = MakePromise<int>();
  JoinHandle<int> handle = Spawn(context, AddRemote(std::move(future), MakeReadyFuture<int>(1)));
  promise.Fail(absl::UnavailableError("peer gone"));
  context.RunAll();
  EXPECT_THAT(handle.TryTake(), ::testing::Optional(StatusIs(absl::StatusCode::kUnavailable, "peer gone")));
}

TEST(Task, VoidTaskCompletesOk) {
  ManualResumeContext context;
  int runs = 0;
  auto body = [](int* runs) -> Task<> {
    ++*runs;
    co_return;
  };
  JoinHandle<void> handle = Spawn(context, body(&runs));
  context.RunAll();
  EXPECT_EQ(runs, 1);
  EXPECT_THAT(handle.TryTake(), ::testing::Optional(IsOk()));
}

Task<int> Throws() {
  co_await Yield();
  throw std::runtime_error("boom in task");
}

TEST(Task, EscapingExceptionBecomesInternal) {
  ManualResumeContext context;
  JoinHandle<int> handle = Spawn(context, Throws());
  context.RunAll();
  EXPECT_THAT(handle.TryTake(), ::testing::Optional(StatusIs(absl::StatusCode::kInternal, "boom in task")));
}

TEST(Task, ExceptionInAChildReachesTheParentAsAStatus) {
  ManualResumeContext context;
  auto parent = []() -> Task<std::string> {
    absl::StatusOr<int> child = co_await Throws();
    co_return child.ok() ? "ok" : std::string(child.status().message());
  };
  JoinHandle<std::string> handle = Spawn(context, parent());
  context.RunAll();
  EXPECT_THAT(handle.TryTake(), ::testing::Optional(IsOkAndHolds(::testing::HasSubstr("boom"))));
}

TEST(Task, BlockingWaitInsideATaskIsRefused) {
  TestThreadExecutor executor(1);
  auto [promise, future] = MakePromise<int>();
  auto body = [](Future<int>* f) -> Task<absl::Status> {
    absl::StatusOr<int> v = f->Wait();
    co_return v.status();
  };
  JoinHandle<absl::Status> handle = Spawn(executor, body(&future));
  absl::StatusOr<absl::Status> waited = handle.WaitFor(kLongWait);
  ASSERT_OK(waited);
  EXPECT_THAT(*waited, StatusIs(absl::StatusCode::kFailedPrecondition, "executor thread"));
  promise.Fulfil(1);
  EXPECT_THAT(future.Wait(), IsOkAndHolds(1));
  ASSERT_OK(executor.Shutdown());
}

TEST(Task, SpawnOnAShutDownExecutorIsCancelledAndFreesTheFrame) {
  TestThreadExecutor executor(1);
  ASSERT_OK(executor.Shutdown());
  auto token = std::make_shared<int>(0);
  bool ran = false;
  auto body = [](std::shared_ptr<int> held, bool* ran) -> Task<int> {
    *ran = true;
    co_return 1;
  };
  JoinHandle<int> handle = Spawn(executor, body(token, &ran));
  ASSERT_TRUE(handle.IsReady());
  EXPECT_THAT(handle.Wait(), StatusIs(absl::StatusCode::kCancelled, "could not be scheduled"));
  EXPECT_FALSE(ran);
  EXPECT_EQ(token.use_count(), 1);
}

Task<int> AwaitWhileHolding(std::shared_ptr<int> held, Future<int> f) {
  std::shared_ptr<int> local = held;
  absl::StatusOr<int> v = co_await std::move(f);
  co_return *v + *local;
}

TEST(Task, RefusedResumptionDestroysEveryFrameOfTheTree) {
  ManualResumeContext context;
  auto token = std::make_shared<int>(1);
  auto [promise, future] = MakePromise<int>();
  auto parent = [](std::shared_ptr<int> held, Future<int> f) -> Task<int> {
    std::shared_ptr<int> mine = held;
    absl::StatusOr<int> v = co_await AwaitWhileHolding(held, std::move(f));
    co_return *v;
  };
  JoinHandle<int> handle = Spawn(context, parent(token, std::move(future)));
  context.RunAll();  // suspended in the child, awaiting the future
  EXPECT_GT(token.use_count(), 3);
  context.set_refuse(true);
  promise.Fulfil(5);  // the resumption is refused: the tree is torn down here
  EXPECT_EQ(token.use_count(), 1);
  EXPECT_THAT(handle.TryTake(),
              ::testing::Optional(StatusIs(absl::StatusCode::kCancelled, "could not be scheduled")));
}

TEST(Task, YieldReschedulesThroughTheContext) {
  ManualResumeContext context;
  std::vector<std::string> log;
  auto body = [](std::string name, std::vector<std::string>* log) -> Task<> {
    log->push_back(name + "1");
    co_await Yield();
    log->push_back(name + "2");
  };
  JoinHandle<void> a = Spawn(context, body("a", &log));
  JoinHandle<void> b = Spawn(context, body("b", &log));
  context.RunAll();
  EXPECT_THAT(log, ElementsAre("a1", "b1", "a2", "b2"));
  EXPECT_EQ(context.yields(), 2);
  EXPECT_TRUE(a.IsReady());
  EXPECT_TRUE(b.IsReady());
}

TEST(Task, RefusedYieldCancelsTheTask) {
  ManualResumeContext context;
  bool after_yield = false;
  auto body = [](bool* after) -> Task<> {
    co_await Yield();
    *after = true;
  };
  JoinHandle<void> handle = Spawn(context, body(&after_yield));
  context.set_refuse(true);
  context.RunOne();  // runs to the Yield, whose rescheduling is refused
  EXPECT_FALSE(after_yield);
  EXPECT_THAT(handle.TryTake(), ::testing::Optional(StatusIs(absl::StatusCode::kCancelled)));
}

TEST(Task, AJoinHandleCanBeAwaitedByAnotherTask) {
  TestThreadExecutor executor(2);
  auto [promise, future] = MakePromise<int>();
  JoinHandle<int> first = Spawn(executor, AwaitWhileHolding(std::make_shared<int>(1), std::move(future)));
  auto second = [](JoinHandle<int> h) -> Task<int> {
    absl::StatusOr<int> v = co_await std::move(h);
    co_return *v * 10;
  };
  JoinHandle<int> handle = Spawn(executor, second(std::move(first)));
  promise.Fulfil(4);
  EXPECT_THAT(handle.WaitFor(kLongWait), IsOkAndHolds(50));
  ASSERT_OK(executor.Shutdown());
}

TEST(Task, DroppedJoinHandleDetachesTheTask) {
  TestThreadExecutor executor(1);
  auto [done, done_future] = MakePromise<void>();
  auto body = [](Promise<void> done) -> Task<> {
    co_await Yield();
    done.Fulfil();
  };
  { JoinHandle<void> dropped = Spawn(executor, body(std::move(done))); }
  EXPECT_OK(done_future.WaitFor(kLongWait));
  ASSERT_OK(executor.Shutdown());
}

TEST(Task, InvalidFuturesAndTasksYieldFailedPrecondition) {
  ManualResumeContext context;
  auto body = []() -> Task<std::vector<absl::StatusCode>> {
    Future<int> invalid_future;
    Task<int> invalid_task;
    absl::StatusOr<int> a = co_await std::move(invalid_future);
    absl::StatusOr<int> b = co_await std::move(invalid_task);
    co_return std::vector<absl::StatusCode>{a.status().code(), b.status().code()};
  };
  JoinHandle<std::vector<absl::StatusCode>> handle = Spawn(context, body());
  context.RunAll();
  EXPECT_THAT(handle.TryTake(),
              ::testing::Optional(IsOkAndHolds(ElementsAre(absl::StatusCode::kFailedPrecondition,
                                                           absl::StatusCode::kFailedPrecondition))));
  EXPECT_THAT(Spawn(context, Task<int>()).Wait(), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(Task, LongSynchronousAwaitChainsDoNotGrowTheStack) {
  // Symmetric transfer: each child completes at once and hands control straight
  // back, so a long loop of awaits needs constant stack.
  ManualResumeContext context;
  const int n = kSanitizer == Sanitizer::kNone ? 1'000'000 : 100'000;
  auto body = [](int n) -> Task<long> {
    long sum = 0;
    for (int i = 0; i < n; ++i) sum += *co_await Constant(1);
    co_return sum;
  };
  JoinHandle<long> handle = Spawn(context, body(n));
  context.RunAll();
  EXPECT_THAT(handle.TryTake(), ::testing::Optional(IsOkAndHolds(n)));
}

TEST(TaskRace, AwaitsRaceCompletionsFromAnotherThread) {
  TestThreadExecutor executor(2);
  const int n = kSanitizer == Sanitizer::kNone ? 20000 : 3000;
  std::vector<Promise<int>> promises;
  std::vector<Future<int>> futures;
  for (int i = 0; i < n; ++i) {
    auto [p, f] = MakePromise<int>();
    promises.push_back(std::move(p));
    futures.push_back(std::move(f));
  }
  auto body = [](std::vector<Future<int>> futures) -> Task<long> {
    long sum = 0;
    for (Future<int>& f : futures) {
      absl::StatusOr<int> v = co_await std::move(f);
      if (!v.ok()) co_return v.status();
      sum += *v;
    }
    co_return sum;
  };
  JoinHandle<long> handle = Spawn(executor, body(std::move(futures)));
  std::thread producer([&] {
    for (int i = 0; i < n; ++i) promises[i].Fulfil(i);
  });
  EXPECT_THAT(handle.WaitFor(kLongWait), IsOkAndHolds(static_cast<long>(n) * (n - 1) / 2));
  producer.join();
  ASSERT_OK(executor.Shutdown());
}

TEST(TaskRace, ManyTasksOnAThreadPool) {
  TestThreadExecutor executor(2);
  const int n = kSanitizer == Sanitizer::kNone ? 5000 : 500;
  auto body = [](int i) -> Task<int> {
    co_await Yield();
    absl::StatusOr<int> v = co_await Constant(i);
    co_return *v;
  };
  std::vector<JoinHandle<int>> handles;
  for (int i = 0; i < n; ++i) handles.push_back(Spawn(executor, body(i)));
  for (int i = 0; i < n; ++i) ASSERT_THAT(handles[i].WaitFor(kLongWait), IsOkAndHolds(i));
  ASSERT_OK(executor.Shutdown());
}

TEST(TaskRace, ShutdownWhileTasksWaitCancelsThemWithoutLeaks) {
  auto executor = std::make_unique<TestThreadExecutor>(2);
  auto token = std::make_shared<int>(0);
  const int n = 200;
  std::vector<Promise<int>> promises;
  std::vector<JoinHandle<int>> handles;
  for (int i = 0; i < n; ++i) {
    auto [p, f] = MakePromise<int>();
    promises.push_back(std::move(p));
    handles.push_back(Spawn(*executor, AwaitWhileHolding(token, std::move(f))));
  }
  // Let every task reach its co_await (or not: either way it ends up cancelled or done).
  ASSERT_OK(executor->Shutdown());
  promises.clear();  // completions now find the executor shut down
  for (int i = 0; i < n; ++i) {
    ASSERT_THAT(handles[i].WaitFor(kLongWait), StatusIs(absl::StatusCode::kCancelled)) << i;
  }
  EXPECT_EQ(token.use_count(), 1);
}

}  // namespace
}  // namespace kompact
