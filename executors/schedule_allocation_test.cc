// Schedule allocates nothing (issue 3, item 9): this binary replaces the global
// operator new to count allocations made by threads that opted in, then
// schedules from outside and from inside each executor (including local-queue
// overflow into the injector) and expects a count of zero.
#include <glog/logging.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

#include "executors/dedicated_thread_executor.h"
#include "executors/executor.h"
#include "executors/internal/test_util.h"
#include "executors/shared_queue_pool.h"
#include "executors/work_stealing_pool.h"
#include "gtest/gtest.h"

namespace {

thread_local bool counting = false;
std::atomic<uint64_t> counted_allocations{0};

void* CountedAllocate(std::size_t size, std::size_t alignment) {
  if (counting) counted_allocations.fetch_add(1, std::memory_order_relaxed);
  if (size == 0) size = 1;
  void* p = alignment <= alignof(std::max_align_t)
                ? std::malloc(size)
                : std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
  if (p == nullptr) std::abort();
  return p;
}

}  // namespace

void* operator new(std::size_t size) { return CountedAllocate(size, 0); }
void* operator new[](std::size_t size) { return CountedAllocate(size, 0); }
void* operator new(std::size_t size, std::align_val_t al) {
  return CountedAllocate(size, static_cast<std::size_t>(al));
}
void* operator new[](std::size_t size, std::align_val_t al) {
  return CountedAllocate(size, static_cast<std::size_t>(al));
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return CountedAllocate(size, 0); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return CountedAllocate(size, 0); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace kompact {
namespace {

using executors_internal::CountDownLatch;

class CountingScope {
 public:
  CountingScope() { counting = true; }
  ~CountingScope() { counting = false; }
};

struct Leaf final : Runnable {
  CountDownLatch* done = nullptr;
  void Run() override { done->CountDown(); }
};

// Schedules `children` from inside the executor, counting its own allocations.
struct Spawner final : Runnable {
  Executor* executor = nullptr;
  std::vector<Leaf>* children = nullptr;
  std::atomic<uint64_t>* inside_allocations = nullptr;
  CountDownLatch* done = nullptr;
  void Run() override {
    const uint64_t before = counted_allocations.load();
    {
      CountingScope scope;
      for (size_t i = 0; i < children->size(); ++i) {
        const ScheduleHint hint = i % 2 == 0 ? ScheduleHint::kWake : ScheduleHint::kYield;
        CHECK(executor->Schedule((*children)[i], hint).ok());
      }
    }
    inside_allocations->store(counted_allocations.load() - before);
    done->CountDown();
  }
};

void ExpectAllocationFreeSchedule(Executor& executor) {
  // Warm up thread-locals and lazily created state on both sides.
  {
    CountDownLatch warm(1);
    Leaf leaf;
    leaf.done = &warm;
    ASSERT_TRUE(executor.Schedule(leaf).ok());
    ASSERT_TRUE(warm.WaitFor());
  }
  constexpr size_t kOutside = 10'000;
  // More than the local deque (1024, kWake) and FIFO queue (256, kYield) hold,
  // so both overflow paths run too.
  constexpr size_t kInside = 4'000;
  CountDownLatch done(kOutside + kInside + 1);
  std::vector<Leaf> outside(kOutside);
  std::vector<Leaf> inside(kInside);
  for (Leaf& leaf : outside) leaf.done = &done;
  for (Leaf& leaf : inside) leaf.done = &done;
  std::atomic<uint64_t> inside_allocations{~uint64_t{0}};
  Spawner spawner;
  spawner.executor = &executor;
  spawner.children = &inside;
  spawner.inside_allocations = &inside_allocations;
  spawner.done = &done;

  const uint64_t before = counted_allocations.load();
  {
    CountingScope scope;
    for (Leaf& leaf : outside) ASSERT_TRUE(executor.Schedule(leaf).ok());
    ASSERT_TRUE(executor.Schedule(spawner).ok());
  }
  const uint64_t outside_allocations = counted_allocations.load() - before;
  ASSERT_TRUE(done.WaitFor());
  EXPECT_EQ(outside_allocations, 0u) << "Schedule from outside allocated";
  EXPECT_EQ(inside_allocations.load(), 0u) << "Schedule from a worker allocated";
  ASSERT_TRUE(executor.Shutdown().ok());
}

TEST(ScheduleAllocation, CountingHookSeesAllocations) {
  const uint64_t before = counted_allocations.load();
  {
    CountingScope scope;
    auto p = std::make_unique<int>(1);
    EXPECT_EQ(*p, 1);
  }
  EXPECT_EQ(counted_allocations.load() - before, 1u) << "the hook does not work: the test proves nothing";
}

TEST(ScheduleAllocation, WorkStealingPoolScheduleDoesNotAllocate) {
  PoolOptions options;
  options.threads = 2;
  auto pool = WorkStealingPool::Create(options);
  ASSERT_TRUE(pool.ok());
  ExpectAllocationFreeSchedule(**pool);
}

TEST(ScheduleAllocation, SharedQueuePoolScheduleDoesNotAllocate) {
  PoolOptions options;
  options.threads = 2;
  auto pool = SharedQueuePool::Create(options);
  ASSERT_TRUE(pool.ok());
  ExpectAllocationFreeSchedule(**pool);
}

TEST(ScheduleAllocation, DedicatedThreadScheduleDoesNotAllocate) {
  auto executor = DedicatedThreadExecutor::Create();
  ASSERT_TRUE(executor.ok());
  ExpectAllocationFreeSchedule(**executor);
}

}  // namespace
}  // namespace kompact
