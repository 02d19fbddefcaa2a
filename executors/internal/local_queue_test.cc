#include "executors/internal/local_queue.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "executors/internal/test_util.h"
#include "gtest/gtest.h"

namespace kompact::executors_internal {
namespace {

TEST(LocalQueue, IsFifoAndBoundedByItsCapacity) {
  LocalQueue queue;
  auto items = MakeNumberedRunnables(LocalQueue::kCapacity + 1);
  uint32_t size = 0;
  for (uint32_t i = 0; i < LocalQueue::kCapacity; ++i) {
    ASSERT_TRUE(queue.Push(*items[i], &size));
    EXPECT_EQ(size, i + 1);
  }
  EXPECT_FALSE(queue.Push(*items[LocalQueue::kCapacity])) << "pushed past capacity";
  EXPECT_EQ(queue.Size(), LocalQueue::kCapacity);
  EXPECT_EQ(queue.FreeSlots(), 0u);
  for (uint32_t i = 0; i < LocalQueue::kCapacity; ++i) {
    Runnable* popped = queue.Pop();
    ASSERT_EQ(popped, items[i].get()) << i;
  }
  EXPECT_EQ(queue.Pop(), nullptr);
  EXPECT_EQ(queue.FreeSlots(), LocalQueue::kCapacity);
}

TEST(LocalQueue, ThievesLeaveTheLastEntry) {
  LocalQueue queue;
  auto items = MakeNumberedRunnables(2);
  ASSERT_TRUE(queue.Push(*items[0]));
  EXPECT_EQ(queue.Pop(/*min_size=*/2), nullptr);
  ASSERT_TRUE(queue.Push(*items[1]));
  EXPECT_EQ(queue.Pop(2), items[0].get());
  EXPECT_EQ(queue.Pop(2), nullptr);
  EXPECT_EQ(queue.Pop(), items[1].get());
}

TEST(LocalQueue, OwnerAndThievesTakeEveryEntryExactlyOnce) {
  const size_t kItems = 2'000'000 / kStressDivisor;
  auto items = MakeNumberedRunnables(kItems);
  TakeCounter takes(kItems);
  LocalQueue queue;
  std::atomic<bool> owner_done{false};
  std::vector<std::thread> thieves;
  for (int t = 0; t < 2; ++t) {
    thieves.emplace_back([&] {
      while (!owner_done.load(std::memory_order_acquire)) {
        if (Runnable* runnable = queue.Pop(2)) takes.Take(runnable);
      }
    });
  }
  size_t next = 0;
  while (next < kItems) {
    // Push a burst, then take one back (like a worker running its queue).
    for (int burst = 0; burst < 3 && next < kItems; ++burst) {
      if (!queue.Push(*items[next])) break;
      ++next;
    }
    if (Runnable* runnable = queue.Pop()) takes.Take(runnable);
  }
  while (Runnable* runnable = queue.Pop()) takes.Take(runnable);
  owner_done.store(true, std::memory_order_release);
  for (std::thread& thief : thieves) thief.join();
  EXPECT_EQ(takes.total(), kItems);
  EXPECT_EQ(takes.FirstNotTakenOnce(), "");
}

}  // namespace
}  // namespace kompact::executors_internal
