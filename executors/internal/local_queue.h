// A worker's bounded local run queue (FEATURES.md R5): a lock-free ring of
// Runnable pointers. The owning worker pushes at the tail; the owner and thieves
// take from the head with a CAS, so the queue is FIFO for everyone (a kYield
// goes to the back). Push fails when the ring is full; the caller then spills
// to the pool's injector.
//
// Push and Pop allocate nothing and take no lock: one release store per push,
// one CAS per pop.
//
// Thread-safety: Push only from the owning worker; Pop/Size from any thread.
// Lifetime: the queue does not own the Runnables.
#ifndef KOMPACT_EXECUTORS_INTERNAL_LOCAL_QUEUE_H_
#define KOMPACT_EXECUTORS_INTERNAL_LOCAL_QUEUE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "executors/executor.h"

namespace kompact::executors_internal {

class LocalQueue {
 public:
  static constexpr uint32_t kCapacity = 256;

  LocalQueue() = default;
  LocalQueue(const LocalQueue&) = delete;
  LocalQueue& operator=(const LocalQueue&) = delete;

  // Owner only. Returns false (and leaves the queue unchanged) when full.
  // On success `*size_after` (if given) receives the owner's view of the length
  // after the push (an upper bound: thieves may have taken some meanwhile).
  bool Push(Runnable& runnable, uint32_t* size_after = nullptr) {
    const uint32_t tail = tail_.load(std::memory_order_relaxed);
    // Acquire: a thief's read of the slot we are about to reuse happened before.
    const uint32_t head = head_.load(std::memory_order_acquire);
    if (tail - head >= kCapacity) return false;
    slots_[tail & kMask].store(&runnable, std::memory_order_relaxed);
    tail_.store(tail + 1, std::memory_order_release);
    if (size_after != nullptr) *size_after = tail + 1 - head;
    return true;
  }

  // Takes the oldest entry if the queue holds at least `min_size` entries (a thief
  // passes 2 so that a worker's last queued task stays with it). nullptr otherwise.
  Runnable* Pop(uint32_t min_size = 1) {
    uint32_t head = head_.load(std::memory_order_acquire);
    for (;;) {
      const uint32_t tail = tail_.load(std::memory_order_acquire);
      if (static_cast<int32_t>(tail - head) < static_cast<int32_t>(min_size)) return nullptr;
      Runnable* runnable = slots_[head & kMask].load(std::memory_order_relaxed);
      // On failure `head` is reloaded and the slot read again: a stale read is
      // never returned because the CAS only succeeds if nobody took `head` since.
      if (head_.compare_exchange_weak(head, head + 1, std::memory_order_acq_rel, std::memory_order_acquire)) {
        return runnable;
      }
    }
  }

  // Number of queued entries, read with seq_cst loads (the parking re-check uses
  // it). May be stale by the time it returns.
  uint32_t Size() const {
    const uint32_t head = head_.load(std::memory_order_seq_cst);
    const uint32_t tail = tail_.load(std::memory_order_seq_cst);
    const int32_t size = static_cast<int32_t>(tail - head);
    return size > 0 ? static_cast<uint32_t>(size) : 0;
  }

  // Free slots as seen by the owner (exact for the owner up to concurrent steals,
  // which only add space).
  uint32_t FreeSlots() const {
    return kCapacity - (tail_.load(std::memory_order_relaxed) - head_.load(std::memory_order_acquire));
  }

 private:
  static constexpr uint32_t kMask = kCapacity - 1;
  static_assert((kCapacity & kMask) == 0, "capacity must be a power of two");

  alignas(64) std::atomic<uint32_t> head_{0};  // taken by owner and thieves
  alignas(64) std::atomic<uint32_t> tail_{0};  // written by the owner only
  alignas(64) std::atomic<Runnable*> slots_[kCapacity] = {};
};

}  // namespace kompact::executors_internal

#endif  // KOMPACT_EXECUTORS_INTERNAL_LOCAL_QUEUE_H_
