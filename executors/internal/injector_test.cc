#include "executors/internal/injector.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "executors/internal/test_util.h"
#include "gtest/gtest.h"

namespace kompact::executors_internal {
namespace {

struct Item final : Runnable {
  uint32_t producer = 0;
  std::atomic<bool> queued{false};
  std::atomic<uint64_t> pops{0};
  void Run() override {}
};

Runnable* PopOne(Injector& injector) {
  if (!injector.TryLock()) return nullptr;
  Runnable* runnable = injector.PopLocked();
  injector.Unlock();
  if (runnable != nullptr) (void)injector.FinishPops(1);
  return runnable;
}

TEST(Injector, IsFifoAndCountsEntries) {
  Injector injector;
  Item a, b, c;
  EXPECT_FALSE(injector.MaybeNonEmpty());
  EXPECT_EQ(injector.TryPush(a), Injector::PushResult::kAccepted);
  EXPECT_EQ(injector.TryPush(b), Injector::PushResult::kAccepted);
  injector.Push(c);
  EXPECT_EQ(injector.ApproxSize(), 3u);
  EXPECT_TRUE(injector.MaybeNonEmpty());
  EXPECT_EQ(PopOne(injector), &a);
  EXPECT_EQ(PopOne(injector), &b);
  EXPECT_EQ(PopOne(injector), &c);
  EXPECT_EQ(PopOne(injector), nullptr);
  EXPECT_FALSE(injector.MaybeNonEmpty());
  // A popped node can be queued again (components reschedule themselves).
  EXPECT_EQ(injector.TryPush(a), Injector::PushResult::kAccepted);
  EXPECT_EQ(PopOne(injector), &a);
}

TEST(Injector, ConsumerLockIsExclusive) {
  Injector injector;
  ASSERT_TRUE(injector.TryLock());
  EXPECT_FALSE(injector.TryLock());
  injector.Unlock();
  EXPECT_TRUE(injector.TryLock());
  injector.Unlock();
}

TEST(Injector, CloseRefusesNewWorkButDrainsAcceptedWork) {
  Injector injector;
  Item a, b, c;
  ASSERT_EQ(injector.TryPush(a), Injector::PushResult::kAccepted);
  EXPECT_TRUE(injector.Close());
  EXPECT_FALSE(injector.Close()) << "second Close reported as first";
  EXPECT_TRUE(injector.closed());
  EXPECT_EQ(injector.TryPush(b), Injector::PushResult::kRefused);
  injector.Push(c);  // already accepted elsewhere: still queued
  EXPECT_FALSE(injector.Drained());
  EXPECT_TRUE(injector.MaybeNonEmptyOrClosed());
  ASSERT_TRUE(injector.TryLock());
  EXPECT_EQ(injector.PopLocked(), &a);
  EXPECT_EQ(injector.PopLocked(), &c);
  injector.Unlock();
  EXPECT_TRUE(injector.FinishPops(2)) << "the pop that drains a closed queue must say so";
  EXPECT_TRUE(injector.Drained());
  EXPECT_FALSE(injector.MaybeNonEmpty());
  EXPECT_TRUE(injector.MaybeNonEmptyOrClosed());
}

// Producers re-push their nodes as soon as consumers hand them back, so nodes
// are reused while other nodes are in flight (the intrusive-queue hazard).
TEST(Injector, ManyProducersAndConsumersPassEveryPushExactlyOnce) {
  constexpr int kProducers = 4;
  constexpr int kConsumers = 2;
  constexpr int kNodesPerProducer = 8;
  const uint64_t kPushesPerProducer = 400'000 / kStressDivisor;
  Injector injector;
  std::vector<std::unique_ptr<Item>> items;
  for (int p = 0; p < kProducers; ++p) {
    for (int n = 0; n < kNodesPerProducer; ++n) {
      items.push_back(std::make_unique<Item>());
      items.back()->producer = p;
    }
  }
  std::atomic<uint64_t> pushed{0};
  std::atomic<uint64_t> popped{0};
  std::atomic<int> producers_left{kProducers};
  std::vector<std::thread> threads;
  for (int p = 0; p < kProducers; ++p) {
    threads.emplace_back([&, p] {
      uint64_t done = 0;
      size_t n = 0;
      int busy = 0;
      while (done < kPushesPerProducer) {
        Item& item = *items[p * kNodesPerProducer + n];
        n = (n + 1) % kNodesPerProducer;
        if (item.queued.load(std::memory_order_acquire)) {
          // All of our nodes are in flight: give the consumers the core.
          if (++busy == kNodesPerProducer) {
            busy = 0;
            std::this_thread::yield();
          }
          continue;
        }
        busy = 0;
        item.queued.store(true, std::memory_order_relaxed);
        ASSERT_EQ(injector.TryPush(item), Injector::PushResult::kAccepted);
        ++done;
      }
      pushed.fetch_add(done);
      producers_left.fetch_sub(1);
    });
  }
  for (int c = 0; c < kConsumers; ++c) {
    threads.emplace_back([&] {
      for (;;) {
        Runnable* runnable = PopOne(injector);
        if (runnable == nullptr) {
          if (producers_left.load() == 0 && !injector.MaybeNonEmpty()) return;
          std::this_thread::yield();
          continue;
        }
        Item* item = static_cast<Item*>(runnable);
        ASSERT_TRUE(item->queued.load(std::memory_order_relaxed)) << "popped a node twice";
        item->pops.fetch_add(1, std::memory_order_relaxed);
        popped.fetch_add(1, std::memory_order_relaxed);
        item->queued.store(false, std::memory_order_release);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(pushed.load(), kProducers * kPushesPerProducer);
  EXPECT_EQ(popped.load(), pushed.load());
  uint64_t pops = 0;
  for (const auto& item : items) pops += item->pops.load();
  EXPECT_EQ(pops, pushed.load());
  EXPECT_EQ(injector.ApproxSize(), 0u);
}

}  // namespace
}  // namespace kompact::executors_internal
