#include "timer/manual_timer.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "base/build_config.h"
#include "base/capture_log_sink.h"
#include "base/log.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

using ::kompact::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Optional;

constexpr absl::Duration kMs = absl::Milliseconds(1);

// Increments a counter when the callback holding it is destroyed (copies moved from
// do not count).
class DestroyCounter {
 public:
  explicit DestroyCounter(std::atomic<int>* count) : count_(count) {}
  DestroyCounter(DestroyCounter&& other) noexcept : count_(std::exchange(other.count_, nullptr)) {}
  DestroyCounter& operator=(DestroyCounter&&) = delete;
  ~DestroyCounter() {
    if (count_ != nullptr) count_->fetch_add(1);
  }

 private:
  std::atomic<int>* count_;
};

TEST(ManualTimer, RunsOnceTimersAtTheirDeadlinesInOrder) {
  ManualTimer timer;
  std::vector<std::pair<int, absl::Duration>> fired;
  auto record = [&](int n) { return [&, n](TimerId) { fired.emplace_back(n, timer.Now()); }; };
  ASSERT_OK(timer.ScheduleOnce(30 * kMs, record(3)).status());
  ASSERT_OK(timer.ScheduleOnce(10 * kMs, record(1)).status());
  ASSERT_OK(timer.ScheduleOnce(20 * kMs, record(2)).status());
  ASSERT_OK(timer.ScheduleOnce(20 * kMs, record(22)).status());
  EXPECT_EQ(timer.pending(), 4u);
  EXPECT_THAT(timer.NextDeadline(), Optional(10 * kMs));

  ASSERT_OK(timer.Advance(9 * kMs));
  EXPECT_TRUE(fired.empty());
  ASSERT_OK(timer.Advance(100 * kMs));
  EXPECT_THAT(fired, ElementsAre(std::pair(1, 10 * kMs), std::pair(2, 20 * kMs), std::pair(22, 20 * kMs),
                                 std::pair(3, 30 * kMs)));
  EXPECT_EQ(timer.Now(), 109 * kMs);
  EXPECT_EQ(timer.pending(), 0u);
  EXPECT_EQ(timer.NextDeadline(), std::nullopt);
}

TEST(ManualTimer, CallbacksReceiveTheirOwnId) {
  ManualTimer timer;
  TimerId seen;
  ASSERT_OK_AND_ASSIGN(TimerId id, timer.ScheduleOnce(kMs, [&](TimerId got) { seen = got; }));
  ASSERT_OK(timer.Advance(kMs));
  EXPECT_EQ(seen, id);
  EXPECT_NE(id, TimerId{});
}

TEST(ManualTimer, PeriodicTimersHaveExactDeadlinesWithoutDrift) {
  for (bool one_jump : {true, false}) {
    SCOPED_TRACE(one_jump ? "one jump" : "irregular steps");
    ManualTimer timer;
    std::vector<absl::Duration> at;
    ASSERT_OK(timer
                  .SchedulePeriodic(3 * kMs, 7 * kMs,
                                    [&](TimerId) {
                                      at.push_back(timer.Now());
                                      return TimerReturn::kReschedule;
                                    })
                  .status());
    if (one_jump) {
      ASSERT_OK(timer.Advance(absl::Seconds(10)));
    } else {
      int step = 1;
      while (timer.Now() < absl::Seconds(10)) {
        ASSERT_OK(timer.AdvanceTo(std::min(timer.Now() + step * kMs, absl::Seconds(10))));
        step = step % 13 + 1;
      }
    }
    ASSERT_EQ(at.size(), (10000 - 3) / 7 + 1);
    for (size_t i = 0; i < at.size(); ++i) ASSERT_EQ(at[i], (3 + 7 * static_cast<int64_t>(i)) * kMs);
    EXPECT_EQ(timer.pending(), 1u);
  }
}

TEST(ManualTimer, FractionalPeriodsDoNotAccumulateRounding) {
  ManualTimer timer;
  std::vector<absl::Duration> at;
  ASSERT_OK(timer
                .SchedulePeriodic(absl::Microseconds(1500), absl::Microseconds(1500),
                                  [&](TimerId) {
                                    at.push_back(timer.Now());
                                    return TimerReturn::kReschedule;
                                  })
                .status());
  ASSERT_OK(timer.Advance(absl::Seconds(3)));
  // Deadlines k * 1.5 ms, each fired at the first whole millisecond at or after it.
  ASSERT_EQ(at.size(), 2000u);
  for (size_t i = 0; i < at.size(); ++i) {
    const absl::Duration deadline = absl::Microseconds(1500) * static_cast<int64_t>(i + 1);
    ASSERT_GE(at[i], deadline);
    ASSERT_LT(at[i], deadline + kMs);
  }
}

TEST(ManualTimer, ZeroDelayFiresOnTheNextAdvanceEvenAZeroOne) {
  ManualTimer timer;
  ASSERT_OK(timer.Advance(absl::Microseconds(2500)));  // between two ticks
  int fired = 0;
  ASSERT_OK(timer.ScheduleOnce(absl::ZeroDuration(), [&](TimerId) { ++fired; }).status());
  EXPECT_THAT(timer.NextDeadline(), Optional(absl::Microseconds(2500)));
  EXPECT_EQ(fired, 0);
  ASSERT_OK(timer.Advance(absl::ZeroDuration()));
  EXPECT_EQ(fired, 1);
}

TEST(ManualTimer, TimersScheduledByCallbacksFireWithinTheSameAdvance) {
  ManualTimer timer;
  std::vector<std::pair<std::string, absl::Duration>> fired;
  auto log = [&](std::string name) { return [&, name](TimerId) { fired.emplace_back(name, timer.Now()); }; };
  ASSERT_OK(timer
                .ScheduleOnce(10 * kMs,
                              [&](TimerId) {
                                fired.emplace_back("a", timer.Now());
                                ASSERT_OK(timer.ScheduleOnce(5 * kMs, log("a+5")).status());
                                ASSERT_OK(timer.ScheduleOnce(absl::ZeroDuration(), log("a+0")).status());
                                ASSERT_OK(timer.ScheduleOnce(200 * kMs, log("a+200")).status());
                              })
                .status());
  ASSERT_OK(timer.ScheduleOnce(10 * kMs, log("b")).status());
  ASSERT_OK(timer.ScheduleOnce(12 * kMs, log("c")).status());
  ASSERT_OK(timer.Advance(100 * kMs));
  // a+0 is due at 10 ms, after what was already due then; a+200 is outside.
  EXPECT_THAT(fired,
              ElementsAre(std::pair(std::string("a"), 10 * kMs), std::pair(std::string("b"), 10 * kMs),
                          std::pair(std::string("a+0"), 10 * kMs), std::pair(std::string("c"), 12 * kMs),
                          std::pair(std::string("a+5"), 15 * kMs)));
  EXPECT_EQ(timer.pending(), 1u);
}

TEST(ManualTimer, CancelledTimersNeverRunAndAreDestroyed) {
  ManualTimer timer;
  std::atomic<int> destroyed{0};
  int ran = 0;
  ASSERT_OK_AND_ASSIGN(TimerId once,
                       timer.ScheduleOnce(5 * kMs, [&, d = DestroyCounter(&destroyed)](TimerId) { ++ran; }));
  ASSERT_OK_AND_ASSIGN(TimerId periodic,
                       timer.SchedulePeriodic(kMs, kMs, [&, d = DestroyCounter(&destroyed)](TimerId) {
                         ++ran;
                         return TimerReturn::kReschedule;
                       }));
  EXPECT_EQ(timer.pending(), 2u);
  timer.Cancel(once);
  timer.Cancel(periodic);
  timer.Cancel(periodic);        // idempotent
  timer.Cancel(TimerId{12345});  // unknown
  EXPECT_EQ(timer.pending(), 0u);
  ASSERT_OK(timer.Advance(absl::Seconds(1)));
  EXPECT_EQ(ran, 0);
  EXPECT_EQ(destroyed.load(), 2);
}

TEST(ManualTimer, CancelledTimersAreDestroyedLongBeforeTheirDeadline) {
  ManualTimer timer;
  std::atomic<int> destroyed{0};
  ASSERT_OK_AND_ASSIGN(TimerId id,
                       timer.ScheduleOnce(absl::Hours(24), [d = DestroyCounter(&destroyed)](TimerId) {}));
  ASSERT_OK(timer.Advance(kMs));  // now in the wheel
  timer.Cancel(id);
  ASSERT_OK(timer.Advance(absl::ZeroDuration()));
  EXPECT_EQ(destroyed.load(), 1);
  EXPECT_EQ(timer.NextDeadline(), std::nullopt);
}

TEST(ManualTimer, PeriodicTimerStopsWhenItReturnsCancelOrCancelsItself) {
  ManualTimer timer;
  std::atomic<int> destroyed{0};
  int by_return = 0;
  int by_cancel = 0;
  ASSERT_OK(timer
                .SchedulePeriodic(kMs, kMs,
                                  [&, d = DestroyCounter(&destroyed)](TimerId) {
                                    return ++by_return == 3 ? TimerReturn::kCancel : TimerReturn::kReschedule;
                                  })
                .status());
  ASSERT_OK(timer
                .SchedulePeriodic(kMs, kMs,
                                  [&, d = DestroyCounter(&destroyed)](TimerId self) {
                                    if (++by_cancel == 4) timer.Cancel(self);
                                    return TimerReturn::kReschedule;
                                  })
                .status());
  ASSERT_OK(timer.Advance(absl::Seconds(1)));
  EXPECT_EQ(by_return, 3);
  EXPECT_EQ(by_cancel, 4);
  EXPECT_EQ(destroyed.load(), 2);
  EXPECT_EQ(timer.pending(), 0u);
}

TEST(ManualTimer, ACallbackCanCancelATimerDueAtTheSameTime) {
  ManualTimer timer;
  TimerId victim;
  std::vector<int> fired;
  ASSERT_OK(timer
                .ScheduleOnce(10 * kMs,
                              [&](TimerId) {
                                fired.push_back(1);
                                timer.Cancel(victim);
                              })
                .status());
  ASSERT_OK_AND_ASSIGN(victim, timer.ScheduleOnce(10 * kMs, [&](TimerId) { fired.push_back(2); }));
  ASSERT_OK(timer.ScheduleOnce(10 * kMs, [&](TimerId) { fired.push_back(3); }).status());
  ASSERT_OK(timer.Advance(10 * kMs));
  EXPECT_THAT(fired, ElementsAre(1, 3));
}

TEST(ManualTimer, LongDelaysGoThroughTheOverflowList) {
  constexpr absl::Duration kDay = absl::Hours(24);
  ManualTimer timer;
  std::vector<absl::Duration> fired;
  auto record = [&](TimerId) { fired.push_back(timer.Now()); };
  ASSERT_OK(timer.ScheduleOnce(3 * kDay, record).status());
  ASSERT_OK(timer.ScheduleOnce(60 * kDay, record).status());  // beyond 2^32 ms (~49.7 days)
  ASSERT_OK(timer.ScheduleOnce(400 * kDay + 7 * kMs, record).status());
  for (int day = 0; day < 100; ++day) ASSERT_OK(timer.Advance(kDay));
  EXPECT_THAT(fired, ElementsAre(3 * kDay, 60 * kDay));
  EXPECT_THAT(timer.NextDeadline(), Optional(400 * kDay + 7 * kMs));
  ASSERT_OK(timer.Advance(1000 * kDay));  // one jump over many 2^32 ms spans
  EXPECT_THAT(fired, ElementsAre(3 * kDay, 60 * kDay, 400 * kDay + 7 * kMs));
}

TEST(ManualTimer, DailyPeriodicTimerOverManyWheelSpans) {
  constexpr absl::Duration kDay = absl::Hours(24);
  ManualTimer timer;
  std::vector<absl::Duration> fired;
  ASSERT_OK(timer
                .SchedulePeriodic(kDay, kDay,
                                  [&](TimerId) {
                                    fired.push_back(timer.Now());
                                    return TimerReturn::kReschedule;
                                  })
                .status());
  ASSERT_OK(timer.Advance(200 * kDay));  // 2^32 ms is crossed four times
  ASSERT_EQ(fired.size(), 200u);
  for (size_t i = 0; i < fired.size(); ++i) EXPECT_EQ(fired[i], (static_cast<int64_t>(i) + 1) * kDay);
}

TEST(ManualTimer, RejectsInvalidDelaysAndPeriods) {
  ManualTimer timer;
  auto once = [](TimerId) {};
  auto periodic = [](TimerId) { return TimerReturn::kReschedule; };
  EXPECT_THAT(timer.ScheduleOnce(-5 * kMs, once), StatusIs(absl::StatusCode::kInvalidArgument, "-5ms"));
  EXPECT_THAT(timer.ScheduleOnce(absl::InfiniteDuration(), once),
              StatusIs(absl::StatusCode::kInvalidArgument, "inf"));
  EXPECT_THAT(timer.SchedulePeriodic(-kMs, kMs, periodic),
              StatusIs(absl::StatusCode::kInvalidArgument, "delay"));
  EXPECT_THAT(timer.SchedulePeriodic(kMs, absl::ZeroDuration(), periodic),
              StatusIs(absl::StatusCode::kInvalidArgument, "period must be finite and > 0, got 0"));
  EXPECT_THAT(timer.SchedulePeriodic(kMs, -3 * kMs, periodic),
              StatusIs(absl::StatusCode::kInvalidArgument, "-3ms"));
  EXPECT_THAT(timer.SchedulePeriodic(kMs, absl::InfiniteDuration(), periodic),
              StatusIs(absl::StatusCode::kInvalidArgument, "period"));
  EXPECT_THAT(timer.ScheduleOnce(kMs, nullptr), StatusIs(absl::StatusCode::kInvalidArgument, "empty"));
  EXPECT_THAT(timer.Advance(-kMs), StatusIs(absl::StatusCode::kInvalidArgument, "-1ms"));
  ASSERT_OK(timer.Advance(10 * kMs));
  EXPECT_THAT(timer.AdvanceTo(5 * kMs), StatusIs(absl::StatusCode::kInvalidArgument, "Now()"));
  EXPECT_EQ(timer.pending(), 0u);
}

TEST(ManualTimer, ShutdownDestroysPendingCallbacksWithoutRunningThem) {
  ManualTimer timer;
  std::atomic<int> destroyed{0};
  std::atomic<int> ran{0};
  for (int i = 0; i < 10; ++i) {
    ASSERT_OK(
        timer.ScheduleOnce(i * 100 * kMs, [&, d = DestroyCounter(&destroyed)](TimerId) { ++ran; }).status());
    ASSERT_OK(timer
                  .SchedulePeriodic(absl::Hours(24 * 100), kMs,
                                    [&, d = DestroyCounter(&destroyed)](TimerId) {
                                      ++ran;
                                      return TimerReturn::kReschedule;
                                    })
                  .status());
  }
  timer.Shutdown();
  EXPECT_EQ(ran.load(), 0);
  EXPECT_EQ(destroyed.load(), 20);
  EXPECT_EQ(timer.pending(), 0u);
  EXPECT_THAT(timer.ScheduleOnce(kMs, [](TimerId) {}), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(timer.SchedulePeriodic(kMs, kMs, [](TimerId) { return TimerReturn::kReschedule; }),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(timer.Advance(kMs), StatusIs(absl::StatusCode::kFailedPrecondition));
  timer.Shutdown();  // idempotent
}

TEST(ManualTimer, ShutdownFromACallbackStopsTheRunningAdvance) {
  ManualTimer timer;
  std::atomic<int> destroyed{0};
  std::vector<int> ran;
  ASSERT_OK(timer
                .ScheduleOnce(5 * kMs,
                              [&](TimerId) {
                                ran.push_back(1);
                                timer.Shutdown();  // must not deadlock
                                EXPECT_THAT(timer.Advance(kMs),
                                            StatusIs(absl::StatusCode::kFailedPrecondition, "callbacks"));
                              })
                .status());
  ASSERT_OK(timer.ScheduleOnce(5 * kMs, [&, d = DestroyCounter(&destroyed)](TimerId) { ran.push_back(2); })
                .status());
  ASSERT_OK(timer.ScheduleOnce(6 * kMs, [&, d = DestroyCounter(&destroyed)](TimerId) { ran.push_back(3); })
                .status());
  ASSERT_OK(timer.Advance(10 * kMs));
  EXPECT_THAT(ran, ElementsAre(1));
  EXPECT_EQ(destroyed.load(), 2);
  EXPECT_EQ(timer.pending(), 0u);
}

TEST(ManualTimer, CallbackThatThrowsIsLoggedAndAPeriodicOneStops) {
  auto sink = std::make_shared<CaptureLogSink>();
  ManualTimer timer{Logger(sink)};
  int calls = 0;
  ASSERT_OK(timer
                .SchedulePeriodic(kMs, kMs,
                                  [&](TimerId) -> TimerReturn {
                                    ++calls;
                                    throw std::runtime_error("boom");
                                  })
                .status());
  ASSERT_OK(timer.Advance(10 * kMs));
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(sink->Contains("boom"));
  EXPECT_EQ(timer.pending(), 0u);
}

// Other threads schedule and cancel while this one advances time.
TEST(ManualTimer, ScheduleAndCancelFromManyThreadsWhileAdvancing) {
  constexpr int kThreads = 4;
  const int per_thread = kSanitizer != Sanitizer::kNone ? 2000 : 20000;
  ManualTimer timer;
  std::atomic<int> destroyed{0};
  std::atomic<int> done{0};
  struct Probe {
    std::atomic<bool> cancelled{false};  // set once Cancel returned
    std::atomic<int> runs{0};
    std::atomic<int> runs_after_cancel{0};
  };
  std::vector<std::vector<std::pair<std::shared_ptr<Probe>, bool>>> probes(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        auto probe = std::make_shared<Probe>();
        auto id = timer.ScheduleOnce((i + t) % 20 * kMs, [&, probe, d = DestroyCounter(&destroyed)](TimerId) {
          if (probe->cancelled.load()) probe->runs_after_cancel.fetch_add(1);
          probe->runs.fetch_add(1);
        });
        ASSERT_OK(id.status());
        const bool cancel = i % 2 == 1;
        if (cancel) {
          timer.Cancel(*id);
          probe->cancelled.store(true);
        }
        probes[t].emplace_back(std::move(probe), cancel);
      }
      done.fetch_add(1);
    });
  }
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  while (done.load() < kThreads && absl::Now() < give_up) ASSERT_OK(timer.Advance(kMs));
  for (std::thread& t : threads) t.join();
  ASSERT_OK(timer.Advance(absl::Seconds(1)));
  EXPECT_EQ(destroyed.load(), kThreads * per_thread);
  EXPECT_EQ(timer.pending(), 0u);
  for (const auto& list : probes) {
    for (const auto& [probe, cancelled] : list) {
      // Runs at most once; exactly once unless cancelled; a run that had begun when
      // Cancel returned is the only one that can come after it.
      ASSERT_LE(probe->runs.load(), 1);
      ASSERT_LE(probe->runs_after_cancel.load(), 1);
      if (!cancelled) {
        ASSERT_EQ(probe->runs.load(), 1);
      }
    }
  }
}

TEST(ManualTimer, ShutdownFromAnotherThreadWaitsForTheRunningAdvance) {
  ManualTimer timer;
  std::atomic<bool> in_callback{false};
  std::atomic<bool> release{false};
  std::atomic<int> destroyed{0};
  ASSERT_OK(timer
                .ScheduleOnce(kMs,
                              [&](TimerId) {
                                in_callback.store(true);
                                const absl::Time give_up = absl::Now() + absl::Seconds(30);
                                while (!release.load() && absl::Now() < give_up) std::this_thread::yield();
                              })
                .status());
  ASSERT_OK(timer.ScheduleOnce(kMs, [&, d = DestroyCounter(&destroyed)](TimerId) {}).status());
  std::thread advancer([&] { EXPECT_OK(timer.Advance(kMs)); });
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (!in_callback.load() && absl::Now() < give_up) std::this_thread::yield();
  ASSERT_TRUE(in_callback.load());
  std::atomic<bool> shutdown_returned{false};
  std::thread stopper([&] {
    timer.Shutdown();
    shutdown_returned.store(true);
  });
  // Wait until Shutdown has begun (the timer refuses new timers), then give it
  // time to return early, which it must not do while the callback runs.
  const absl::Time stop_deadline = absl::Now() + absl::Seconds(30);
  while (timer.ScheduleOnce(kMs, [](TimerId) {}).ok() && absl::Now() < stop_deadline) {
    std::this_thread::yield();
  }
  ASSERT_FALSE(timer.ScheduleOnce(kMs, [](TimerId) {}).ok()) << "Shutdown never began";
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_FALSE(shutdown_returned.load()) << "Shutdown returned while an Advance was running a callback";
  EXPECT_EQ(destroyed.load(), 0);  // not destroyed under the running Advance either
  release.store(true);
  stopper.join();
  EXPECT_TRUE(shutdown_returned.load());
  // Shutdown returned: the callback still pending was destroyed, not run.
  EXPECT_EQ(destroyed.load(), 1);
  advancer.join();
}

}  // namespace
}  // namespace kompact
