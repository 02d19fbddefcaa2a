// Parking for a fixed set of worker threads (FEATURES.md X2): an idle worker
// sleeps on its own futex word and a producer wakes at most one sleeper, without
// ever losing a wake-up.
//
// Protocol (per worker word: RUNNING -> SLEEPING -> NOTIFIED -> RUNNING):
//  * Park(i, has_work): the worker counts itself in `sleepers_` and swaps its word
//    to SLEEPING (both seq_cst RMWs), then calls has_work(), which must re-read
//    every place work can appear with seq_cst loads (or an acquire load of a value
//    written by a seq_cst RMW). Only if that finds nothing does it futex-wait while
//    the word stays SLEEPING.
//  * A producer publishes work with a seq_cst RMW (or any store followed by a
//    seq_cst fence), then calls NotifyOne(): a seq_cst load of `sleepers_`, and if
//    non-zero a CAS SLEEPING -> NOTIFIED on one sleeping worker plus a futex wake.
//  This is a store-buffering (Dekker) pair made only of seq_cst operations: either
//  the producer sees the worker's SLEEPING announcement and wakes it, or the
//  worker's re-check sees the work. The thread that moves a word out of SLEEPING
//  decrements `sleepers_`, so the count is exact once a notification is sent.
//  * NotifyAll() moves every word to NOTIFIED (shutdown): a worker that is awake
//    then refuses its next Park() once, so the signal is not lost either.
//
// The futex syscall is invisible to TSAN; every happens-before edge here is an
// atomic RMW followed by an acquire load of the same word.
//
// Thread-safety: Park(i, ...) only from worker i; Notify* from any thread.
// Lifetime: must outlive every thread that calls into it.
#ifndef KOMPACT_EXECUTORS_INTERNAL_PARKING_LOT_H_
#define KOMPACT_EXECUTORS_INTERNAL_PARKING_LOT_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "executors/internal/futex.h"

namespace kompact::executors_internal {

class ParkingLot {
 public:
  static constexpr size_t kNoWorker = static_cast<size_t>(-1);

  explicit ParkingLot(size_t num_workers);
  ParkingLot(const ParkingLot&) = delete;
  ParkingLot& operator=(const ParkingLot&) = delete;

  // Puts worker `index` to sleep unless has_work() returns true after the worker
  // announced itself. Returns true if it slept (and was woken), false if it did
  // not sleep. `has_work` runs on the calling worker and must use seq_cst loads.
  template <typename HasWork>
  bool Park(size_t index, HasWork&& has_work);

  // Wakes at most one sleeping worker, scanning from `start` (a worker index, or
  // kNoWorker for 0) and skipping `start` itself when skip_start is set. Returns
  // true if a worker was woken. See the protocol above for what the caller must
  // have done before.
  bool NotifyOne(size_t start = kNoWorker, bool skip_start = false);

  // Wakes every worker and leaves a pending notification on those awake.
  void NotifyAll();

  // Times worker `index` went to sleep (counted before sleeping; racy read).
  uint64_t parks(size_t index) const { return slots_[index].parks.load(std::memory_order_relaxed); }

  // Number of workers asleep and not yet notified (racy; for heuristics/tests).
  size_t num_sleeping() const { return sleepers_.load(std::memory_order_relaxed); }
  size_t num_workers() const { return num_workers_; }

 private:
  enum : uint32_t { kRunning = 0, kSleeping = 1, kNotified = 2 };

  struct alignas(64) Slot {
    std::atomic<uint32_t> state{kRunning};
    std::atomic<uint64_t> parks{0};  // written by the slot's worker only
  };

  // Leaves SLEEPING/NOTIFIED without sleeping.
  void CancelPark(Slot& slot);

  const size_t num_workers_;
  const std::unique_ptr<Slot[]> slots_;
  alignas(64) std::atomic<uint32_t> sleepers_{0};
};

template <typename HasWork>
bool ParkingLot::Park(size_t index, HasWork&& has_work) {
  Slot& slot = slots_[index];
  sleepers_.fetch_add(1, std::memory_order_seq_cst);
  if (slot.state.exchange(kSleeping, std::memory_order_seq_cst) == kNotified || has_work()) {
    // A pending NotifyAll, or work appeared between the last search and now.
    CancelPark(slot);
    return false;
  }
  slot.parks.store(slot.parks.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  while (slot.state.load(std::memory_order_acquire) == kSleeping) {
    FutexWait(slot.state, kSleeping);
  }
  // The notifier moved the word to NOTIFIED and decremented sleepers_.
  slot.state.store(kRunning, std::memory_order_relaxed);
  return true;
}

}  // namespace kompact::executors_internal

#endif  // KOMPACT_EXECUTORS_INTERNAL_PARKING_LOT_H_
