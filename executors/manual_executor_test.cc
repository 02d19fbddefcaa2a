#include "executors/manual_executor.h"

#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

using ::kompact::testing::IsOk;
using ::kompact::testing::StatusIs;

TEST(ManualExecutor, RunsNothingUntilAsked) {
  ManualExecutor executor;
  EXPECT_FALSE(executor.RunOne());
  int runs = 0;
  ASSERT_THAT(executor.Execute([&] { ++runs; }), IsOk());
  ASSERT_THAT(executor.Execute([&] { ++runs; }), IsOk());
  EXPECT_EQ(runs, 0);
  EXPECT_EQ(executor.pending(), 2u);
  EXPECT_TRUE(executor.RunOne());
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(executor.pending(), 1u);
  EXPECT_TRUE(executor.RunOne());
  EXPECT_FALSE(executor.RunOne());
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(executor.num_threads(), 0u);
}

TEST(ManualExecutor, RunsInSubmissionOrderIncludingTasksQueuedByTasks) {
  ManualExecutor executor;
  std::string order;
  ASSERT_THAT(executor.Execute([&] {
    order += 'a';
    EXPECT_THAT(executor.Execute([&] { order += 'c'; }), IsOk());
  }),
              IsOk());
  ASSERT_THAT(executor.Execute([&] { order += 'b'; }), IsOk());
  EXPECT_EQ(executor.RunUntilIdle(), 3u);
  EXPECT_EQ(order, "abc");
}

TEST(ManualExecutor, RunUntilIdleStopsAfterMaxSteps) {
  ManualExecutor executor;
  int runs = 0;
  for (int i = 0; i < 5; ++i) ASSERT_THAT(executor.Execute([&] { ++runs; }), IsOk());
  EXPECT_EQ(executor.RunUntilIdle(3), 3u);
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(executor.pending(), 2u);
  EXPECT_EQ(executor.RunUntilIdle(), 2u);
  EXPECT_EQ(executor.RunUntilIdle(), 0u);
}

TEST(ManualExecutor, TasksSeeTheirExecutorThread) {
  ManualExecutor executor;
  ManualExecutor other;
  bool on_executor = false;
  bool is_worker = false;
  bool other_is_worker = true;
  ASSERT_THAT(executor.Execute([&] {
    on_executor = OnExecutorThread();
    is_worker = executor.IsWorkerThread();
    other_is_worker = other.IsWorkerThread();
  }),
              IsOk());
  EXPECT_FALSE(executor.IsWorkerThread());
  ASSERT_TRUE(executor.RunOne());
  EXPECT_TRUE(on_executor);
  EXPECT_TRUE(is_worker);
  EXPECT_FALSE(other_is_worker);
  EXPECT_FALSE(OnExecutorThread());
  EXPECT_FALSE(executor.IsWorkerThread());
}

TEST(ManualExecutor, AcceptsSchedulesFromAnyThread) {
  ManualExecutor executor;
  int runs = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) EXPECT_THAT(executor.Execute([&] { ++runs; }), IsOk());
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(executor.pending(), 4000u);
  EXPECT_EQ(executor.RunUntilIdle(), 4000u);
  EXPECT_EQ(runs, 4000);
}

TEST(ManualExecutor, ShutdownAsyncRefusesNewWorkAndKeepsQueuedWork) {
  ManualExecutor executor;
  int runs = 0;
  ASSERT_THAT(executor.Execute([&] { ++runs; }), IsOk());
  executor.ShutdownAsync();
  EXPECT_TRUE(executor.is_shut_down());
  EXPECT_THAT(executor.Execute([&] { ++runs; }),
              StatusIs(absl::StatusCode::kFailedPrecondition, "shut down"));
  EXPECT_EQ(executor.pending(), 1u);
  EXPECT_TRUE(executor.RunOne());
  EXPECT_EQ(runs, 1);
}

TEST(ManualExecutor, ShutdownRunsWhatIsQueuedAndIsRefusedFromATask) {
  ManualExecutor executor;
  int runs = 0;
  absl::Status from_task;
  ASSERT_THAT(executor.Execute([&] {
    ++runs;
    from_task = executor.Shutdown();
  }),
              IsOk());
  ASSERT_THAT(executor.Execute([&] { ++runs; }), IsOk());
  ASSERT_TRUE(executor.RunOne());
  EXPECT_THAT(from_task, StatusIs(absl::StatusCode::kFailedPrecondition, "own tasks"));
  EXPECT_THAT(executor.Shutdown(), IsOk());
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(executor.pending(), 0u);
  executor.AwaitTermination();  // no threads: returns at once
}

TEST(ManualExecutor, DestructorRunsQueuedTasks) {
  int runs = 0;
  {
    ManualExecutor executor;
    ASSERT_THAT(executor.Execute([&] { ++runs; }), IsOk());
  }
  EXPECT_EQ(runs, 1);
}

}  // namespace
}  // namespace kompact
