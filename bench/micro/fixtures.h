// Shared pieces of the runtime micro benchmarks (bench/micro/*_benchmark.cc):
// systems to run them on and small components that count what they receive.
//
// Single-threaded benchmarks use a DeterministicSystem (testing/): components run
// only when the benchmark calls RunOne/RunUntilIdle on its own thread, so the
// timed part can be exactly the operation of interest (e.g. the tells, with the
// handling drained untimed). Cross-thread benchmarks use a real system.
//
// Thread-safety: a fixture is used by the benchmark's thread; the counting
// components are touched by their own threads (counts are atomics where the
// benchmark thread reads them while the system runs).
#ifndef KOMPACT_BENCH_MICRO_FIXTURES_H_
#define KOMPACT_BENCH_MICRO_FIXTURES_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "runtime/actor_ref.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_system.h"
#include "runtime/port.h"
#include "testing/deterministic_system.h"

namespace kompact::bench {

// Events per timed batch in the batched benchmarks (large enough to amortise the
// untimed drain between batches, small enough to stay in cache).
inline constexpr int64_t kBatch = 1000;

// A deterministic system (ManualExecutor, ManualTimer); CHECK-fails on error.
std::unique_ptr<testing::DeterministicSystem> MakeDeterministicSystem();
// A real system with `threads` workers and logging at WARNING; CHECK-fails on error.
KompactSystem MakeSystem(int threads);

struct Msg {
  int64_t value;
};
struct MsgPort : Port<Requests<Msg>, Indications<>> {};

// Counts actor messages and MsgPort requests.
class Counter : public ComponentDefinition<Counter>, public Actor<Msg> {
 public:
  HandlerResult ReceiveLocal(Msg m) {
    sum_.store(sum_.load(std::memory_order_relaxed) + m.value, std::memory_order_relaxed);
    count_.store(count_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    return Handled::kOk;
  }
  HandlerResult Handle(const Msg& m) { return ReceiveLocal(m); }
  int64_t count() const { return count_.load(std::memory_order_acquire); }
  int64_t sum() const { return sum_.load(std::memory_order_relaxed); }
  static constexpr auto Ports() { return PortList(&Counter::port_); }

 private:
  ProvidedPort<MsgPort> port_;
  std::atomic<int64_t> count_{0};  // written by its own thread only
  std::atomic<int64_t> sum_{0};
};

}  // namespace kompact::bench

#endif  // KOMPACT_BENCH_MICRO_FIXTURES_H_
