// SharedQueuePool specifics (FEATURES.md X1, X3): one FIFO served by all
// threads, option validation, pinning. The shared Executor contract is in
// executor_conformance_test.cc.
#include "executors/shared_queue_pool.h"

#include <glog/logging.h>

#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "executors/internal/pinning.h"
#include "executors/internal/test_util.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "testing/wait_until.h"

namespace kompact {
namespace {

using executors_internal::CountDownLatch;
using ::kompact::testing::IsOk;
using ::kompact::testing::StatusIs;
using ::kompact::testing::WaitUntil;

std::unique_ptr<SharedQueuePool> MakePool(PoolOptions options) {
  absl::StatusOr<std::unique_ptr<SharedQueuePool>> pool = SharedQueuePool::Create(std::move(options));
  CHECK(pool.ok()) << pool.status();
  return std::move(pool).value();
}

TEST(SharedQueuePool, OneThreadRunsTasksInSubmissionOrder) {
  PoolOptions options;
  options.threads = 1;
  auto pool = MakePool(options);
  std::vector<int> order;
  constexpr int kTasks = 1000;
  CountDownLatch done(kTasks);
  for (int i = 0; i < kTasks; ++i) {
    ASSERT_THAT(pool->Execute([&order, &done, i] {
      order.push_back(i);
      done.CountDown();
    }),
                IsOk());
  }
  ASSERT_TRUE(done.WaitFor());
  for (int i = 0; i < kTasks; ++i) ASSERT_EQ(order[i], i);
}

TEST(SharedQueuePool, AllThreadsServeTheSharedQueue) {
  PoolOptions options;
  options.threads = 3;
  auto pool = MakePool(options);
  // Each task holds its thread until all three run at once: only possible if
  // three different threads took them from the one queue.
  CountDownLatch started(3);
  CountDownLatch finished(3);
  std::mutex mu;
  std::set<std::thread::id> threads;
  for (int i = 0; i < 3; ++i) {
    ASSERT_THAT(pool->Execute([&] {
      {
        std::lock_guard<std::mutex> lock(mu);
        threads.insert(std::this_thread::get_id());
      }
      started.CountDown();
      if (started.WaitFor()) finished.CountDown();
    }),
                IsOk());
  }
  ASSERT_TRUE(finished.WaitFor());
  EXPECT_EQ(threads.size(), 3u);
  EXPECT_EQ(pool->num_threads(), 3u);
}

TEST(SharedQueuePool, CreateRejectsBadOptionsNamingTheField) {
  PoolOptions zero;
  zero.threads = 0;
  EXPECT_THAT(SharedQueuePool::Create(zero),
              StatusIs(absl::StatusCode::kInvalidArgument, "SharedQueuePool: PoolOptions.threads"));
  PoolOptions bad_core;
  bad_core.threads = 1;
  bad_core.cores = {100000};
  EXPECT_THAT(SharedQueuePool::Create(bad_core),
              StatusIs(absl::StatusCode::kInvalidArgument, "PoolOptions.cores[0] = 100000"));
}

TEST(SharedQueuePool, PinsThreadsToTheConfiguredCores) {
  const std::vector<int> available = executors_internal::AvailableCpus();
  PoolOptions options;
  options.threads = 2;
  options.cores = {available.front()};
  auto pool = MakePool(options);
  CountDownLatch started(2);
  CountDownLatch finished(2);
  std::mutex mu;
  std::vector<std::vector<int>> affinities;
  for (int i = 0; i < 2; ++i) {
    ASSERT_THAT(pool->Execute([&] {
      {
        std::lock_guard<std::mutex> lock(mu);
        affinities.push_back(executors_internal::CurrentThreadAffinity());
      }
      started.CountDown();
      if (started.WaitFor()) finished.CountDown();
    }),
                IsOk());
  }
  ASSERT_TRUE(finished.WaitFor());
  for (const std::vector<int>& affinity : affinities) {
    EXPECT_EQ(affinity, std::vector<int>{available.front()});
  }
}

TEST(SharedQueuePool, IdleThreadsPark) {
  PoolOptions options;
  options.threads = 2;
  options.park = true;
  auto pool = MakePool(options);
  EXPECT_TRUE(WaitUntil([&] { return pool->stats().parks >= 2; }));
  CountDownLatch ran(1);
  ASSERT_THAT(pool->Execute([&] { ran.CountDown(); }), IsOk());
  ASSERT_TRUE(ran.WaitFor());
  EXPECT_GE(pool->stats().tasks_run, 1u);
}

}  // namespace
}  // namespace kompact
