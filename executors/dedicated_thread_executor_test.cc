// DedicatedThreadExecutor specifics (FEATURES.md X1, X3, R3): one thread, FIFO
// for its own submissions, pinning. The shared Executor contract is in
// executor_conformance_test.cc.
#include "executors/dedicated_thread_executor.h"

#include <glog/logging.h>
#include <sched.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/capture_log_sink.h"
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

std::unique_ptr<DedicatedThreadExecutor> Make(absl::StatusOr<std::unique_ptr<DedicatedThreadExecutor>> made) {
  CHECK(made.ok()) << made.status();
  return std::move(made).value();
}

TEST(DedicatedThreadExecutor, RunsEverythingOnItsOneThread) {
  auto executor = Make(DedicatedThreadExecutor::Create());
  EXPECT_EQ(executor->num_threads(), 1u);
  constexpr int kTasks = 5000;
  CountDownLatch done(kTasks);
  std::vector<std::thread::id> threads(kTasks);
  std::vector<std::thread> producers;
  for (int p = 0; p < 2; ++p) {
    producers.emplace_back([&, p] {
      for (int i = p; i < kTasks; i += 2) {
        CHECK(executor
                  ->Execute([&, i] {
                    threads[i] = std::this_thread::get_id();
                    done.CountDown();
                  })
                  .ok());
      }
    });
  }
  for (std::thread& producer : producers) producer.join();
  ASSERT_TRUE(done.WaitFor());
  for (int i = 1; i < kTasks; ++i) ASSERT_EQ(threads[i], threads[0]);
  EXPECT_NE(threads[0], std::this_thread::get_id());
}

TEST(DedicatedThreadExecutor, OwnSubmissionsRunInOrderWhateverTheHint) {
  auto executor = Make(DedicatedThreadExecutor::Create());
  std::string order;
  CountDownLatch done(4);
  struct Recorder final : Runnable {
    Recorder(char name, std::string* order, CountDownLatch* done) : name(name), order(order), done(done) {}
    void Run() override {
      order->push_back(name);
      done->CountDown();
    }
    char name;
    std::string* order;
    CountDownLatch* done;
  };
  Recorder a('a', &order, &done), b('b', &order, &done), c('c', &order, &done);
  ASSERT_THAT(executor->Execute([&] {
    order.push_back('0');
    CHECK(executor->Schedule(a, ScheduleHint::kWake).ok());
    CHECK(executor->Schedule(b, ScheduleHint::kYield).ok());
    CHECK(executor->Schedule(c, ScheduleHint::kWake).ok());
    done.CountDown();
  }),
              IsOk());
  ASSERT_TRUE(done.WaitFor());
  EXPECT_EQ(order, "0abc");
}

TEST(DedicatedThreadExecutor, CreatePinnedPinsTheThread) {
  const int core = executors_internal::AvailableCpus().back();
  auto executor = Make(DedicatedThreadExecutor::CreatePinned(core));
  CountDownLatch done(1);
  std::vector<int> affinity;
  ASSERT_THAT(executor->Execute([&] {
    affinity = executors_internal::CurrentThreadAffinity();
    done.CountDown();
  }),
              IsOk());
  ASSERT_TRUE(done.WaitFor());
  EXPECT_EQ(affinity, std::vector<int>{core});
}

TEST(DedicatedThreadExecutor, UnavailableCoreIsAWarning) {
  auto sink = std::make_shared<CaptureLogSink>();
  DedicatedThreadExecutor::Options options;
  options.thread_name = "ded-test";
  options.logger = Logger(sink);
  auto executor = Make(DedicatedThreadExecutor::CreatePinned(CPU_SETSIZE - 1, options));
  EXPECT_TRUE(sink->WaitFor("ded-test: processing unit", absl::Seconds(30)));
  CountDownLatch done(1);
  ASSERT_THAT(executor->Execute([&] { done.CountDown(); }), IsOk());
  EXPECT_TRUE(done.WaitFor());
}

TEST(DedicatedThreadExecutor, CreateRejectsABadCoreId) {
  EXPECT_THAT(DedicatedThreadExecutor::CreatePinned(-2),
              StatusIs(absl::StatusCode::kInvalidArgument, "Options.core = -2"));
  EXPECT_THAT(DedicatedThreadExecutor::CreatePinned(CPU_SETSIZE),
              StatusIs(absl::StatusCode::kInvalidArgument, "Options.core"));
}

TEST(DedicatedThreadExecutor, NamesItsThreadAndParksWhenIdle) {
  DedicatedThreadExecutor::Options options;
  options.thread_name = "ded-name";
  options.park = true;
  auto executor = Make(DedicatedThreadExecutor::Create(options));
  EXPECT_TRUE(WaitUntil([&] { return executor->stats().parks >= 1; }));
  CountDownLatch done(1);
  std::string name;
  ASSERT_THAT(executor->Execute([&] {
    char buffer[16] = {};
    pthread_getname_np(pthread_self(), buffer, sizeof(buffer));
    name = buffer;
    done.CountDown();
  }),
              IsOk());
  ASSERT_TRUE(done.WaitFor());
  EXPECT_EQ(name, "ded-name");
}

}  // namespace
}  // namespace kompact
