#include "executors/internal/parking_lot.h"

#include <glog/logging.h>

namespace kompact::executors_internal {

ParkingLot::ParkingLot(size_t num_workers)
    : num_workers_(num_workers), slots_(std::make_unique<Slot[]>(num_workers)) {
  CHECK_GT(num_workers, 0u);
}

void ParkingLot::CancelPark(Slot& slot) {
  // Whoever moves the word out of SLEEPING owns the decrement; if a notifier got
  // there first (NOTIFIED), it already decremented.
  if (slot.state.exchange(kRunning, std::memory_order_acq_rel) == kSleeping) {
    sleepers_.fetch_sub(1, std::memory_order_relaxed);
  }
}

bool ParkingLot::NotifyOne(size_t start, bool skip_start) {
  if (sleepers_.load(std::memory_order_seq_cst) == 0) return false;
  const size_t first = start == kNoWorker ? 0 : start;
  for (size_t k = skip_start ? 1 : 0; k < num_workers_; ++k) {
    Slot& slot = slots_[(first + k) % num_workers_];
    if (slot.state.load(std::memory_order_seq_cst) != kSleeping) continue;
    uint32_t expected = kSleeping;
    if (slot.state.compare_exchange_strong(expected, kNotified, std::memory_order_seq_cst)) {
      sleepers_.fetch_sub(1, std::memory_order_relaxed);
      FutexWake(slot.state, 1);
      return true;
    }
  }
  return false;
}

void ParkingLot::NotifyAll() {
  for (size_t i = 0; i < num_workers_; ++i) {
    Slot& slot = slots_[i];
    if (slot.state.exchange(kNotified, std::memory_order_seq_cst) == kSleeping) {
      sleepers_.fetch_sub(1, std::memory_order_relaxed);
      FutexWake(slot.state, 1);
    }
  }
}

}  // namespace kompact::executors_internal
