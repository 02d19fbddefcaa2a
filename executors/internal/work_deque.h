// A worker's bounded work-stealing deque (Chase-Lev, in the C11 formulation of
// Lê, Pop, Cohen and Zappa Nardelli, PPoPP 2013), holding the tasks a worker
// displaced from its "next" slot with kWake. The owner pushes and pops at the
// bottom (newest first: fork-join work runs depth-first and stays in cache);
// thieves, and the owner's fairness turn, take from the top (oldest first).
//
// Ordering is carried on atomic operations only (no fences), so TSAN sees it:
// pushes publish with a release store of `bottom_`; the owner's pop and a
// thief's steal form a store-buffering pair of seq_cst operations on
// `bottom_`/`top_`, and contend for the last entry with a CAS on `top_`.
// Costs: push = two loads and two stores; pop = one seq_cst store (xchg) and a
// load (plus a CAS for the last entry); steal = one CAS.
//
// Thread-safety: Push/Pop only from the owning worker; Steal/Size from any
// thread. Lifetime: the deque does not own the Runnables.
#ifndef KOMPACT_EXECUTORS_INTERNAL_WORK_DEQUE_H_
#define KOMPACT_EXECUTORS_INTERNAL_WORK_DEQUE_H_

#include <algorithm>
#include <atomic>
#include <cstdint>

#include "executors/executor.h"

namespace kompact::executors_internal {

class WorkDeque {
 public:
  static constexpr int64_t kCapacity = 1024;

  WorkDeque() = default;
  WorkDeque(const WorkDeque&) = delete;
  WorkDeque& operator=(const WorkDeque&) = delete;

  // Owner only. False (deque unchanged) when full. `*size_after` receives the
  // owner's view of the size after the push (an upper bound).
  bool Push(Runnable& runnable, int64_t* size_after = nullptr) {
    const int64_t bottom = bottom_.load(std::memory_order_relaxed);
    const int64_t top = top_.load(std::memory_order_acquire);
    if (bottom - top >= kCapacity) return false;
    slots_[bottom & kMask].store(&runnable, std::memory_order_relaxed);
    bottom_.store(bottom + 1, std::memory_order_release);
    if (size_after != nullptr) *size_after = bottom + 1 - top;
    return true;
  }

  // Owner only: the newest entry, or nullptr.
  Runnable* Pop() {
    const int64_t bottom = bottom_.load(std::memory_order_relaxed) - 1;
    // Cheap exit for the common empty case (only the owner changes bottom_, and
    // top_ never passes it).
    if (bottom < top_.load(std::memory_order_relaxed)) return nullptr;
    bottom_.store(bottom, std::memory_order_seq_cst);
    int64_t top = top_.load(std::memory_order_seq_cst);
    if (top > bottom) {  // emptied by thieves meanwhile
      bottom_.store(bottom + 1, std::memory_order_relaxed);
      return nullptr;
    }
    Runnable* runnable = slots_[bottom & kMask].load(std::memory_order_relaxed);
    if (top == bottom) {
      // The last entry: race the thieves for it.
      if (!top_.compare_exchange_strong(top, top + 1, std::memory_order_seq_cst, std::memory_order_relaxed)) {
        runnable = nullptr;
      }
      bottom_.store(bottom + 1, std::memory_order_relaxed);
    }
    return runnable;
  }

  // Any thread: the oldest entry if the deque holds at least `min_size`
  // entries, else nullptr. Retries while it loses races to other takers.
  Runnable* Steal(int64_t min_size = 1) {
    for (;;) {
      int64_t top = top_.load(std::memory_order_seq_cst);
      const int64_t bottom = bottom_.load(std::memory_order_seq_cst);
      if (bottom - top < min_size) return nullptr;
      Runnable* runnable = slots_[top & kMask].load(std::memory_order_relaxed);
      if (top_.compare_exchange_strong(top, top + 1, std::memory_order_seq_cst, std::memory_order_relaxed)) {
        return runnable;
      }
    }
  }

  // Owner only: takes up to `max` of the oldest entries into `out` (oldest
  // first) and returns how many, leaving at least half of the entries. Used to
  // move work out of a full deque.
  int64_t StealOldestHalf(Runnable** out, int64_t max) {
    for (;;) {
      int64_t top = top_.load(std::memory_order_seq_cst);
      const int64_t bottom = bottom_.load(std::memory_order_relaxed);  // ours
      const int64_t n = std::min((bottom - top) / 2, max);
      if (n <= 0) return 0;
      for (int64_t i = 0; i < n; ++i) {
        out[i] = slots_[(top + i) & kMask].load(std::memory_order_relaxed);
      }
      if (top_.compare_exchange_strong(top, top + n, std::memory_order_seq_cst, std::memory_order_relaxed)) {
        return n;
      }
    }
  }

  // Index of the oldest entry (changes whenever it is taken). Racy.
  int64_t top_index() const { return top_.load(std::memory_order_relaxed); }

  // Number of entries (seq_cst loads: usable in the parking re-check). Racy.
  int64_t Size() const {
    const int64_t top = top_.load(std::memory_order_seq_cst);
    const int64_t bottom = bottom_.load(std::memory_order_seq_cst);
    return bottom > top ? bottom - top : 0;
  }

 private:
  static constexpr int64_t kMask = kCapacity - 1;
  static_assert((kCapacity & kMask) == 0, "capacity must be a power of two");

  alignas(64) std::atomic<int64_t> top_{0};     // thieves' end
  alignas(64) std::atomic<int64_t> bottom_{0};  // owner's end
  alignas(64) std::atomic<Runnable*> slots_[kCapacity] = {};
};

}  // namespace kompact::executors_internal

#endif  // KOMPACT_EXECUTORS_INTERNAL_WORK_DEQUE_H_
