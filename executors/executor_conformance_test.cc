// The Executor contract (executor.h, FEATURES.md X1, X2, X4), checked on every
// built-in threaded executor and on several configurations of each: every task
// runs exactly once under stress, no lost wake-ups, shutdown with tasks in
// flight, refusal after shutdown, Shutdown from a worker refused.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "executors/dedicated_thread_executor.h"
#include "executors/executor.h"
#include "executors/internal/test_util.h"
#include "executors/pool_options.h"
#include "executors/shared_queue_pool.h"
#include "executors/work_stealing_pool.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "testing/wait_until.h"

namespace kompact {
namespace {

using executors_internal::CountDownLatch;
using executors_internal::kStressDivisor;
using ::kompact::testing::IsOk;
using ::kompact::testing::StatusIs;
using ::kompact::testing::WaitUntil;

struct Variant {
  std::string name;
  std::function<absl::StatusOr<std::unique_ptr<Executor>>()> make;
  // Times its threads went to sleep (from the executor's stats), and whether they
  // park at all (PoolOptions::park).
  std::function<uint64_t(const Executor&)> parks;
  bool parking = true;
};

template <typename T>
uint64_t ParksOf(const Executor& executor) {
  return dynamic_cast<const T&>(executor).stats().parks;
}

template <typename T>
absl::StatusOr<std::unique_ptr<Executor>> Upcast(absl::StatusOr<std::unique_ptr<T>> made) {
  if (!made.ok()) return made.status();
  return std::unique_ptr<Executor>(std::move(made).value());
}

PoolOptions Pool(size_t threads, bool park = true, uint32_t spin_rounds = PoolOptions::kDefaultSpinRounds) {
  PoolOptions options;
  options.threads = threads;
  options.park = park;
  options.spin_rounds = spin_rounds;
  return options;
}

DedicatedThreadExecutor::Options Dedicated(bool park = true,
                                           uint32_t spin_rounds = PoolOptions::kDefaultSpinRounds) {
  DedicatedThreadExecutor::Options options;
  options.park = park;
  options.spin_rounds = spin_rounds;
  return options;
}

std::vector<Variant> Variants() {
  const auto ws = ParksOf<WorkStealingPool>;
  const auto sq = ParksOf<SharedQueuePool>;
  const auto dt = ParksOf<DedicatedThreadExecutor>;
  return {
      {"WorkStealing2", [] { return Upcast(WorkStealingPool::Create(Pool(2))); }, ws},
      {"WorkStealing1", [] { return Upcast(WorkStealingPool::Create(Pool(1))); }, ws},
      {"WorkStealing4", [] { return Upcast(WorkStealingPool::Create(Pool(4))); }, ws},
      {"WorkStealing2NoSpin", [] { return Upcast(WorkStealingPool::Create(Pool(2, true, 0))); }, ws},
      {"WorkStealing2NeverPark", [] { return Upcast(WorkStealingPool::Create(Pool(2, false))); }, ws, false},
      {"SharedQueue2", [] { return Upcast(SharedQueuePool::Create(Pool(2))); }, sq},
      {"SharedQueue3NoSpin", [] { return Upcast(SharedQueuePool::Create(Pool(3, true, 0))); }, sq},
      {"SharedQueue2NeverPark", [] { return Upcast(SharedQueuePool::Create(Pool(2, false))); }, sq, false},
      {"Dedicated", [] { return Upcast(DedicatedThreadExecutor::Create(Dedicated())); }, dt},
      {"DedicatedNoSpin", [] { return Upcast(DedicatedThreadExecutor::Create(Dedicated(true, 0))); }, dt},
      {"DedicatedNeverPark", [] { return Upcast(DedicatedThreadExecutor::Create(Dedicated(false))); }, dt,
       false},
  };
}

class ExecutorConformance : public ::testing::TestWithParam<Variant> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Executor>> made = GetParam().make();
    ASSERT_THAT(made, IsOk());
    executor_ = std::move(made).value();
  }

  std::unique_ptr<Executor> executor_;
};

// A forest of task trees: node l of a tree schedules its children l*k+1..l*k+k
// from inside the executor; the roots are submitted from several threads outside.
class Forest {
 public:
  struct Node final : Runnable {
    Forest* forest = nullptr;
    uint32_t tree_begin = 0;
    uint32_t tree_size = 0;
    uint32_t local = 0;
    void Run() override { forest->RunNode(*this); }
  };

  Forest(Executor& executor, uint32_t branching) : executor_(executor), branching_(branching) {}

  // Adds a tree of `size` nodes; returns the index of its root.
  uint32_t AddTree(uint32_t size) {
    const uint32_t begin = static_cast<uint32_t>(nodes_.size());
    for (uint32_t l = 0; l < size; ++l) {
      nodes_.emplace_back(std::make_unique<Node>());
      Node& node = *nodes_.back();
      node.forest = this;
      node.tree_begin = begin;
      node.tree_size = size;
      node.local = l;
    }
    return begin;
  }

  void Prepare() {
    runs_ = std::make_unique<std::atomic<uint8_t>[]>(nodes_.size());
    remaining_.store(static_cast<int64_t>(nodes_.size()));
  }

  Node& node(uint32_t index) { return *nodes_[index]; }
  size_t size() const { return nodes_.size(); }
  CountDownLatch& done() { return done_; }
  uint64_t refused() const { return refused_.load(); }

  // Number of nodes that did not run exactly once.
  size_t CountNotRunOnce() const {
    size_t bad = 0;
    for (size_t i = 0; i < nodes_.size(); ++i) bad += runs_[i].load() != 1;
    return bad;
  }

 private:
  void RunNode(Node& node) {
    runs_[node.tree_begin + node.local].fetch_add(1, std::memory_order_relaxed);
    for (uint32_t c = 1; c <= branching_; ++c) {
      const uint64_t child = uint64_t{node.local} * branching_ + c;
      if (child >= node.tree_size) break;
      // Mix both hints: kWake uses the next slot, kYield the local queue.
      const ScheduleHint hint = (child % 3 == 0) ? ScheduleHint::kYield : ScheduleHint::kWake;
      if (!executor_.Schedule(*nodes_[node.tree_begin + child], hint).ok()) refused_.fetch_add(1);
    }
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) done_.CountDown();
  }

  Executor& executor_;
  const uint32_t branching_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::unique_ptr<std::atomic<uint8_t>[]> runs_;
  std::atomic<int64_t> remaining_{0};
  std::atomic<uint64_t> refused_{0};
  CountDownLatch done_{1};
};

TEST_P(ExecutorConformance, RunsEveryTaskExactlyOnceUnderStress) {
  // ~1.3 M tasks: 3 producers x (300 trees of 1023 nodes spawned inside the
  // executor + 100 000 single tasks submitted from outside).
  constexpr int kProducers = 3;
  const uint32_t trees = 300 / kStressDivisor;
  const uint32_t singles = 100'000 / kStressDivisor;
  Forest forest(*executor_, 4);
  std::vector<std::vector<uint32_t>> roots(kProducers);
  for (int p = 0; p < kProducers; ++p) {
    for (uint32_t i = 0; i < trees + singles; ++i) {
      // Interleave big trees among the single tasks.
      roots[p].push_back(forest.AddTree(i % (singles / trees + 1) == 0 ? 1023 : 1));
    }
  }
  forest.Prepare();
  std::atomic<uint64_t> refused_outside{0};
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (uint32_t root : roots[p]) {
        if (!executor_->Schedule(forest.node(root)).ok()) refused_outside.fetch_add(1);
      }
    });
  }
  for (std::thread& producer : producers) producer.join();
  ASSERT_TRUE(forest.done().WaitFor()) << "tasks still pending: timed out";
  EXPECT_EQ(refused_outside.load(), 0u);
  EXPECT_EQ(forest.refused(), 0u);
  EXPECT_EQ(forest.CountNotRunOnce(), 0u) << "of " << forest.size() << " tasks";
  ASSERT_THAT(executor_->Shutdown(), IsOk());
}

// One task at a time with pauses long enough for the threads to park: a lost
// wake-up leaves the task unrun and the bounded wait fails. On an executor that
// parks, every cycle with a long pause first waits until a thread has parked
// since the previous task ran (the park count grew past what that task read: the
// thread that ran it parks when it finds nothing else to do), so those tasks are
// submitted to a parked executor; returns how many were.
int RunWakeUpCycles(Executor& executor, int cycles, uint32_t seed, const Variant& variant) {
  std::mt19937 rng(seed);
  const std::chrono::microseconds pauses[] = {std::chrono::microseconds(0), std::chrono::microseconds(30),
                                              std::chrono::microseconds(400)};
  int submitted_to_parked = 0;
  std::atomic<uint64_t> parks_at_last_run{0};
  for (int i = 0; i < cycles; ++i) {
    const size_t pause = rng() % 3;
    std::this_thread::sleep_for(pauses[pause]);
    if (pause == 2 && variant.parking && i > 0) {
      const uint64_t before = parks_at_last_run.load();
      EXPECT_TRUE(WaitUntil([&] { return variant.parks(executor) > before; }))
          << "no thread parked after the task of cycle " << i - 1;
      ++submitted_to_parked;
    }
    CountDownLatch ran(1);
    EXPECT_THAT(executor.Execute([&] {
      parks_at_last_run.store(variant.parks(executor));
      ran.CountDown();
    }),
                IsOk());
    EXPECT_TRUE(ran.WaitFor()) << "wake-up lost in cycle " << i;
    if (::testing::Test::HasFailure()) break;
  }
  return submitted_to_parked;
}

TEST_P(ExecutorConformance, NoLostWakeUpsAcrossParkCycles) {
  const uint64_t parks = GetParam().parks(*executor_);
  const int to_parked = RunWakeUpCycles(*executor_, static_cast<int>(3000 / kStressDivisor), 1, GetParam());
  if (GetParam().parking) {
    EXPECT_GT(to_parked, 0);
    EXPECT_GT(GetParam().parks(*executor_), parks);
  } else {
    EXPECT_EQ(GetParam().parks(*executor_), parks) << "an executor that never parks parked";
  }
}

TEST_P(ExecutorConformance, NoLostWakeUpsWithConcurrentProducers) {
  const uint64_t parks = GetParam().parks(*executor_);
  int other_to_parked = 0;
  std::thread other([&] {
    other_to_parked = RunWakeUpCycles(*executor_, static_cast<int>(1500 / kStressDivisor), 2, GetParam());
  });
  const int to_parked = RunWakeUpCycles(*executor_, static_cast<int>(1500 / kStressDivisor), 3, GetParam());
  other.join();
  if (GetParam().parking) {
    EXPECT_GT(to_parked + other_to_parked, 0);
    EXPECT_GT(GetParam().parks(*executor_), parks);
  }
}

TEST_P(ExecutorConformance, ShutdownRunsEveryAcceptedTaskAndRefusesTheRest) {
  // Every task has an id; each records its runs, and its submitter records whether
  // it was accepted: at the end each id ran exactly as often as it was accepted
  // (once or never). A sum alone would let a lost and a doubled task cancel out.
  constexpr uint64_t kMaxTasks = uint64_t{1} << 22;
  auto runs = std::make_unique<std::atomic<uint8_t>[]>(kMaxTasks);
  auto accepted = std::make_unique<std::atomic<uint8_t>[]>(kMaxTasks);
  std::atomic<uint64_t> next_id{0};
  std::atomic<uint64_t> ran{0};
  // Submits one task of `depth`; false when refused or out of ids.
  std::function<bool(int)> submit = [&](int depth) {
    const uint64_t id = next_id.fetch_add(1);
    if (id >= kMaxTasks) return false;
    const bool ok = executor_
                        ->Execute([&submit, &runs, &ran, id, depth] {
                          runs[id].fetch_add(1);
                          ran.fetch_add(1);
                          if (depth < 3) submit(depth + 1);  // a child, from inside the executor
                        })
                        .ok();
    if (ok) accepted[id].store(1);
    return ok;
  };
  std::vector<std::thread> producers;
  for (int p = 0; p < 2; ++p) {
    producers.emplace_back([&] {
      while (submit(0)) {
      }
    });
  }
  ASSERT_TRUE(WaitUntil([&] { return ran.load() > 20'000 / kStressDivisor; }));
  ASSERT_THAT(executor_->Shutdown(), IsOk());
  for (std::thread& producer : producers) producer.join();
  ASSERT_LT(next_id.load(), kMaxTasks) << "ran out of ids before the shutdown";
  const uint64_t ids = next_id.load();
  uint64_t accepted_count = 0;
  uint64_t wrong = 0;
  for (uint64_t id = 0; id < ids; ++id) {
    accepted_count += accepted[id].load();
    if (runs[id].load() != accepted[id].load()) {
      if (++wrong <= 5) {
        ADD_FAILURE() << "task " << id << " accepted " << int{accepted[id].load()} << " time(s), ran "
                      << int{runs[id].load()} << " time(s)";
      }
    }
  }
  EXPECT_EQ(wrong, 0u) << "of " << ids << " tasks";
  EXPECT_EQ(ran.load(), accepted_count);
  EXPECT_LT(accepted_count, ids) << "the shutdown refused nothing";
  EXPECT_THAT(executor_->Execute([] {}), StatusIs(absl::StatusCode::kFailedPrecondition, "shut down"));
}

TEST_P(ExecutorConformance, ScheduleAfterShutdownIsRefusedAndNotRun) {
  ASSERT_THAT(executor_->Shutdown(), IsOk());
  struct Flag final : Runnable {
    bool ran = false;
    void Run() override { ran = true; }
  } flag;
  EXPECT_THAT(executor_->Schedule(flag), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(executor_->Schedule(flag, ScheduleHint::kYield),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_FALSE(flag.ran);
  // Idempotent.
  EXPECT_THAT(executor_->Shutdown(), IsOk());
  executor_->ShutdownAsync();
  executor_->AwaitTermination();
}

TEST_P(ExecutorConformance, ShutdownFromOwnThreadIsRefusedButShutdownAsyncWorks) {
  CountDownLatch done(1);
  absl::Status from_worker;
  ASSERT_THAT(executor_->Execute([&] {
    from_worker = executor_->Shutdown();
    executor_->ShutdownAsync();
    done.CountDown();
  }),
              IsOk());
  ASSERT_TRUE(done.WaitFor());
  EXPECT_THAT(from_worker, StatusIs(absl::StatusCode::kFailedPrecondition, "own"));
  executor_->AwaitTermination();
  EXPECT_THAT(executor_->Execute([] {}), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_P(ExecutorConformance, AwaitTerminationReturnsOnceShutDownElsewhere) {
  CountDownLatch returned(1);
  std::thread waiter([&] {
    executor_->AwaitTermination();
    returned.CountDown();
  });
  EXPECT_FALSE(returned.WaitFor(std::chrono::milliseconds(50)));
  executor_->ShutdownAsync();
  EXPECT_TRUE(returned.WaitFor());
  waiter.join();
  EXPECT_THAT(executor_->Shutdown(), IsOk());
}

TEST_P(ExecutorConformance, TasksRunOnExecutorThreads) {
  EXPECT_FALSE(executor_->IsWorkerThread());
  EXPECT_FALSE(OnExecutorThread());
  CountDownLatch done(1);
  bool on_executor = false;
  bool is_worker = false;
  ASSERT_THAT(executor_->Execute([&] {
    on_executor = OnExecutorThread();
    is_worker = executor_->IsWorkerThread();
    done.CountDown();
  }),
              IsOk());
  ASSERT_TRUE(done.WaitFor());
  EXPECT_TRUE(on_executor);
  EXPECT_TRUE(is_worker);
  EXPECT_GE(executor_->num_threads(), 1u);
}

TEST_P(ExecutorConformance, DestructorRunsAcceptedTasksAndJoins) {
  std::atomic<int> ran{0};
  constexpr int kTasks = 10'000;
  for (int i = 0; i < kTasks; ++i) {
    ASSERT_THAT(executor_->Execute([&ran] { ran.fetch_add(1); }), IsOk());
  }
  executor_.reset();
  EXPECT_EQ(ran.load(), kTasks);
}

INSTANTIATE_TEST_SUITE_P(AllExecutors, ExecutorConformance, ::testing::ValuesIn(Variants()),
                         [](const ::testing::TestParamInfo<Variant>& info) { return info.param.name; });

}  // namespace
}  // namespace kompact
