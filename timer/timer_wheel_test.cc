#include "timer/timer_wheel.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kompact {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Optional;

struct Fired {
  uint64_t deadline;
  int value;
  uint64_t now;  // wheel time when it fired

  friend bool operator==(const Fired& a, const Fired& b) {
    return a.deadline == b.deadline && a.value == b.value && a.now == b.now;
  }
  friend std::ostream& operator<<(std::ostream& os, const Fired& f) {
    return os << "{deadline=" << f.deadline << " value=" << f.value << " now=" << f.now << "}";
  }
};

// Advances `wheel` to `to` and returns what fired.
std::vector<Fired> AdvanceTo(TimerWheel<int>& wheel, uint64_t to) {
  std::vector<Fired> fired;
  wheel.AdvanceTo(to, [&](WheelHandle, uint64_t deadline, int&& value) {
    fired.push_back({deadline, value, wheel.now()});
  });
  return fired;
}

// Counts destructions of values it was moved into (moved-from copies do not count).
struct Tracked {
  explicit Tracked(int* destroyed) : destroyed(destroyed) {}
  Tracked(Tracked&& other) noexcept : destroyed(std::exchange(other.destroyed, nullptr)) {}
  Tracked& operator=(Tracked&&) = delete;
  ~Tracked() {
    if (destroyed != nullptr) ++*destroyed;
  }
  int* destroyed;
};

TEST(TimerWheel, FiresExactlyAtItsDeadline) {
  TimerWheel<int> wheel;
  wheel.InsertAfter(5, 1);
  EXPECT_THAT(AdvanceTo(wheel, 4), IsEmpty());
  EXPECT_EQ(wheel.size(), 1u);
  EXPECT_THAT(AdvanceTo(wheel, 5), ElementsAre(Fired{5, 1, 5}));
  EXPECT_TRUE(wheel.empty());
  EXPECT_EQ(wheel.now(), 5u);
}

TEST(TimerWheel, ZeroDelayIsDueAtTheNextTick) {
  TimerWheel<int> wheel(100);
  wheel.InsertAfter(0, 7);
  EXPECT_THAT(wheel.NextDeadline(), Optional(uint64_t{100}));
  size_t fired = wheel.Tick([&](WheelHandle, uint64_t deadline, int&& v) {
    EXPECT_EQ(deadline, 100u);
    EXPECT_EQ(v, 7);
  });
  EXPECT_EQ(fired, 1u);
  EXPECT_EQ(wheel.now(), 101u);
  // Advancing to the current time also runs what is due.
  wheel.Insert(50, 8);  // in the past
  EXPECT_THAT(AdvanceTo(wheel, wheel.now()), ElementsAre(Fired{50, 8, 101}));
}

TEST(TimerWheel, FiresInDeadlineOrderThenInsertionOrder) {
  TimerWheel<int> wheel;
  wheel.InsertAfter(300, 0);
  wheel.InsertAfter(2, 1);
  wheel.InsertAfter(70000, 2);
  wheel.InsertAfter(2, 3);
  wheel.InsertAfter(300, 4);
  wheel.InsertAfter(1, 5);
  wheel.InsertAfter(70000, 6);
  EXPECT_THAT(AdvanceTo(wheel, 1'000'000),
              ElementsAre(Fired{1, 5, 1}, Fired{2, 1, 2}, Fired{2, 3, 2}, Fired{300, 0, 300},
                          Fired{300, 4, 300}, Fired{70000, 2, 70000}, Fired{70000, 6, 70000}));
}

TEST(TimerWheel, TiesKeepInsertionOrderAcrossLevels) {
  // The same deadline inserted while it is in level 2, then level 1, then level 0
  // and then due: insertion order must survive the cascades.
  constexpr uint64_t kDeadline = (uint64_t{3} << 16) + (5 << 8) + 7;
  TimerWheel<int> wheel;
  wheel.Insert(kDeadline, 0);
  AdvanceTo(wheel, uint64_t{3} << 16);
  wheel.Insert(kDeadline, 1);
  AdvanceTo(wheel, (uint64_t{3} << 16) + (5 << 8));
  wheel.Insert(kDeadline, 2);
  EXPECT_THAT(AdvanceTo(wheel, kDeadline),
              ElementsAre(Fired{kDeadline, 0, kDeadline}, Fired{kDeadline, 1, kDeadline},
                          Fired{kDeadline, 2, kDeadline}));
}

// Deadlines on and around every wheel boundary, reached from several starting
// times, in one jump and in steps that stop just before each deadline.
TEST(TimerWheel, CascadesCorrectlyAtWheelBoundaries) {
  const std::vector<uint64_t> kBoundaries = {uint64_t{1} << 8, uint64_t{1} << 16, uint64_t{1} << 24,
                                             uint64_t{1} << 32, uint64_t{1} << 40};
  const std::vector<uint64_t> kStarts = {
      0, 1, 255, 256, 65535, (uint64_t{1} << 32) - 3, (uint64_t{1} << 33) + 12345};
  for (uint64_t start : kStarts) {
    for (uint64_t boundary : kBoundaries) {
      for (int64_t offset : {-1, 0, 1}) {
        const uint64_t delay = boundary + offset;
        for (bool stepwise : {false, true}) {
          SCOPED_TRACE(testing::Message()
                       << "start=" << start << " delay=" << delay << " stepwise=" << stepwise);
          TimerWheel<int> wheel(start);
          const uint64_t deadline = start + delay;
          wheel.Insert(deadline, 1);
          wheel.Insert(deadline + 1, 2);
          EXPECT_THAT(wheel.NextDeadline(), Optional(deadline));
          if (stepwise) {
            // Walk through intermediate times that cross lower boundaries.
            for (uint64_t t = start + 1; t < deadline - 1; t += (deadline - t) / 2 + 1) {
              ASSERT_THAT(AdvanceTo(wheel, t), IsEmpty()) << "at " << t;
            }
          }
          EXPECT_THAT(AdvanceTo(wheel, deadline - 1), IsEmpty());
          EXPECT_THAT(wheel.NextDeadline(), Optional(deadline));
          EXPECT_THAT(AdvanceTo(wheel, deadline), ElementsAre(Fired{deadline, 1, deadline}));
          EXPECT_THAT(AdvanceTo(wheel, deadline + 1000), ElementsAre(Fired{deadline + 1, 2, deadline + 1}));
        }
      }
    }
  }
}

TEST(TimerWheel, OverflowEntriesFireAfterDaysAndBeyondTwoToThe32) {
  constexpr uint64_t kDay = 24 * 60 * 60 * 1000;
  TimerWheel<int> wheel;
  wheel.InsertAfter(3 * kDay, 3);
  wheel.InsertAfter(60 * kDay, 60);  // > 2^32 ms (~49.7 days): overflow list
  wheel.InsertAfter(1000 * kDay, 1000);
  wheel.InsertAfter(uint64_t{1} << 50, 50);
  std::vector<Fired> fired;
  for (int day = 1; day <= 1000; ++day) {
    for (const Fired& f : AdvanceTo(wheel, day * kDay)) fired.push_back(f);
  }
  EXPECT_THAT(fired, ElementsAre(Fired{3 * kDay, 3, 3 * kDay}, Fired{60 * kDay, 60, 60 * kDay},
                                 Fired{1000 * kDay, 1000, 1000 * kDay}));
  EXPECT_THAT(wheel.NextDeadline(), Optional(uint64_t{1} << 50));
  EXPECT_THAT(AdvanceTo(wheel, UINT64_MAX), ElementsAre(Fired{uint64_t{1} << 50, 50, uint64_t{1} << 50}));
}

TEST(TimerWheel, HugeJumpsAreCheap) {
  // Each jump crosses ~2^40 ticks; walking tick by tick would never finish.
  TimerWheel<int> wheel;
  for (uint64_t i = 1; i <= 64; ++i) wheel.Insert(i << 40, static_cast<int>(i));
  uint64_t fired = 0;
  for (uint64_t i = 1; i <= 64; ++i) {
    const std::vector<Fired> f = AdvanceTo(wheel, (i << 40) + (uint64_t{1} << 39));
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].deadline, i << 40);
    ++fired;
  }
  EXPECT_EQ(fired, 64u);
}

TEST(TimerWheel, CancelPreventsFiringAndDestroysTheValue) {
  int destroyed = 0;
  TimerWheel<Tracked> wheel;
  WheelHandle a = wheel.InsertAfter(10, Tracked(&destroyed));
  WheelHandle b = wheel.InsertAfter(100000, Tracked(&destroyed));             // level 2
  WheelHandle c = wheel.InsertAfter(uint64_t{1} << 35, Tracked(&destroyed));  // overflow
  EXPECT_EQ(wheel.size(), 3u);
  EXPECT_TRUE(wheel.Cancel(a));
  EXPECT_TRUE(wheel.Cancel(b));
  EXPECT_TRUE(wheel.Cancel(c));
  EXPECT_EQ(destroyed, 3);
  EXPECT_TRUE(wheel.empty());
  EXPECT_FALSE(wheel.Cancel(a));  // idempotent
  EXPECT_EQ(wheel.NextDeadline(), std::nullopt);
  EXPECT_EQ(wheel.AdvanceTo(uint64_t{1} << 36, [](WheelHandle, uint64_t, Tracked&&) {}), 0u);
}

TEST(TimerWheel, StaleHandlesDoNotTouchReusedStorage) {
  TimerWheel<int> wheel;
  WheelHandle first = wheel.InsertAfter(5, 1);
  ASSERT_THAT(AdvanceTo(wheel, 5), ElementsAre(Fired{5, 1, 5}));
  WheelHandle second = wheel.InsertAfter(5, 2);  // reuses the freed slot
  EXPECT_NE(first, second);
  EXPECT_FALSE(wheel.Cancel(first));
  EXPECT_EQ(wheel.Get(first), nullptr);
  ASSERT_NE(wheel.Get(second), nullptr);
  EXPECT_EQ(*wheel.Get(second), 2);
  EXPECT_FALSE(wheel.Cancel(WheelHandle{}));
  EXPECT_FALSE(wheel.Cancel(WheelHandle{~uint64_t{0}}));
  EXPECT_THAT(AdvanceTo(wheel, 10), ElementsAre(Fired{10, 2, 10}));
}

TEST(TimerWheel, DestructorDestroysPendingValues) {
  int destroyed = 0;
  {
    TimerWheel<Tracked> wheel;
    wheel.InsertAfter(0, Tracked(&destroyed));
    wheel.InsertAfter(1, Tracked(&destroyed));
    wheel.InsertAfter(1 << 20, Tracked(&destroyed));
    wheel.InsertAfter(uint64_t{1} << 45, Tracked(&destroyed));
  }
  EXPECT_EQ(destroyed, 4);
}

TEST(TimerWheel, OnDueMayReinsertPeriodicallyWithoutDrift) {
  TimerWheel<int> wheel;
  constexpr uint64_t kPeriod = 7;
  wheel.Insert(3, 0);
  std::vector<uint64_t> deadlines;
  std::function<void(WheelHandle, uint64_t, int&&)> on_due = [&](WheelHandle, uint64_t deadline, int&& n) {
    deadlines.push_back(deadline);
    EXPECT_EQ(wheel.now(), deadline);
    wheel.Insert(deadline + kPeriod, n + 1);
  };
  // Irregular steps, one of them spanning many periods.
  for (uint64_t to : {1u, 5u, 6u, 100u, 70000u, 70001u, 140000u}) wheel.AdvanceTo(to, on_due);
  ASSERT_EQ(deadlines.size(), (140000 - 3) / kPeriod + 1);
  for (size_t i = 0; i < deadlines.size(); ++i) EXPECT_EQ(deadlines[i], 3 + i * kPeriod);
}

TEST(TimerWheel, OnDueMayCancelEntriesDueAtTheSameTick) {
  TimerWheel<int> wheel;
  wheel.InsertAfter(4, 1);
  WheelHandle second = wheel.InsertAfter(4, 2);
  wheel.InsertAfter(4, 3);
  std::vector<int> fired;
  wheel.AdvanceTo(10, [&](WheelHandle, uint64_t, int&& v) {
    fired.push_back(v);
    if (v == 1) {
      EXPECT_TRUE(wheel.Cancel(second));
    }
    if (v == 3) wheel.InsertAfter(0, 4);  // due at once: same call, after the tick's entries
  });
  EXPECT_THAT(fired, ElementsAre(1, 3, 4));
}

TEST(TimerWheel, NextWakeUpIsALowerBoundOfNextDeadline) {
  TimerWheel<int> wheel(10);
  EXPECT_EQ(wheel.NextWakeUp(), std::nullopt);
  wheel.Insert(10 + 70000, 1);  // level 2 from now = 10
  wheel.Insert(10 + 69000, 2);
  EXPECT_THAT(wheel.NextDeadline(), Optional(uint64_t{10 + 69000}));
  ASSERT_TRUE(wheel.NextWakeUp().has_value());
  EXPECT_LE(*wheel.NextWakeUp(), *wheel.NextDeadline());
  EXPECT_GT(*wheel.NextWakeUp(), 10u);
  // Following wake-ups reaches the deadline in a few steps (one per level), not
  // tick by tick.
  int steps = 0;
  while (wheel.NextWakeUp() != wheel.NextDeadline()) {
    ASSERT_THAT(AdvanceTo(wheel, *wheel.NextWakeUp()), IsEmpty());
    ASSERT_LE(++steps, 4);
  }
  EXPECT_THAT(AdvanceTo(wheel, *wheel.NextWakeUp()), ElementsAre(Fired{10 + 69000, 2, 10 + 69000}));
}

// The seed of a randomised test: KOMPACT_TEST_SEED=<n> (bazel test
// --test_env=KOMPACT_TEST_SEED=<n>) replays a run; otherwise a fresh one. Printed
// either way, and part of every failure message.
uint64_t TestSeed() {
  if (const char* env = std::getenv("KOMPACT_TEST_SEED"); env != nullptr && *env != '\0') {
    return std::strtoull(env, nullptr, 10);
  }
  std::random_device device;
  return (uint64_t{device()} << 32) | device();
}

// Random operations against a simple model: inserts with delays spread over every
// level and the overflow list, cancels, and advances of all sizes.
TEST(TimerWheel, MatchesAModelUnderRandomOperations) {
  const uint64_t seed = TestSeed();
  std::cout << "seed: " << seed << " (replay with --test_env=KOMPACT_TEST_SEED=" << seed << ")" << std::endl;
  RecordProperty("seed", std::to_string(seed));
  SCOPED_TRACE(::testing::Message() << "KOMPACT_TEST_SEED=" << seed);
  std::mt19937_64 gen(seed);
  for (int round = 0; round < 20; ++round) {
    const uint64_t start = absl::Uniform<uint64_t>(gen, 0, uint64_t{1} << 34);
    TimerWheel<int> wheel(start);
    // Model: (deadline, insertion sequence) -> handle.
    std::map<std::pair<uint64_t, int>, WheelHandle> live;
    int seq = 0;
    for (int op = 0; op < 3000; ++op) {
      const int kind = absl::Uniform(gen, 0, 10);
      if (kind < 5) {
        const int shift = absl::Uniform(gen, 0, 42);
        const uint64_t delay = absl::Uniform<uint64_t>(gen, 0, (uint64_t{1} << shift) + 1);
        const uint64_t deadline = wheel.now() + delay;
        live[{deadline, seq}] = wheel.Insert(deadline, seq);
        ++seq;
      } else if (kind < 7 && !live.empty()) {
        auto it = live.begin();
        std::advance(it, absl::Uniform<size_t>(gen, 0, live.size()));
        ASSERT_TRUE(wheel.Cancel(it->second));
        live.erase(it);
      } else {
        const int shift = absl::Uniform(gen, 0, 44);
        const uint64_t to = wheel.now() + absl::Uniform<uint64_t>(gen, 0, (uint64_t{1} << shift) + 1);
        std::vector<std::pair<uint64_t, int>> expected;
        while (!live.empty() && live.begin()->first.first <= to) {
          expected.push_back(live.begin()->first);
          live.erase(live.begin());
        }
        std::vector<std::pair<uint64_t, int>> actual;
        wheel.AdvanceTo(to, [&](WheelHandle, uint64_t deadline, int&& v) {
          EXPECT_EQ(wheel.now(), deadline);
          actual.emplace_back(deadline, v);
        });
        ASSERT_EQ(actual, expected) << "round " << round << " op " << op;
        ASSERT_EQ(wheel.now(), to);
      }
      ASSERT_EQ(wheel.size(), live.size());
      if (live.empty()) {
        ASSERT_EQ(wheel.NextDeadline(), std::nullopt);
      } else {
        ASSERT_THAT(wheel.NextDeadline(), Optional(std::max(live.begin()->first.first, wheel.now())));
        ASSERT_LE(*wheel.NextWakeUp(), *wheel.NextDeadline());
      }
    }
  }
}

}  // namespace
}  // namespace kompact
