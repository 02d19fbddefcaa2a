// WorkStealingPool specifics (FEATURES.md X1-X3, R5): local scheduling stays on
// the worker, stealing, fairness of the injector and the local queue against the
// next slot, hint semantics, option validation, pinning. The shared Executor
// contract is in executor_conformance_test.cc.
#include "executors/work_stealing_pool.h"

#include <glog/logging.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/build_config.h"
#include "base/capture_log_sink.h"
#include "executors/internal/pinning.h"
#include "executors/internal/test_util.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "testing/wait_until.h"

namespace kompact {
namespace {

using executors_internal::CountDownLatch;
using executors_internal::CurrentThreadAffinity;
using ::kompact::testing::IsOk;
using ::kompact::testing::StatusIs;
using ::kompact::testing::WaitUntil;
using ::testing::HasSubstr;

std::unique_ptr<WorkStealingPool> MakePool(PoolOptions options) {
  absl::StatusOr<std::unique_ptr<WorkStealingPool>> pool = WorkStealingPool::Create(std::move(options));
  CHECK(pool.ok()) << pool.status();
  return std::move(pool).value();
}

std::unique_ptr<WorkStealingPool> MakePool(size_t threads) {
  PoolOptions options;
  options.threads = threads;
  return MakePool(std::move(options));
}

// Two runnables that wake each other with kWake until `rounds` runs are done.
class PingPong {
 public:
  PingPong(Executor& executor, int rounds) : executor_(executor), rounds_(rounds) {
    a_.self = this;
    b_.self = this;
    a_.partner = &b_;
    b_.partner = &a_;
  }
  Runnable& start() { return a_; }
  CountDownLatch& done() { return done_; }
  const std::vector<std::thread::id>& threads() const { return threads_; }
  void Stop() { stop_.store(true); }

 private:
  struct Side final : Runnable {
    PingPong* self = nullptr;
    Side* partner = nullptr;
    void Run() override { self->Hit(*partner); }
  };

  void Hit(Side& partner) {
    threads_.push_back(std::this_thread::get_id());  // runs are serialised by the hand-off
    if (++runs_ >= rounds_ || stop_.load()) {
      done_.CountDown();
      return;
    }
    CHECK(executor_.Schedule(partner, ScheduleHint::kWake).ok());
  }

  Executor& executor_;
  const int rounds_;
  int runs_ = 0;
  std::atomic<bool> stop_{false};
  Side a_, b_;
  std::vector<std::thread::id> threads_;
  CountDownLatch done_{1};
};

TEST(WorkStealingPool, KeepsWakeRescheduledPartnerOnTheSameWorker) {
  auto pool = MakePool(2);
  PingPong pair(*pool, 100'000);
  ASSERT_THAT(pool->Schedule(pair.start()), IsOk());
  ASSERT_TRUE(pair.done().WaitFor());
  ASSERT_EQ(pair.threads().size(), 100'000u);
  const std::thread::id first = pair.threads().front();
  EXPECT_EQ(std::count(pair.threads().begin(), pair.threads().end(), first), 100'000)
      << "the pair moved between workers";
  EXPECT_EQ(pool->stats().steals, 0u);
  ASSERT_THAT(pool->Shutdown(), IsOk());
}

TEST(WorkStealingPool, StealsFromAWorkerThatIsBlocked) {
  struct Child final : Runnable {
    std::function<void()> body;
    void Run() override { body(); }
  };
  std::vector<std::unique_ptr<Child>> children;
  constexpr int kChildren = 10;
  // The blocked worker keeps its next slot and its last queued task; the other
  // worker must steal the rest.
  constexpr int kStealable = kChildren - 2;
  CountDownLatch stolen_ran(kStealable);
  std::mutex mu;
  std::vector<std::thread::id> child_threads;
  std::thread::id blocked_thread;
  for (int i = 0; i < kChildren; ++i) {
    auto child = std::make_unique<Child>();
    child->body = [&] {
      {
        std::lock_guard<std::mutex> lock(mu);
        child_threads.push_back(std::this_thread::get_id());
      }
      stolen_ran.CountDown();
    };
    children.push_back(std::move(child));
  }
  bool all_stolen_ran = false;
  CountDownLatch parent_done(1);
  // Created after everything its tasks use, so that an early return (a failed
  // ASSERT) joins the workers before those are destroyed.
  auto pool = MakePool(2);
  ASSERT_THAT(pool->Execute([&] {
    blocked_thread = std::this_thread::get_id();
    for (auto& child : children) CHECK(pool->Schedule(*child, ScheduleHint::kWake).ok());
    all_stolen_ran = stolen_ran.WaitFor();  // blocks this worker
    parent_done.CountDown();
  }),
              IsOk());
  ASSERT_TRUE(parent_done.WaitFor());
  EXPECT_TRUE(all_stolen_ran) << "the idle worker did not steal";
  ASSERT_TRUE(WaitUntil([&] {
    std::lock_guard<std::mutex> lock(mu);
    return child_threads.size() == kChildren;
  }));
  // The first kStealable children ran while the parent's worker was blocked.
  // Join before the children (used by the tasks) go out of scope.
  ASSERT_THAT(pool->Shutdown(), IsOk());
  for (int i = 0; i < kStealable; ++i) EXPECT_NE(child_threads[i], blocked_thread);
  EXPECT_GE(pool->stats().steals, static_cast<uint64_t>(kStealable));
}

TEST(WorkStealingPool, InjectorWorkRunsWhileLocalWorkKeepsComing) {
  auto pool = MakePool(1);  // one worker, permanently busy with a ping-pong pair
  PingPong pair(*pool, 1 << 30);
  ASSERT_THAT(pool->Schedule(pair.start()), IsOk());
  for (int i = 0; i < 100; ++i) {
    CountDownLatch ran(1);
    ASSERT_THAT(pool->Execute([&ran] { ran.CountDown(); }), IsOk());
    ASSERT_TRUE(ran.WaitFor()) << "external task " << i << " starved by local work";
  }
  pair.Stop();
  ASSERT_TRUE(pair.done().WaitFor());
  ASSERT_THAT(pool->Shutdown(), IsOk());
}

TEST(WorkStealingPool, LocalQueueRunsWhileTheNextSlotKeepsBeingRefilled) {
  auto pool = MakePool(1);
  PingPong pair(*pool, 1 << 30);
  CountDownLatch yielded_ran(1);
  struct Yielded final : Runnable {
    CountDownLatch* latch;
    void Run() override { latch->CountDown(); }
  } yielded;
  yielded.latch = &yielded_ran;
  ASSERT_THAT(pool->Execute([&] {
    CHECK(pool->Schedule(pair.start(), ScheduleHint::kWake).ok());
    CHECK(pool->Schedule(yielded, ScheduleHint::kYield).ok());
  }),
              IsOk());
  EXPECT_TRUE(yielded_ran.WaitFor()) << "local queue starved by the next slot";
  pair.Stop();
  ASSERT_TRUE(pair.done().WaitFor());
  ASSERT_THAT(pool->Shutdown(), IsOk());
}

TEST(WorkStealingPool, OldDequeEntriesRunDespitePerpetualNextSlotChurn) {
  auto pool = MakePool(1);
  PingPong pair(*pool, 1 << 30);
  CountDownLatch old_ran(2);
  struct Old final : Runnable {
    CountDownLatch* latch;
    void Run() override { latch->CountDown(); }
  } x, a;
  x.latch = &old_ran;
  a.latch = &old_ran;
  ASSERT_THAT(pool->Execute([&] {
    // x and then a are displaced into the deque; the pair then only ever swaps
    // through the next slot, so the deque is never popped in the normal order.
    CHECK(pool->Schedule(x, ScheduleHint::kWake).ok());
    CHECK(pool->Schedule(a, ScheduleHint::kWake).ok());
    CHECK(pool->Schedule(pair.start(), ScheduleHint::kWake).ok());
  }),
              IsOk());
  EXPECT_TRUE(old_ran.WaitFor()) << "deque entries starved";
  pair.Stop();
  ASSERT_TRUE(pair.done().WaitFor());
  ASSERT_THAT(pool->Shutdown(), IsOk());
}

TEST(WorkStealingPool, FullLocalQueuesSpillToTheInjectorAndEverythingRunsOnce) {
  auto pool = MakePool(2);
  // Far more than the deque (kWake) and the FIFO queue (kYield) hold.
  constexpr int kPerHint = 5000;
  struct Counted final : Runnable {
    std::atomic<int>* runs;
    CountDownLatch* done;
    void Run() override {
      runs->fetch_add(1);
      done->CountDown();
    }
  };
  std::vector<std::atomic<int>> runs(2 * kPerHint);
  std::vector<Counted> tasks(2 * kPerHint);
  CountDownLatch done(2 * kPerHint);
  for (size_t i = 0; i < tasks.size(); ++i) {
    tasks[i].runs = &runs[i];
    tasks[i].done = &done;
  }
  const uint64_t pops_before = pool->stats().injector_pops;
  ASSERT_THAT(pool->Execute([&] {
    for (int i = 0; i < kPerHint; ++i) {
      CHECK(pool->Schedule(tasks[2 * i], ScheduleHint::kWake).ok());
      CHECK(pool->Schedule(tasks[2 * i + 1], ScheduleHint::kYield).ok());
    }
  }),
              IsOk());
  ASSERT_TRUE(done.WaitFor());
  ASSERT_THAT(pool->Shutdown(), IsOk());
  for (size_t i = 0; i < runs.size(); ++i) ASSERT_EQ(runs[i].load(), 1) << "task " << i;
  EXPECT_GT(pool->stats().injector_pops, pops_before + 1) << "nothing spilled to the injector";
}

TEST(WorkStealingPool, WakeRunsNextAndYieldGoesToTheBack) {
  auto pool = MakePool(1);
  struct Recorder final : Runnable {
    Recorder(char name, std::string* order, CountDownLatch* done) : name(name), order(order), done(done) {}
    char name;
    std::string* order;
    CountDownLatch* done;
    void Run() override {
      order->push_back(name);
      done->CountDown();
    }
  };
  int wake_first = 0;
  constexpr int kRepeats = 20;
  for (int repeat = 0; repeat < kRepeats; ++repeat) {
    std::string order;
    CountDownLatch done(3);
    Recorder y1('1', &order, &done), y2('2', &order, &done), w('W', &order, &done);
    ASSERT_THAT(pool->Execute([&] {
      CHECK(pool->Schedule(y1, ScheduleHint::kYield).ok());
      CHECK(pool->Schedule(y2, ScheduleHint::kYield).ok());
      CHECK(pool->Schedule(w, ScheduleHint::kWake).ok());
    }),
                IsOk());
    ASSERT_TRUE(done.WaitFor());
    // The local queue is FIFO; the next slot runs before the queue except when a
    // fairness tick (1 in 61 searches) takes the queue's head first.
    ASSERT_TRUE(order == "W12" || order == "1W2") << order;
    wake_first += order == "W12";
  }
  EXPECT_GE(wake_first, kRepeats / 2);
}

TEST(WorkStealingPool, ScheduleFromAnotherPoolsWorkerGoesThroughTheInjector) {
  auto pool = MakePool(2);
  auto other = MakePool(1);
  CountDownLatch done(1);
  bool ran_on_pool = false;
  struct Probe final : Runnable {
    WorkStealingPool* pool;
    bool* ran_on_pool;
    CountDownLatch* done;
    void Run() override {
      *ran_on_pool = pool->CurrentWorkerIndex().has_value();
      done->CountDown();
    }
  } probe;
  probe.pool = pool.get();
  probe.ran_on_pool = &ran_on_pool;
  probe.done = &done;
  const uint64_t pops_before = pool->stats().injector_pops;
  ASSERT_THAT(other->Execute([&] { CHECK(pool->Schedule(probe, ScheduleHint::kWake).ok()); }), IsOk());
  ASSERT_TRUE(done.WaitFor());
  EXPECT_TRUE(ran_on_pool);
  EXPECT_GT(pool->stats().injector_pops, pops_before);
  EXPECT_FALSE(pool->CurrentWorkerIndex().has_value());
}

TEST(WorkStealingPool, CreateRejectsBadOptionsNamingTheField) {
  PoolOptions zero;
  zero.threads = 0;
  EXPECT_THAT(WorkStealingPool::Create(zero),
              StatusIs(absl::StatusCode::kInvalidArgument, "PoolOptions.threads = 0"));
  PoolOptions huge;
  huge.threads = PoolOptions::kMaxThreads + 1;
  EXPECT_THAT(WorkStealingPool::Create(huge),
              StatusIs(absl::StatusCode::kInvalidArgument, "PoolOptions.threads"));
  PoolOptions bad_core;
  bad_core.threads = 1;
  bad_core.cores = {0, -3};
  EXPECT_THAT(WorkStealingPool::Create(bad_core),
              StatusIs(absl::StatusCode::kInvalidArgument, "PoolOptions.cores[1] = -3"));
}

// Runs one task on each of the pool's workers at the same time (each blocks until
// all have started) and returns each worker's affinity, by worker index.
std::vector<std::vector<int>> AffinityPerWorker(WorkStealingPool& pool) {
  const size_t n = pool.num_threads();
  std::vector<std::vector<int>> affinity(n);
  std::mutex mu;
  CountDownLatch started(static_cast<int64_t>(n));
  CountDownLatch finished(static_cast<int64_t>(n));
  for (size_t i = 0; i < n; ++i) {
    CHECK(pool.Execute([&] {
                {
                  std::lock_guard<std::mutex> lock(mu);
                  affinity[*pool.CurrentWorkerIndex()] = CurrentThreadAffinity();
                }
                started.CountDown();
                started.WaitFor();  // holds this worker so the next task goes elsewhere
                finished.CountDown();
              })
              .ok());
  }
  CHECK(finished.WaitFor());
  return affinity;
}

TEST(WorkStealingPool, PinsWorkersToTheConfiguredCores) {
  const std::vector<int> available = executors_internal::AvailableCpus();
  PoolOptions options;
  options.threads = 2;
  options.cores = {available.back()};
  auto pool = MakePool(options);
  for (const std::vector<int>& affinity : AffinityPerWorker(*pool)) {
    EXPECT_EQ(affinity, std::vector<int>{available.back()});
  }
}

TEST(WorkStealingPool, PinThreadsSpreadsWorkersOverAvailableUnits) {
  const std::vector<int> available = executors_internal::AvailableCpus();
  PoolOptions options;
  options.threads = 2;
  options.pin_threads = true;
  auto pool = MakePool(options);
  const std::vector<std::vector<int>> affinity = AffinityPerWorker(*pool);
  for (size_t i = 0; i < affinity.size(); ++i) {
    EXPECT_EQ(affinity[i], std::vector<int>{available[i % available.size()]}) << "worker " << i;
  }
}

TEST(WorkStealingPool, UnavailableCoreIsAWarningAndTheWorkerRunsUnpinned) {
  auto sink = std::make_shared<CaptureLogSink>();
  PoolOptions options;
  options.threads = 1;
  options.cores = {CPU_SETSIZE - 1};  // a valid id this machine does not have
  options.thread_name_prefix = "pin-test";
  options.logger = Logger(sink);
  auto pool = MakePool(options);
  EXPECT_TRUE(sink->WaitFor("not available", absl::Seconds(30)));
  EXPECT_TRUE(sink->Contains("pin-test-0"));
  EXPECT_EQ(AffinityPerWorker(*pool)[0], executors_internal::AvailableCpus());
  const std::vector<CaptureLogSink::Entry> entries = sink->Entries();
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries[0].level, LogLevel::kWarning);
}

TEST(WorkStealingPool, NamesItsThreads) {
  PoolOptions options;
  options.threads = 1;
  options.thread_name_prefix = "ws-name";
  auto pool = MakePool(options);
  CountDownLatch done(1);
  std::string name;
  ASSERT_THAT(pool->Execute([&] {
    char buffer[16] = {};
    pthread_getname_np(pthread_self(), buffer, sizeof(buffer));
    name = buffer;
    done.CountDown();
  }),
              IsOk());
  ASSERT_TRUE(done.WaitFor());
  EXPECT_EQ(name, "ws-name-0");
}

TEST(WorkStealingPool, IdleWorkersPark) {
  PoolOptions options;
  options.threads = 2;
  options.park = true;
  auto pool = MakePool(options);
  CountDownLatch ran(1);
  ASSERT_THAT(pool->Execute([&] { ran.CountDown(); }), IsOk());
  ASSERT_TRUE(ran.WaitFor());
  EXPECT_TRUE(WaitUntil([&] { return pool->stats().parks >= 2; }));
}

// --config=low_latency: default workers spin and never park; otherwise they park.
TEST(WorkStealingPool, DefaultParkingFollowsTheLowLatencyConfig) {
  PoolOptions options;
  options.threads = 2;
  auto pool = MakePool(options);
  CountDownLatch ran(1);
  ASSERT_THAT(pool->Execute([&] { ran.CountDown(); }), IsOk());
  ASSERT_TRUE(ran.WaitFor());
  if (kLowLatency) {
    // A parking worker parks within microseconds of going idle.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(pool->stats().parks, 0u);
  } else {
    EXPECT_TRUE(WaitUntil([&] { return pool->stats().parks > 0; }));
  }
}

// --config=thread_pinning: default workers are pinned, worker i to the i-th
// available unit; otherwise they keep the process's affinity.
TEST(WorkStealingPool, DefaultPinningFollowsTheThreadPinningConfig) {
  const std::vector<int> available = executors_internal::AvailableCpus();
  PoolOptions options;
  options.threads = 2;
  auto pool = MakePool(options);
  const std::vector<std::vector<int>> affinity = AffinityPerWorker(*pool);
  for (size_t i = 0; i < affinity.size(); ++i) {
    if (kThreadPinning) {
      EXPECT_EQ(affinity[i], std::vector<int>{available[i % available.size()]}) << "worker " << i;
    } else {
      EXPECT_EQ(affinity[i], available) << "worker " << i;
    }
  }
}

}  // namespace
}  // namespace kompact
