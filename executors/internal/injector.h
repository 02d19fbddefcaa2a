// The global queue of a pool (FEATURES.md R5): an intrusive multi-producer queue
// (Vyukov's MPSC algorithm, linked through Runnable::next_in_queue_) whose
// consumers take turns through a non-blocking try-lock, plus the pool's
// shutdown gate.
//
// Producers never block and never allocate: a push is one fetch_add on the
// count word, one exchange on the head and one release store. Consumers call
// TryLock(); a worker that loses it simply looks elsewhere.
//
// Count word: bit 63 = closed (shutdown has begun), low bits = number of
// entries pushed and not yet popped, *including* pushes in progress. A producer
// increments it before linking its node, so
//  * MaybeNonEmpty() (a seq_cst load) is the parking re-check: it also sees a
//    push that is half done, and the increment is the seq_cst RMW that pairs with
//    ParkingLot's announcement;
//  * Close() + Drained() give shutdown without losing a task: TryPush increments
//    and checks the closed bit in one RMW, so once the bit is set and the count
//    reaches zero, every accepted push has been linked and popped.
//
// Thread-safety: TryPush/Push/Close and the queries from any thread; PopLocked
// only while holding the consumer lock. Lifetime: must outlive all callers; the
// queued Runnables are not owned.
#ifndef KOMPACT_EXECUTORS_INTERNAL_INJECTOR_H_
#define KOMPACT_EXECUTORS_INTERNAL_INJECTOR_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "executors/executor.h"

namespace kompact::executors_internal {

class Injector {
 public:
  enum class PushResult : uint8_t {
    kAccepted,
    kRefused,
    // Refused, and this call's own bookkeeping was the last thing a drained
    // shutdown waited for: the caller must wake every worker.
    kRefusedLastOut,
  };

  Injector();
  Injector(const Injector&) = delete;
  Injector& operator=(const Injector&) = delete;

  // A new submission: refused once Close() has been called.
  [[nodiscard]] PushResult TryPush(Runnable& runnable);
  // An already accepted task (e.g. a worker's local queue overflowing): always
  // enqueued, even after Close(), and drained before the pool exits.
  void Push(Runnable& runnable);
  // Push() for `count` (> 0) runnables at once, in order: one count update and
  // one exchange for the whole batch.
  void PushBatch(Runnable* const* runnables, size_t count);

  // Consumer lock: never blocks.
  bool TryLock() {
    return !consumer_locked_.load(std::memory_order_relaxed) &&
           !consumer_locked_.exchange(true, std::memory_order_acquire);
  }
  void Unlock() { consumer_locked_.store(false, std::memory_order_release); }

  // Under the consumer lock: the oldest entry, or nullptr if empty or if the
  // oldest push is still in progress. Does not touch the count; call
  // FinishPops() with the number popped (after unlocking is fine).
  Runnable* PopLocked();

  // Accounts for `popped` entries. Returns true if this made a closed queue
  // drained: the caller must then wake every worker so they can exit.
  [[nodiscard]] bool FinishPops(uint64_t popped);

  // Entries pushed and not yet popped (racy; for heuristics).
  uint64_t ApproxSize() const { return word_.load(std::memory_order_relaxed) & kCountMask; }
  // Whether an entry may be queued or being pushed. seq_cst: the parking re-check.
  bool MaybeNonEmpty() const { return (word_.load(std::memory_order_seq_cst) & kCountMask) != 0; }
  // MaybeNonEmpty() or closed: the re-check of a worker about to park (a closed
  // queue needs the worker awake to drain or exit).
  bool MaybeNonEmptyOrClosed() const { return word_.load(std::memory_order_seq_cst) != 0; }

  // Refuses further TryPush. Returns true for the call that closed it.
  bool Close();
  bool closed() const { return (word_.load(std::memory_order_relaxed) & kClosedBit) != 0; }
  // Closed and every accepted entry popped. seq_cst: also a parking re-check.
  bool Drained() const { return word_.load(std::memory_order_seq_cst) == kClosedBit; }

 private:
  static constexpr uint64_t kClosedBit = uint64_t{1} << 63;
  static constexpr uint64_t kCountMask = kClosedBit - 1;

  class Stub final : public Runnable {
   public:
    void Run() override;
  };

  void Link(Runnable& runnable);

  alignas(64) std::atomic<uint64_t> word_{0};
  alignas(64) std::atomic<Runnable*> head_;  // producers' end
  alignas(64) std::atomic<bool> consumer_locked_{false};
  Runnable* tail_;  // consumers' end; guarded by consumer_locked_
  Stub stub_;
};

}  // namespace kompact::executors_internal

#endif  // KOMPACT_EXECUTORS_INTERNAL_INJECTOR_H_
