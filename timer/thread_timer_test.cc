#include "timer/thread_timer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "base/build_config.h"
#include "base/capture_log_sink.h"
#include "base/log.h"
#include "glog/logging.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

using ::kompact::testing::StatusIs;
using ::testing::ElementsAre;
using Clock = std::chrono::steady_clock;

constexpr absl::Duration kMs = absl::Milliseconds(1);
// Generous: the machine is small, shared and noisy.
constexpr absl::Duration kWait = absl::Seconds(30);
// How late a timer may fire: generous, and five times that under the sanitizers
// (TSAN slows the timer thread and everything competing with it for 2 cores).
constexpr auto kLateTolerance = std::chrono::milliseconds(kSanitizer == Sanitizer::kNone ? 250 : 1250);

// A counter that can be waited on.
class Counter {
 public:
  void Increment() {
    std::lock_guard<std::mutex> lock(mu_);
    ++count_;
    cv_.notify_all();
  }
  int Get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return count_;
  }
  // True once the count reaches `n`; false after `timeout`.
  bool WaitFor(int n, absl::Duration timeout = kWait) const {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] { return count_ >= n; });
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  int count_ = 0;
};

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

std::unique_ptr<ThreadTimer> MakeTimer(ThreadTimerOptions options = {}) {
  absl::StatusOr<std::unique_ptr<ThreadTimer>> timer = ThreadTimer::Create(std::move(options));
  CHECK(timer.ok()) << timer.status();
  return *std::move(timer);
}

TEST(ThreadTimer, FiresNoEarlierThanTheDeadlineAndSoonAfter) {
  auto timer = MakeTimer();
  const std::vector<int> delays_ms = {0, 1, 3, 10, 25, 60, 120};
  std::vector<Clock::time_point> scheduled(delays_ms.size());
  std::vector<Clock::time_point> fired(delays_ms.size());
  Counter done;
  for (size_t i = 0; i < delays_ms.size(); ++i) {
    scheduled[i] = Clock::now();
    ASSERT_OK(timer
                  ->ScheduleOnce(delays_ms[i] * kMs,
                                 [&, i](TimerId) {
                                   fired[i] = Clock::now();
                                   done.Increment();
                                 })
                  .status());
  }
  ASSERT_TRUE(done.WaitFor(static_cast<int>(delays_ms.size())));
  for (size_t i = 0; i < delays_ms.size(); ++i) {
    const auto elapsed = fired[i] - scheduled[i];
    EXPECT_GE(elapsed, std::chrono::milliseconds(delays_ms[i])) << "delay " << delays_ms[i] << " ms";
    EXPECT_LE(elapsed, std::chrono::milliseconds(delays_ms[i]) + kLateTolerance)
        << "delay " << delays_ms[i] << " ms";
  }
}

TEST(ThreadTimer, FiresInDeadlineOrderWithTiesInSchedulingOrder) {
  auto timer = MakeTimer();
  std::mutex mu;
  std::vector<int> order;
  Counter done;
  struct Armed {
    int delay_ms;
    Clock::time_point before;  // the deadline lies in [before, after] + delay
    Clock::time_point after;
  };
  std::vector<Armed> armed;
  // Timer n fires at its own deadline; n == index in `armed`.
  auto arm = [&](int delay_ms) {
    const int n = static_cast<int>(armed.size());
    const Clock::time_point before = Clock::now();
    ASSERT_OK(timer
                  ->ScheduleOnce(delay_ms * kMs,
                                 [&, n](TimerId) {
                                   {
                                     std::lock_guard<std::mutex> lock(mu);
                                     order.push_back(n);
                                   }
                                   done.Increment();
                                 })
                  .status());
    armed.push_back({delay_ms, before, Clock::now()});
  };
  arm(40);
  arm(20);
  arm(30);
  arm(20);  // a tie with the second: fires after it
  arm(10);
  ASSERT_TRUE(done.WaitFor(static_cast<int>(armed.size())));
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(order.size(), armed.size());
  std::vector<size_t> position(armed.size());
  for (size_t k = 0; k < order.size(); ++k) position[order[k]] = k;
  // Every pair whose deadlines are certainly ordered (measured around each
  // ScheduleOnce, plus a 1 ms tick) fired in that order, however long the
  // scheduling thread was descheduled in between; equal delays scheduled one after
  // the other have non-decreasing deadlines and fire in scheduling order.
  int checked = 0;
  for (size_t i = 0; i < armed.size(); ++i) {
    for (size_t j = 0; j < armed.size(); ++j) {
      const auto latest_i = armed[i].after + std::chrono::milliseconds(armed[i].delay_ms + 1);
      const auto earliest_j = armed[j].before + std::chrono::milliseconds(armed[j].delay_ms);
      const bool tie_in_order = i < j && armed[i].delay_ms == armed[j].delay_ms;
      if (tie_in_order || latest_i < earliest_j) {
        ++checked;
        EXPECT_LT(position[i], position[j])
            << "timer " << i << " (" << armed[i].delay_ms << " ms) fired after " << j << " ("
            << armed[j].delay_ms << " ms)";
      }
    }
  }
  RecordProperty("ordered_pairs_checked", checked);
  EXPECT_GE(checked, 1);  // the tie, at least
}

TEST(ThreadTimer, CallbackReceivesItsIdOnTheTimerThread) {
  auto timer = MakeTimer();
  Counter done;
  std::atomic<uint64_t> seen{0};
  std::atomic<bool> on_timer_thread{false};
  ASSERT_OK_AND_ASSIGN(TimerId id, timer->ScheduleOnce(kMs, [&](TimerId got) {
    seen.store(got.value);
    on_timer_thread.store(timer->IsTimerThread());
    done.Increment();
  }));
  ASSERT_TRUE(done.WaitFor(1));
  EXPECT_EQ(seen.load(), id.value);
  EXPECT_TRUE(on_timer_thread.load());
  EXPECT_FALSE(timer->IsTimerThread());
}

TEST(ThreadTimer, CancelBeforeExpiryPreventsTheCallback) {
  auto timer = MakeTimer();
  std::atomic<int> destroyed{0};
  std::atomic<bool> ran{false};
  ASSERT_OK_AND_ASSIGN(
      TimerId id,
      timer->ScheduleOnce(30 * kMs, [&, d = DestroyCounter(&destroyed)](TimerId) { ran.store(true); }));
  timer->Cancel(id);
  EXPECT_EQ(timer->pending(), 0u);
  // A later timer firing proves the cancelled one's deadline was passed.
  Counter sentinel;
  ASSERT_OK(timer->ScheduleOnce(60 * kMs, [&](TimerId) { sentinel.Increment(); }).status());
  ASSERT_TRUE(sentinel.WaitFor(1));
  EXPECT_FALSE(ran.load());
  EXPECT_EQ(destroyed.load(), 1);
}

TEST(ThreadTimer, PeriodicTimerCancelledFromItsOwnCallback) {
  auto timer = MakeTimer();
  std::atomic<int> destroyed{0};
  Counter calls;
  ASSERT_OK(timer
                ->SchedulePeriodic(kMs, 2 * kMs,
                                   [&, d = DestroyCounter(&destroyed)](TimerId self) {
                                     calls.Increment();
                                     if (calls.Get() == 5) timer->Cancel(self);
                                     return TimerReturn::kReschedule;
                                   })
                .status());
  ASSERT_TRUE(calls.WaitFor(5));
  Counter sentinel;
  ASSERT_OK(timer->ScheduleOnce(30 * kMs, [&](TimerId) { sentinel.Increment(); }).status());
  ASSERT_TRUE(sentinel.WaitFor(1));
  EXPECT_EQ(calls.Get(), 5);
  EXPECT_EQ(destroyed.load(), 1);
  EXPECT_EQ(timer->pending(), 0u);
}

TEST(ThreadTimer, PeriodicTimerCancelledFromAnotherThreadDoesNotStartAgain) {
  auto timer = MakeTimer();
  std::atomic<int> destroyed{0};
  std::atomic<int> started{0};
  Counter calls;
  ASSERT_OK_AND_ASSIGN(TimerId id,
                       timer->SchedulePeriodic(kMs, kMs, [&, d = DestroyCounter(&destroyed)](TimerId) {
                         started.fetch_add(1);
                         calls.Increment();
                         return TimerReturn::kReschedule;
                       }));
  ASSERT_TRUE(calls.WaitFor(10));
  timer->Cancel(id);
  const int at_cancel = started.load();
  Counter sentinel;
  ASSERT_OK(timer->ScheduleOnce(30 * kMs, [&](TimerId) { sentinel.Increment(); }).status());
  ASSERT_TRUE(sentinel.WaitFor(1));
  // At most the run that had already started when Cancel returned.
  EXPECT_LE(started.load(), at_cancel + 1);
  EXPECT_EQ(destroyed.load(), 1);
}

TEST(ThreadTimer, PeriodicTimerKeepsItsRateOverManyPeriods) {
  auto timer = MakeTimer();
  constexpr int kPeriods = 400;
  constexpr auto kPeriod = std::chrono::milliseconds(5);
  std::vector<Clock::time_point> at;
  at.reserve(kPeriods);
  Counter calls;
  const Clock::time_point start = Clock::now();
  ASSERT_OK(timer
                ->SchedulePeriodic(5 * kMs, 5 * kMs,
                                   [&](TimerId) {
                                     if (at.size() < kPeriods) at.push_back(Clock::now());
                                     calls.Increment();
                                     return at.size() < kPeriods ? TimerReturn::kReschedule
                                                                 : TimerReturn::kCancel;
                                   })
                .status());
  ASSERT_TRUE(calls.WaitFor(kPeriods));
  ASSERT_EQ(at.size(), static_cast<size_t>(kPeriods));
  for (int k = 0; k < kPeriods; ++k)
    ASSERT_GE(at[k] - start, kPeriod * (k + 1)) << "firing " << k << " was early";
  // Deadlines are start + k * period: lateness does not accumulate. Drifting by even
  // 1 ms per period would put the last firing 400 ms late.
  EXPECT_LE(at.back() - start, kPeriod * kPeriods + kLateTolerance);
}

TEST(ThreadTimer, SleepsWhileTheNextDeadlineIsFarAway) {
  auto timer = MakeTimer();
  Counter fired;
  // Let the thread settle into its first sleep.
  ASSERT_OK(timer->ScheduleOnce(kMs, [&](TimerId) { fired.Increment(); }).status());
  ASSERT_TRUE(fired.WaitFor(1));
  ASSERT_OK(timer->ScheduleOnce(absl::Seconds(10), [](TimerId) {}).status());
  // Far-away schedules arriving while it sleeps do not wake it either.
  for (int i = 0; i < 500; ++i)
    ASSERT_OK(timer->ScheduleOnce(absl::Seconds(20 + i), [](TimerId) {}).status());
  const uint64_t before = timer->wake_ups();
  absl::SleepFor(absl::Seconds(1));  // the measurement window, not synchronisation
  const uint64_t during = timer->wake_ups() - before;
  RecordProperty("wake_ups_in_1s", static_cast<int>(during));
  // Polling every millisecond would be ~1000.
  EXPECT_LE(during, 5u);
  // An earlier deadline wakes it at once.
  const Clock::time_point scheduled = Clock::now();
  std::atomic<int64_t> late_ns{0};
  ASSERT_OK(timer
                ->ScheduleOnce(20 * kMs,
                               [&](TimerId) {
                                 late_ns.store(
                                     (Clock::now() - scheduled - std::chrono::milliseconds(20)).count());
                                 fired.Increment();
                               })
                .status());
  ASSERT_TRUE(fired.WaitFor(2));
  EXPECT_GE(late_ns.load(), 0);
  EXPECT_LE(late_ns.load(), std::chrono::nanoseconds(kLateTolerance).count());
}

TEST(ThreadTimer, IdleTimerDoesNotWakeAtAll) {
  auto timer = MakeTimer();
  const uint64_t before = timer->wake_ups();
  absl::SleepFor(absl::Milliseconds(300));  // the measurement window
  RecordProperty("idle_wake_ups_in_300ms", static_cast<int>(timer->wake_ups() - before));
  EXPECT_LE(timer->wake_ups() - before, 1u);
}

TEST(ThreadTimer, RejectsInvalidArguments) {
  auto timer = MakeTimer();
  EXPECT_THAT(timer->ScheduleOnce(-kMs, [](TimerId) {}),
              StatusIs(absl::StatusCode::kInvalidArgument, "-1ms"));
  EXPECT_THAT(timer->ScheduleOnce(absl::InfiniteDuration(), [](TimerId) {}),
              StatusIs(absl::StatusCode::kInvalidArgument, "inf"));
  EXPECT_THAT(
      timer->SchedulePeriodic(kMs, absl::ZeroDuration(), [](TimerId) { return TimerReturn::kCancel; }),
      StatusIs(absl::StatusCode::kInvalidArgument, "period"));
  EXPECT_THAT(timer->SchedulePeriodic(kMs, -kMs, [](TimerId) { return TimerReturn::kCancel; }),
              StatusIs(absl::StatusCode::kInvalidArgument, "-1ms"));
}

TEST(ThreadTimer, ShutdownDestroysPendingCallbacksWithoutRunningThem) {
  auto timer = MakeTimer();
  std::atomic<int> destroyed{0};
  std::atomic<int> ran{0};
  for (int i = 0; i < 100; ++i) {
    ASSERT_OK(timer
                  ->ScheduleOnce(absl::Seconds(10 + i),
                                 [&, d = DestroyCounter(&destroyed)](TimerId) { ran.fetch_add(1); })
                  .status());
    ASSERT_OK(timer
                  ->SchedulePeriodic(absl::Hours(1), kMs,
                                     [&, d = DestroyCounter(&destroyed)](TimerId) {
                                       ran.fetch_add(1);
                                       return TimerReturn::kReschedule;
                                     })
                  .status());
  }
  std::thread other([&] { timer->Shutdown(); });  // concurrent Shutdowns both wait
  timer->Shutdown();
  other.join();
  EXPECT_EQ(ran.load(), 0);
  EXPECT_EQ(destroyed.load(), 200);
  EXPECT_EQ(timer->pending(), 0u);
  EXPECT_THAT(timer->ScheduleOnce(kMs, [](TimerId) {}), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(timer->SchedulePeriodic(kMs, kMs, [](TimerId) { return TimerReturn::kCancel; }),
              StatusIs(absl::StatusCode::kFailedPrecondition, "shut down"));
  timer->Cancel(TimerId{1});  // harmless
}

TEST(ThreadTimer, ShutdownFromACallbackDoesNotDeadlock) {
  auto timer = MakeTimer();
  std::atomic<int> destroyed{0};
  Counter stopped;
  ASSERT_OK(timer
                ->ScheduleOnce(kMs,
                               [&](TimerId) {
                                 timer->Shutdown();
                                 stopped.Increment();
                               })
                .status());
  ASSERT_OK(timer->ScheduleOnce(absl::Seconds(30), [&, d = DestroyCounter(&destroyed)](TimerId) {}).status());
  ASSERT_TRUE(stopped.WaitFor(1));
  EXPECT_THAT(timer->ScheduleOnce(kMs, [](TimerId) {}), StatusIs(absl::StatusCode::kFailedPrecondition));
  timer->Shutdown();  // joins; the thread destroyed the rest on its way out
  EXPECT_EQ(destroyed.load(), 1);
}

TEST(ThreadTimer, CallbackThatThrowsIsLoggedAndTheTimerKeepsWorking) {
  auto sink = std::make_shared<CaptureLogSink>();
  auto timer = MakeTimer({.logger = Logger(sink)});
  ASSERT_OK(timer->ScheduleOnce(kMs, [](TimerId) { throw std::runtime_error("kaboom"); }).status());
  Counter after;
  ASSERT_OK(timer->ScheduleOnce(5 * kMs, [&](TimerId) { after.Increment(); }).status());
  ASSERT_TRUE(after.WaitFor(1));
  EXPECT_TRUE(sink->Contains("kaboom"));
}

// What one timer of a stress test observed.
struct Probe {
  std::atomic<bool> cancelled{false};  // set once Cancel returned
  std::atomic<int> runs{0};
  std::atomic<int> runs_after_cancel{0};
  void Run() {
    if (cancelled.load()) runs_after_cancel.fetch_add(1);
    runs.fetch_add(1);
  }
};

// Many threads schedule and cancel concurrently (run under --config=tsan too).
TEST(ThreadTimer, ScheduleAndCancelFromManyThreads) {
  constexpr int kThreads = 4;
  const int per_thread = kSanitizer != Sanitizer::kNone ? 2000 : 20000;
  auto timer = MakeTimer();
  std::atomic<int> destroyed{0};
  Counter fired;
  std::vector<std::vector<std::pair<std::shared_ptr<Probe>, bool>>> probes(kThreads);  // probe, cancelled
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        auto probe = std::make_shared<Probe>();
        const absl::Duration delay = (i * 7 + t) % 15 * kMs;
        const bool periodic = i % 5 == 0;
        // Cancel every periodic timer and every other one-shot timer.
        const bool cancel = periodic || i % 2 == 1;
        absl::StatusOr<TimerId> id;
        if (periodic) {
          id = timer->SchedulePeriodic(delay, kMs, [&, probe, d = DestroyCounter(&destroyed)](TimerId) {
            probe->Run();
            return TimerReturn::kReschedule;
          });
        } else {
          id = timer->ScheduleOnce(delay, [&, probe, cancel, d = DestroyCounter(&destroyed)](TimerId) {
            probe->Run();
            if (!cancel) fired.Increment();
          });
        }
        ASSERT_OK(id.status());
        if (cancel) {
          if (i % 3 == 0) std::this_thread::yield();  // sometimes after it started firing
          timer->Cancel(*id);
          probe->cancelled.store(true);
        }
        probes[t].emplace_back(std::move(probe), cancel);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  int expected_fires = 0;
  for (const auto& list : probes) {
    for (const auto& [probe, cancelled] : list) expected_fires += cancelled ? 0 : 1;
  }
  ASSERT_TRUE(fired.WaitFor(expected_fires)) << fired.Get() << " of " << expected_fires;
  timer->Shutdown();
  EXPECT_EQ(destroyed.load(), kThreads * per_thread);
  EXPECT_EQ(timer->pending(), 0u);
  for (const auto& list : probes) {
    for (const auto& [probe, cancelled] : list) {
      // Only a run already under way when Cancel returned may finish after it; a
      // one-shot runs at most once, and exactly once unless cancelled.
      ASSERT_LE(probe->runs_after_cancel.load(), 1);
      if (!cancelled) {
        ASSERT_EQ(probe->runs.load(), 1);
      }
    }
  }
}

}  // namespace
}  // namespace kompact
