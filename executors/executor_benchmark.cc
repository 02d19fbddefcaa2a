// Executor benchmarks (issue 3): the work-stealing pool against the shared-queue
// pool (and the dedicated thread where it applies), in one binary so that
// ratios come from one run on this noisy machine.
//
//   tools/bazel run -c opt //executors:executor_benchmark
//   tools/bazel run --config=low_latency //executors:executor_benchmark
//
// items_per_second is the figure of merit everywhere except WakeUpLatency,
// whose time per iteration is the latency (manual time).
//  * PingPong: two runnables rescheduling each other with kWake (reschedules/s).
//  * Spawn/k: fork-join trees, each task spawns k children with kWake (tasks/s);
//    k = 16 is "high amplification", k = 2 "low", k = 1 is 16 parallel chains.
//  * SubmitFromOutside: the benchmark thread schedules leaf tasks (tasks/s).
//  * WakeUpLatency: submit one task to an idle (parked) executor, time until it runs.
#include <benchmark/benchmark.h>
#include <glog/logging.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "base/build_config.h"
#include "executors/dedicated_thread_executor.h"
#include "executors/executor.h"
#include "executors/internal/test_util.h"
#include "executors/shared_queue_pool.h"
#include "executors/work_stealing_pool.h"

namespace kompact {
namespace {

using executors_internal::CountDownLatch;

// Work per iteration, smaller under sanitizers (the smoke test runs there too).
constexpr int64_t kScale = kSanitizer == Sanitizer::kNone ? 1 : 20;
constexpr size_t kPoolThreads = 2;

struct WorkStealing {
  static std::unique_ptr<Executor> Make() {
    PoolOptions options;
    options.threads = kPoolThreads;
    auto pool = WorkStealingPool::Create(options);
    CHECK(pool.ok()) << pool.status();
    return std::move(pool).value();
  }
};

struct SharedQueue {
  static std::unique_ptr<Executor> Make() {
    PoolOptions options;
    options.threads = kPoolThreads;
    auto pool = SharedQueuePool::Create(options);
    CHECK(pool.ok()) << pool.status();
    return std::move(pool).value();
  }
};

struct Dedicated {
  static std::unique_ptr<Executor> Make() {
    auto executor = DedicatedThreadExecutor::Create();
    CHECK(executor.ok()) << executor.status();
    return std::move(executor).value();
  }
};

// ---- PingPong -------------------------------------------------------------------
class PingPongPair {
 public:
  PingPongPair(Executor& executor, int64_t reschedules) : executor_(executor), left_(reschedules) {
    a_.pair = this;
    b_.pair = this;
    a_.partner = &b_;
    b_.partner = &a_;
  }
  void RunToCompletion() {
    CHECK(executor_.Schedule(a_).ok());
    CHECK(done_.WaitFor());
  }

 private:
  struct Side final : Runnable {
    PingPongPair* pair = nullptr;
    Side* partner = nullptr;
    void Run() override {
      if (--pair->left_ <= 0) {  // the pair's runs are serialised by the hand-off
        pair->done_.CountDown();
        return;
      }
      CHECK(pair->executor_.Schedule(*partner, ScheduleHint::kWake).ok());
    }
  };

  Executor& executor_;
  int64_t left_;
  Side a_, b_;
  CountDownLatch done_{1};
};

template <typename Kind>
void BM_PingPong(benchmark::State& state) {
  auto executor = Kind::Make();
  const int64_t reschedules = 2'000'000 / kScale;
  for (auto _ : state) {
    PingPongPair pair(*executor, reschedules);
    pair.RunToCompletion();
  }
  state.SetItemsProcessed(state.iterations() * reschedules);
  CHECK(executor->Shutdown().ok());
}

// ---- Spawn (fork-join trees) -------------------------------------------------------
// Each task is created by its parent (as a spawned task would be) and spawns
// `branching` children with kWake until `depth` is reached. A task completes
// when it and its children have; it is then recycled and tells its parent. The
// root's completion ends the iteration. With branching 1 the tasks form chains
// and a task completes as soon as it has spawned its successor.
//
// Tasks come from a per-thread free list, so the figures compare schedulers,
// not malloc (glibc's cost for tasks created on one thread and freed on
// another would otherwise dominate the shared-queue pool).
class SpawnTask final : public Runnable {
 public:
  struct Shared {
    Executor* executor;
    uint32_t branching;
    CountDownLatch* done;
  };

  static SpawnTask* Make(const Shared* shared, SpawnTask* parent, uint32_t depth) {
    std::vector<SpawnTask*>& free_list = FreeList();
    SpawnTask* task;
    if (free_list.empty()) {
      task = new SpawnTask;
    } else {
      task = free_list.back();
      free_list.pop_back();
    }
    task->shared_ = shared;
    task->parent_ = parent;
    task->depth_ = depth;
    return task;
  }

  void Run() override {
    if (shared_->branching == 1) {
      if (depth_ == 0) {
        shared_->done->CountDown();
      } else {
        CHECK(shared_->executor->Schedule(*Make(shared_, nullptr, depth_ - 1)).ok());
      }
      Recycle(this);
      return;
    }
    const uint32_t children = depth_ == 0 ? 0 : shared_->branching;
    pending_.store(children + 1, std::memory_order_relaxed);
    for (uint32_t c = 0; c < children; ++c) {
      CHECK(shared_->executor->Schedule(*Make(shared_, this, depth_ - 1), ScheduleHint::kWake).ok());
    }
    Complete(this);
  }

 private:
  SpawnTask() = default;

  // Frees its tasks when its thread exits (pool threads exit at Shutdown).
  struct FreeListOwner {
    std::vector<SpawnTask*> tasks;
    ~FreeListOwner() {
      for (SpawnTask* task : tasks) delete task;
    }
  };
  static std::vector<SpawnTask*>& FreeList() {
    thread_local FreeListOwner owner;
    return owner.tasks;
  }
  static void Recycle(SpawnTask* task) { FreeList().push_back(task); }

  static void Complete(SpawnTask* task) {
    while (task->pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      SpawnTask* parent = task->parent_;
      if (parent == nullptr) {
        CountDownLatch* done = task->shared_->done;
        Recycle(task);
        done->CountDown();
        return;
      }
      Recycle(task);
      task = parent;
    }
  }

  const Shared* shared_ = nullptr;
  SpawnTask* parent_ = nullptr;
  uint32_t depth_ = 0;
  std::atomic<uint32_t> pending_{0};
};

// Tasks in a tree of the given branching factor and depth.
int64_t TreeSize(uint32_t branching, uint32_t depth) {
  int64_t level = 1, total = 1;
  for (uint32_t d = 0; d < depth; ++d) {
    level *= branching;
    total += level;
  }
  return total;
}

// Per-iteration scheduler counters of a work-stealing pool (steals, injector
// takes, parks), to explain the figures.
void ReportPoolCounters(benchmark::State& state, Executor& executor, const WorkStealingPool::Stats& before) {
  auto* pool = dynamic_cast<WorkStealingPool*>(&executor);
  if (pool == nullptr || state.iterations() == 0) return;
  const WorkStealingPool::Stats after = pool->stats();
  const double n = static_cast<double>(state.iterations());
  state.counters["steals"] = static_cast<double>(after.steals - before.steals) / n;
  state.counters["inj_pops"] = static_cast<double>(after.injector_pops - before.injector_pops) / n;
  state.counters["parks"] = static_cast<double>(after.parks - before.parks) / n;
}

WorkStealingPool::Stats PoolCounters(Executor& executor) {
  auto* pool = dynamic_cast<WorkStealingPool*>(&executor);
  return pool == nullptr ? WorkStealingPool::Stats{} : pool->stats();
}

template <typename Kind>
void BM_Spawn(benchmark::State& state) {
  auto executor = Kind::Make();
  const uint32_t branching = static_cast<uint32_t>(state.range(0));
  // ~1 M tasks per iteration (~60 k under sanitizers). k = 1 would be one
  // chain: run 16 chains side by side instead.
  const int64_t target = 1'200'000 / kScale;
  const uint32_t trees = branching == 1 ? 16 : 1;
  uint32_t depth = 0;
  if (branching == 1) {
    depth = static_cast<uint32_t>(target / trees - 1);
  } else {
    while (TreeSize(branching, depth + 1) <= target) ++depth;
  }
  const int64_t tasks = TreeSize(branching, depth) * trees;
  const WorkStealingPool::Stats before = PoolCounters(*executor);
  for (auto _ : state) {
    CountDownLatch done(trees);
    const SpawnTask::Shared shared{executor.get(), branching, &done};
    for (uint32_t t = 0; t < trees; ++t) {
      CHECK(executor->Schedule(*SpawnTask::Make(&shared, nullptr, depth)).ok());
    }
    CHECK(done.WaitFor());
  }
  state.SetItemsProcessed(state.iterations() * tasks);
  state.counters["tasks"] = static_cast<double>(tasks);
  ReportPoolCounters(state, *executor, before);
  CHECK(executor->Shutdown().ok());
}

// ---- SubmitFromOutside -----------------------------------------------------------
template <typename Kind>
void BM_SubmitFromOutside(benchmark::State& state) {
  auto executor = Kind::Make();
  const int64_t tasks = 500'000 / kScale;
  struct Leaf final : Runnable {
    std::atomic<int64_t>* left = nullptr;
    CountDownLatch* done = nullptr;
    void Run() override {
      if (left->fetch_sub(1, std::memory_order_acq_rel) == 1) done->CountDown();
    }
  };
  std::vector<Leaf> leaves(tasks);
  std::atomic<int64_t> left{0};
  for (auto _ : state) {
    CountDownLatch done(1);
    left.store(tasks, std::memory_order_relaxed);
    for (Leaf& leaf : leaves) {
      leaf.left = &left;
      leaf.done = &done;
    }
    for (Leaf& leaf : leaves) CHECK(executor->Schedule(leaf).ok());
    CHECK(done.WaitFor());
  }
  state.SetItemsProcessed(state.iterations() * tasks);
  CHECK(executor->Shutdown().ok());
}

// ---- WakeUpLatency -----------------------------------------------------------------
// A fixed count: with manual time, min_time would mean tens of thousands of 1 ms
// pauses.
constexpr int64_t kWakeUpIterations = kSanitizer == Sanitizer::kNone ? 1000 : 50;

template <typename Kind>
void BM_WakeUpLatency(benchmark::State& state) {
  auto executor = Kind::Make();
  const WorkStealingPool::Stats before = PoolCounters(*executor);
  struct Probe final : Runnable {
    std::atomic<int64_t> ran_at_ns{0};
    void Run() override {
      ran_at_ns.store(std::chrono::steady_clock::now().time_since_epoch().count(), std::memory_order_release);
    }
  };
  for (auto _ : state) {
    // Long enough for every worker to stop spinning (~20 us) and park (if it parks).
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    Probe probe;
    const auto submitted = std::chrono::steady_clock::now();
    CHECK(executor->Schedule(probe).ok());
    int64_t ran_at = 0;
    while ((ran_at = probe.ran_at_ns.load(std::memory_order_acquire)) == 0) {
      std::this_thread::yield();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::duration(ran_at) -
                                                         submitted.time_since_epoch())
                               .count();
    state.SetIterationTime(seconds);
  }
  ReportPoolCounters(state, *executor, before);
  CHECK(executor->Shutdown().ok());
}

BENCHMARK_TEMPLATE(BM_PingPong, WorkStealing)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_PingPong, SharedQueue)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_PingPong, Dedicated)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_Spawn, WorkStealing)
    ->Arg(16)
    ->Arg(2)
    ->Arg(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_Spawn, SharedQueue)
    ->Arg(16)
    ->Arg(2)
    ->Arg(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_SubmitFromOutside, WorkStealing)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_SubmitFromOutside, SharedQueue)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_SubmitFromOutside, Dedicated)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_WakeUpLatency, WorkStealing)
    ->UseManualTime()
    ->Iterations(kWakeUpIterations)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_WakeUpLatency, SharedQueue)
    ->UseManualTime()
    ->Iterations(kWakeUpIterations)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_WakeUpLatency, Dedicated)
    ->UseManualTime()
    ->Iterations(kWakeUpIterations)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace kompact
