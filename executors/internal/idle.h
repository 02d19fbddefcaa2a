// The idle phase shared by every executor thread (FEATURES.md X2): search for
// work while spinning a bounded number of rounds, then park on the ParkingLot;
// with parking off (--config=low_latency) spin forever with pauses and yields.
// Returns when a task is found, or nullptr once the executor's injector is
// closed and drained (the thread should exit).
//
// Thread-safety: called by the executor thread itself. Header-only (templates).
#ifndef KOMPACT_EXECUTORS_INTERNAL_IDLE_H_
#define KOMPACT_EXECUTORS_INTERNAL_IDLE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <thread>

#include "executors/executor.h"
#include "executors/internal/cpu_relax.h"
#include "executors/internal/injector.h"
#include "executors/internal/parking_lot.h"

namespace kompact::executors_internal {

// A statistics counter written only by its own thread and read by anyone.
class OwnerCounter {
 public:
  void Increment() { value_.store(value_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed); }
  uint64_t Get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

struct IdlePolicy {
  bool park = true;
  uint32_t spin_rounds = 200;
};

// With parking off, an idle thread yields its core every this many searches.
inline constexpr uint32_t kSpinRoundsBeforeYield = 256;

// `find()` returns a task or nullptr; `has_work()` is the parking re-check (see
// parking_lot.h: seq_cst loads of everything find() looks at, and
// injector.MaybeNonEmptyOrClosed()). The caller must own every other place
// tasks can be queued for it (so that "nothing found and injector drained"
// means the thread is done).
template <typename Find, typename HasWork>
Runnable* WaitForWork(const IdlePolicy& policy, ParkingLot& parking, size_t index, const Injector& injector,
                      Find&& find, HasWork&& has_work) {
  const uint32_t spin_rounds = policy.park ? policy.spin_rounds : kSpinRoundsBeforeYield;
  for (;;) {
    for (uint32_t i = 0; i < spin_rounds; ++i) {
      CpuRelax();
      if (Runnable* runnable = find()) return runnable;
    }
    if (injector.Drained()) return nullptr;
    if (!policy.park) {
      std::this_thread::yield();
      if (Runnable* runnable = find()) return runnable;
      continue;
    }
    const bool slept = parking.Park(index, has_work);
    if (Runnable* runnable = find()) return runnable;
    if (injector.Drained()) return nullptr;
    // Work was announced but not takeable (a push in progress, or another thread
    // holds the injector): let that thread run before searching again.
    if (!slept) std::this_thread::yield();
  }
}

}  // namespace kompact::executors_internal

#endif  // KOMPACT_EXECUTORS_INTERNAL_IDLE_H_
