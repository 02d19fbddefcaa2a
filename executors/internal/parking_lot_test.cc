#include "executors/internal/parking_lot.h"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "executors/internal/test_util.h"
#include "gtest/gtest.h"
#include "testing/wait_until.h"

namespace kompact::executors_internal {
namespace {

using ::kompact::testing::WaitUntil;

TEST(ParkingLot, DoesNotSleepWhenTheRecheckFindsWork) {
  ParkingLot lot(1);
  EXPECT_FALSE(lot.Park(0, [] { return true; }));
  EXPECT_EQ(lot.num_sleeping(), 0u);
  EXPECT_EQ(lot.parks(0), 0u);
}

TEST(ParkingLot, NotifyOneWithoutSleepersWakesNobody) {
  ParkingLot lot(2);
  EXPECT_FALSE(lot.NotifyOne());
}

TEST(ParkingLot, NotifyOneWakesASleeper) {
  ParkingLot lot(2);
  CountDownLatch woke(1);
  std::thread sleeper([&] {
    EXPECT_TRUE(lot.Park(1, [] { return false; }));
    woke.CountDown();
  });
  // parks() counts just before the futex wait: the worker is SLEEPING then.
  ASSERT_TRUE(WaitUntil([&] { return lot.parks(1) == 1; }));
  EXPECT_EQ(lot.num_sleeping(), 1u);
  EXPECT_TRUE(lot.NotifyOne());
  EXPECT_TRUE(woke.WaitFor());
  sleeper.join();
  EXPECT_EQ(lot.num_sleeping(), 0u);
  EXPECT_EQ(lot.parks(1), 1u);
}

TEST(ParkingLot, NotifyOneSkipsTheStartWhenAsked) {
  ParkingLot lot(2);
  CountDownLatch woke(1);
  std::thread sleeper([&] {
    EXPECT_TRUE(lot.Park(0, [] { return false; }));
    woke.CountDown();
  });
  ASSERT_TRUE(WaitUntil([&] { return lot.parks(0) == 1; }));
  EXPECT_FALSE(lot.NotifyOne(/*start=*/0, /*skip_start=*/true)) << "woke the excluded worker";
  EXPECT_TRUE(lot.NotifyOne(/*start=*/1, /*skip_start=*/true));
  EXPECT_TRUE(woke.WaitFor());
  sleeper.join();
}

TEST(ParkingLot, NotifyAllIsRememberedByAWorkerThatIsAwake) {
  ParkingLot lot(1);
  lot.NotifyAll();
  EXPECT_FALSE(lot.Park(0, [] { return false; })) << "the pending notification was lost";
}

// Workers take units of work from a shared counter and park when there is none;
// a producer adds one unit at a time and waits until it is consumed. A lost
// wake-up leaves the unit unconsumed and the bounded wait fails.
TEST(ParkingLot, NeverLosesAWakeUpOverManyCycles) {
  constexpr size_t kWorkers = 3;
  const int kCycles = static_cast<int>(100'000 / kStressDivisor);
  ParkingLot lot(kWorkers);
  std::atomic<int64_t> available{0};
  std::atomic<int64_t> consumed{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  for (size_t w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      for (;;) {
        int64_t units = available.load(std::memory_order_acquire);
        while (units > 0) {
          if (available.compare_exchange_weak(units, units - 1, std::memory_order_acq_rel)) {
            consumed.fetch_add(1, std::memory_order_acq_rel);
            units = available.load(std::memory_order_acquire);
          }
        }
        if (stop.load(std::memory_order_acquire)) return;
        lot.Park(w, [&] {
          return available.load(std::memory_order_seq_cst) > 0 || stop.load(std::memory_order_seq_cst);
        });
      }
    });
  }
  for (int i = 1; i <= kCycles; ++i) {
    available.fetch_add(1, std::memory_order_seq_cst);
    lot.NotifyOne(static_cast<size_t>(i) % kWorkers);
    const auto deadline = std::chrono::steady_clock::now() + kTestTimeout;
    while (consumed.load(std::memory_order_acquire) < i) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "wake-up lost in cycle " << i;
      std::this_thread::yield();
    }
  }
  stop.store(true, std::memory_order_seq_cst);
  lot.NotifyAll();
  for (std::thread& worker : workers) worker.join();
  uint64_t parks = 0;
  for (size_t w = 0; w < kWorkers; ++w) parks += lot.parks(w);
  EXPECT_GT(parks, 0u) << "the workers never parked: the test proved nothing";
}

}  // namespace
}  // namespace kompact::executors_internal
