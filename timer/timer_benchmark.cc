// Throughput of the hash wheel (TimerWheel) and of ThreadTimer scheduling.
//
//   tools/bazel run -c opt //timer:timer_benchmark
//
// The wheel benchmarks mirror rust-hash-wheel-timer's (Kompact's wheel) criterion
// suite: batches of 10,000 entries with 16-byte payloads (Kompact's are UUIDs);
// write-only dense/uniform/overflow/single-slot, read-only spread over slots and
// clustered in one slot, read-write. Only the measured phase is timed (manual
// time), set-up and clean-up are not. Wheel phases are timed in thread CPU time so
// that a shared, loaded machine descheduling the benchmark does not count.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <ctime>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/random/random.h"
#include "benchmark/benchmark.h"
#include "timer/thread_timer.h"
#include "timer/timer_wheel.h"

namespace kompact {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kBatch = 10'000;

struct Payload {  // as large as a UUID
  uint64_t hi;
  uint64_t lo;
};

double Seconds(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// CPU time of the calling thread, in seconds.
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Delays for one batch: dense (1..N), uniform over 32 bits, uniform over 64 bits
// (mostly overflow), or all in one slot.
enum class Spread { kDense, kUniform32, kUniform64, kSingle };

std::vector<uint64_t> Delays(Spread spread) {
  absl::BitGen gen;
  std::vector<uint64_t> delays(kBatch);
  for (int i = 0; i < kBatch; ++i) {
    switch (spread) {
      case Spread::kDense:
        delays[i] = i + 1;
        break;
      case Spread::kUniform32:
        delays[i] = absl::Uniform<uint32_t>(absl::IntervalClosed, gen, 1, UINT32_MAX);
        break;
      case Spread::kUniform64:
        delays[i] = absl::Uniform<uint64_t>(absl::IntervalClosed, gen, 1, UINT64_MAX / 2);
        break;
      case Spread::kSingle:
        delays[i] = 1;
        break;
    }
  }
  return delays;
}

void BM_WheelInsert(benchmark::State& state) {
  const std::vector<uint64_t> delays = Delays(static_cast<Spread>(state.range(0)));
  TimerWheel<Payload> wheel;
  std::vector<WheelHandle> handles(kBatch);
  for (auto _ : state) {
    const double start = ThreadCpuSeconds();
    for (int i = 0; i < kBatch; ++i) handles[i] = wheel.InsertAfter(delays[i], Payload{uint64_t(i), 0});
    state.SetIterationTime(ThreadCpuSeconds() - start);
    benchmark::DoNotOptimize(handles.data());
    for (WheelHandle h : handles) wheel.Cancel(h);
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_WheelInsert)
    ->ArgName("spread")
    ->Arg(static_cast<int>(Spread::kDense))
    ->Arg(static_cast<int>(Spread::kUniform32))
    ->Arg(static_cast<int>(Spread::kUniform64))
    ->Arg(static_cast<int>(Spread::kSingle))
    ->UseManualTime();

// Cancelling in random order, entries spread over the 32-bit range.
void BM_WheelCancel(benchmark::State& state) {
  const std::vector<uint64_t> delays = Delays(Spread::kUniform32);
  TimerWheel<Payload> wheel;
  std::vector<WheelHandle> handles(kBatch);
  absl::BitGen gen;
  std::vector<int> order(kBatch);
  for (int i = 0; i < kBatch; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), gen);
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) handles[i] = wheel.InsertAfter(delays[i], Payload{uint64_t(i), 0});
    const double start = ThreadCpuSeconds();
    for (int i : order) benchmark::DoNotOptimize(wheel.Cancel(handles[i]));
    state.SetIterationTime(ThreadCpuSeconds() - start);
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_WheelCancel)->UseManualTime();

// The common life of a timeout: scheduled, then cancelled before it fires.
void BM_WheelInsertThenCancel(benchmark::State& state) {
  const std::vector<uint64_t> delays = Delays(Spread::kDense);
  TimerWheel<Payload> wheel;
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) {
      WheelHandle h = wheel.InsertAfter(delays[i], Payload{uint64_t(i), 0});
      benchmark::DoNotOptimize(wheel.Cancel(h));
    }
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_WheelInsertThenCancel);

// Expiry: N entries one per millisecond, ticked through one tick at a time
// (Kompact's "read-only"), or in one AdvanceTo.
void BM_WheelExpireSpread(benchmark::State& state) {
  const bool one_call = state.range(0) == 1;
  TimerWheel<Payload> wheel;
  uint64_t sum = 0;
  auto on_due = [&](WheelHandle, uint64_t, Payload&& p) { sum += p.hi; };
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) wheel.InsertAfter(i + 1, Payload{uint64_t(i), 0});
    const double start = ThreadCpuSeconds();
    if (one_call) {
      wheel.AdvanceTo(wheel.now() + kBatch, on_due);
    } else {
      for (int i = 0; i < kBatch; ++i) wheel.Tick(on_due);
    }
    state.SetIterationTime(ThreadCpuSeconds() - start);
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_WheelExpireSpread)->ArgName("one_call")->Arg(0)->Arg(1)->UseManualTime();

// Expiry: N entries in one slot, one tick (Kompact's "read-only-single").
void BM_WheelExpireClustered(benchmark::State& state) {
  TimerWheel<Payload> wheel;
  uint64_t sum = 0;
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) wheel.InsertAfter(1, Payload{uint64_t(i), 0});
    const double start = ThreadCpuSeconds();
    wheel.Tick([&](WheelHandle, uint64_t, Payload&& p) { sum += p.hi; });
    state.SetIterationTime(ThreadCpuSeconds() - start);
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_WheelExpireClustered)->UseManualTime();

// Insert one entry 1 ms ahead and tick it out, repeatedly (Kompact's "read-write").
void BM_WheelInsertThenExpire(benchmark::State& state) {
  TimerWheel<Payload> wheel;
  uint64_t sum = 0;
  auto on_due = [&](WheelHandle, uint64_t, Payload&& p) { sum += p.hi; };
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) {
      wheel.InsertAfter(1, Payload{uint64_t(i), 0});
      wheel.Tick(on_due);
    }
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_WheelInsertThenExpire);

// Entries that own a callback, as in the timers (AnyInvocable, small capture).
void BM_WheelInsertExpireCallbacks(benchmark::State& state) {
  TimerWheel<absl::AnyInvocable<void() &&>> wheel;
  uint64_t sum = 0;
  for (auto _ : state) {
    const double start = ThreadCpuSeconds();
    for (int i = 0; i < kBatch; ++i) {
      wheel.InsertAfter(i % 256 + 1, [&sum, i] { sum += static_cast<uint64_t>(i); });
    }
    wheel.AdvanceTo(wheel.now() + 256,
                    [](WheelHandle, uint64_t, absl::AnyInvocable<void() &&>&& fn) { std::move(fn)(); });
    state.SetIterationTime(ThreadCpuSeconds() - start);
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_WheelInsertExpireCallbacks)->UseManualTime();

std::unique_ptr<ThreadTimer> MakeTimer() {
  auto timer = ThreadTimer::Create();
  if (!timer.ok()) std::abort();
  return *std::move(timer);
}

// ScheduleOnce from another thread, far in the future (the timer thread sleeps
// on); the batch is cancelled untimed.
void BM_ThreadTimerSchedule(benchmark::State& state) {
  auto timer = MakeTimer();
  std::vector<TimerId> ids(kBatch);
  for (auto _ : state) {
    const Clock::time_point start = Clock::now();
    for (int i = 0; i < kBatch; ++i) ids[i] = *timer->ScheduleOnce(absl::Seconds(60), [](TimerId) {});
    state.SetIterationTime(Seconds(start, Clock::now()));
    for (TimerId id : ids) timer->Cancel(id);
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_ThreadTimerSchedule)->UseManualTime();

// Schedule and cancel pairs from another thread (a request timeout that is not
// needed): both operations counted as one item.
void BM_ThreadTimerScheduleThenCancel(benchmark::State& state) {
  auto timer = MakeTimer();
  for (auto _ : state) {
    TimerId id = *timer->ScheduleOnce(absl::Seconds(60), [](TimerId) {});
    timer->Cancel(id);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ThreadTimerScheduleThenCancel);

// Zero-delay timers from another thread until the last one has run: end-to-end
// schedule-to-callback throughput through the timer thread.
void BM_ThreadTimerFireThroughput(benchmark::State& state) {
  auto timer = MakeTimer();
  std::mutex mu;
  std::condition_variable cv;
  int fired = 0;
  for (auto _ : state) {
    {
      std::lock_guard<std::mutex> lock(mu);
      fired = 0;
    }
    for (int i = 0; i < kBatch; ++i) {
      (void)timer->ScheduleOnce(absl::ZeroDuration(), [&](TimerId) {
        std::lock_guard<std::mutex> lock(mu);
        if (++fired == kBatch) cv.notify_one();
      });
    }
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return fired == kBatch; });
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_ThreadTimerFireThroughput);

}  // namespace
}  // namespace kompact
