#include "executors/future_collection.h"

#include <memory>
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
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

using ::kompact::executors_internal::TestThreadExecutor;
using ::kompact::testing::IsOk;
using ::kompact::testing::IsOkAndHolds;
using ::kompact::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr absl::Duration kLongWait = absl::Seconds(30);

struct Pairs {
  std::vector<Promise<int>> promises;
  std::vector<Future<int>> futures;
};

Pairs MakePairs(int n) {
  Pairs pairs;
  for (int i = 0; i < n; ++i) {
    auto [promise, future] = MakePromise<int>();
    pairs.promises.push_back(std::move(promise));
    pairs.futures.push_back(std::move(future));
  }
  return pairs;
}

TEST(WaitAll, CompletesWithEveryResultInInputOrder) {
  Pairs pairs = MakePairs(3);
  pairs.promises[1].Fulfil(10);  // before WaitAll attaches
  Future<std::vector<absl::StatusOr<int>>> all = WaitAll(std::move(pairs.futures));
  EXPECT_FALSE(all.IsReady());
  pairs.promises[2].Fail(absl::NotFoundError("two"));
  EXPECT_FALSE(all.IsReady());
  pairs.promises[0].Fulfil(0);
  ASSERT_TRUE(all.IsReady());
  ASSERT_OK_AND_ASSIGN(std::vector<absl::StatusOr<int>> results, all.Wait());
  EXPECT_THAT(results,
              ElementsAre(IsOkAndHolds(0), IsOkAndHolds(10), StatusIs(absl::StatusCode::kNotFound, "two")));
}

TEST(WaitAll, EmptyInputIsReadyAtOnce) {
  Future<std::vector<absl::StatusOr<int>>> all = WaitAll(std::vector<Future<int>>{});
  ASSERT_TRUE(all.IsReady());
  EXPECT_THAT(all.Wait(), IsOkAndHolds(IsEmpty()));
}

TEST(WaitAll, InvalidInputGetsFailedPreconditionInItsSlot) {
  std::vector<Future<int>> futures;
  futures.push_back(MakeReadyFuture<int>(1));
  futures.emplace_back();  // invalid
  ASSERT_OK_AND_ASSIGN(auto results, WaitAll(std::move(futures)).Wait());
  EXPECT_THAT(results, ElementsAre(IsOkAndHolds(1), StatusIs(absl::StatusCode::kFailedPrecondition)));
}

TEST(WaitAll, DroppedPromisesShowAsCancelled) {
  Pairs pairs = MakePairs(2);
  Future<std::vector<absl::StatusOr<int>>> all = WaitAll(std::move(pairs.futures));
  pairs.promises.clear();
  ASSERT_OK_AND_ASSIGN(auto results, all.Wait());
  EXPECT_THAT(results,
              ElementsAre(StatusIs(absl::StatusCode::kCancelled), StatusIs(absl::StatusCode::kCancelled)));
}

TEST(WaitAll, WorksForVoidFutures) {
  auto [a, fa] = MakePromise<void>();
  auto [b, fb] = MakePromise<void>();
  std::vector<Future<void>> futures;
  futures.push_back(std::move(fa));
  futures.push_back(std::move(fb));
  Future<std::vector<absl::Status>> all = WaitAll(std::move(futures));
  a.Fulfil();
  b.Fail(absl::AbortedError("b"));
  ASSERT_OK_AND_ASSIGN(auto results, all.Wait());
  EXPECT_THAT(results, ElementsAre(IsOk(), StatusIs(absl::StatusCode::kAborted)));
}

TEST(WaitAll, CompletedConcurrentlyFromManyThreads) {
  constexpr int kThreads = 4;
  const int per_thread = kSanitizer == Sanitizer::kNone ? 5000 : 500;
  Pairs pairs = MakePairs(kThreads * per_thread);
  Future<std::vector<absl::StatusOr<int>>> all = WaitAll(std::move(pairs.futures));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kThreads * per_thread; i += kThreads) pairs.promises[i].Fulfil(i);
    });
  }
  ASSERT_OK_AND_ASSIGN(auto results, all.WaitFor(kLongWait));
  for (std::thread& t : threads) t.join();
  ASSERT_EQ(results.size(), kThreads * per_thread);
  for (int i = 0; i < kThreads * per_thread; ++i) ASSERT_THAT(results[i], IsOkAndHolds(i)) << i;
}

TEST(WaitAll, DroppingTheResultFutureEarlyLeaksNothing) {
  auto token = std::make_shared<int>(0);
  auto [promise, future] = MakePromise<std::shared_ptr<int>>();
  std::vector<Future<std::shared_ptr<int>>> futures;
  futures.push_back(std::move(future));
  { auto gone = WaitAll(std::move(futures)); }
  promise.Fulfil(token);
  EXPECT_EQ(token.use_count(), 1);
}

TEST(CollectWithTimeout, ReturnsAllValuesInOrder) {
  Pairs pairs = MakePairs(3);
  std::thread producer([&] {
    for (int i = 2; i >= 0; --i) pairs.promises[i].Fulfil(i * 10);
  });
  EXPECT_THAT(CollectWithTimeout(std::move(pairs.futures), kLongWait), IsOkAndHolds(ElementsAre(0, 10, 20)));
  producer.join();
}

TEST(CollectWithTimeout, TimeoutSaysHowManyCompleted) {
  Pairs pairs = MakePairs(3);
  pairs.promises[0].Fulfil(1);
  pairs.promises[2].Fulfil(3);
  EXPECT_THAT(CollectWithTimeout(std::move(pairs.futures), absl::Milliseconds(20)),
              StatusIs(absl::StatusCode::kDeadlineExceeded, "2 of 3 futures completed within 20ms"));
}

TEST(CollectWithTimeout, TimeoutBoundsTheWholeCall) {
  // With a per-future timeout this would take 5 x 200 ms.
  Pairs pairs = MakePairs(5);
  const absl::Time start = absl::Now();
  EXPECT_THAT(CollectWithTimeout(std::move(pairs.futures), absl::Milliseconds(200)),
              StatusIs(absl::StatusCode::kDeadlineExceeded, "0 of 5"));
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(200) * 5);
}

TEST(CollectWithTimeout, FailureIsReportedWithItsIndex) {
  Pairs pairs = MakePairs(3);
  pairs.promises[0].Fulfil(1);
  pairs.promises.erase(pairs.promises.begin() + 1);  // dropped -> kCancelled
  EXPECT_THAT(CollectWithTimeout(std::move(pairs.futures), kLongWait),
              StatusIs(absl::StatusCode::kCancelled, "future 1 of 3"));
}

TEST(CollectWithTimeout, WorksForVoidFutures) {
  std::vector<Future<void>> futures;
  futures.push_back(MakeReadyFuture<void>(absl::OkStatus()));
  futures.push_back(MakeReadyFuture<void>(absl::OkStatus()));
  EXPECT_OK(CollectWithTimeout(std::move(futures), kLongWait));

  std::vector<Future<void>> failing;
  failing.push_back(MakeReadyFuture<void>(absl::DataLossError("x")));
  EXPECT_THAT(CollectWithTimeout(std::move(failing), kLongWait),
              StatusIs(absl::StatusCode::kDataLoss, "future 0 of 1"));
}

TEST(CollectWithTimeout, RefusedOnAnExecutorThread) {
  TestThreadExecutor executor(1);
  Pairs pairs = MakePairs(1);
  absl::Status status;
  auto [done, done_future] = MakePromise<void>();
  ASSERT_OK(executor.Execute([&, done = std::move(done)]() mutable {
    status = CollectWithTimeout(std::move(pairs.futures), kLongWait).status();
    done.Fulfil();
  }));
  ASSERT_OK(done_future.WaitFor(kLongWait));
  ASSERT_OK(executor.Shutdown());
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition, "executor thread"));
}

}  // namespace
}  // namespace kompact
