#include "executors/internal/work_deque.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "executors/internal/test_util.h"
#include "gtest/gtest.h"

namespace kompact::executors_internal {
namespace {

TEST(WorkDeque, OwnerPopsNewestAndThievesStealOldest) {
  WorkDeque deque;
  auto items = MakeNumberedRunnables(3);
  int64_t size = 0;
  for (auto& item : items) ASSERT_TRUE(deque.Push(*item, &size));
  EXPECT_EQ(size, 3);
  EXPECT_EQ(deque.Size(), 3);
  EXPECT_EQ(deque.Steal(), items[0].get());
  EXPECT_EQ(deque.Pop(), items[2].get());
  EXPECT_EQ(deque.Pop(), items[1].get());
  EXPECT_EQ(deque.Pop(), nullptr);
  EXPECT_EQ(deque.Steal(), nullptr);
}

TEST(WorkDeque, IsBoundedAndThievesLeaveTheLastEntry) {
  WorkDeque deque;
  auto items = MakeNumberedRunnables(WorkDeque::kCapacity + 1);
  for (int64_t i = 0; i < WorkDeque::kCapacity; ++i) ASSERT_TRUE(deque.Push(*items[i]));
  EXPECT_FALSE(deque.Push(*items[WorkDeque::kCapacity])) << "pushed past capacity";
  for (int64_t i = 0; i + 1 < WorkDeque::kCapacity; ++i) {
    ASSERT_EQ(deque.Steal(/*min_size=*/2), items[i].get());
  }
  EXPECT_EQ(deque.Steal(2), nullptr);
  EXPECT_EQ(deque.Pop(), items[WorkDeque::kCapacity - 1].get());
}

TEST(WorkDeque, StealOldestHalfTakesTheOldestInOrder) {
  WorkDeque deque;
  auto items = MakeNumberedRunnables(10);
  for (auto& item : items) ASSERT_TRUE(deque.Push(*item));
  Runnable* out[8];
  ASSERT_EQ(deque.StealOldestHalf(out, 8), 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(out[i], items[i].get());
  EXPECT_EQ(deque.Size(), 5);
  EXPECT_EQ(deque.Pop(), items[9].get());
  EXPECT_EQ(deque.StealOldestHalf(out, 1), 1);
  EXPECT_EQ(out[0], items[5].get());
}

// The owner pushes and pops (LIFO) while thieves steal; every entry must be
// taken exactly once, including the contested last one.
TEST(WorkDeque, OwnerAndThievesTakeEveryEntryExactlyOnce) {
  const size_t kItems = 2'000'000 / kStressDivisor;
  auto items = MakeNumberedRunnables(kItems);
  TakeCounter takes(kItems);
  WorkDeque deque;
  std::atomic<bool> owner_done{false};
  std::vector<std::thread> thieves;
  for (int t = 0; t < 2; ++t) {
    thieves.emplace_back([&, t] {
      // One thief takes even the last entry, to race the owner's pop for it.
      const int64_t min_size = t == 0 ? 1 : 2;
      while (!owner_done.load(std::memory_order_acquire)) {
        if (Runnable* runnable = deque.Steal(min_size)) takes.Take(runnable);
      }
    });
  }
  size_t next = 0;
  while (next < kItems) {
    for (int burst = 0; burst < 2 && next < kItems; ++burst) {
      if (!deque.Push(*items[next])) break;
      ++next;
    }
    if (Runnable* runnable = deque.Pop()) takes.Take(runnable);
  }
  while (Runnable* runnable = deque.Pop()) takes.Take(runnable);
  owner_done.store(true, std::memory_order_release);
  for (std::thread& thief : thieves) thief.join();
  while (Runnable* runnable = deque.Steal()) takes.Take(runnable);
  EXPECT_EQ(takes.total(), kItems);
  EXPECT_EQ(takes.FirstNotTakenOnce(), "");
}

}  // namespace
}  // namespace kompact::executors_internal
