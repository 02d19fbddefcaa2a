#include "executors/internal/injector.h"

#include <glog/logging.h>

namespace kompact::executors_internal {

void Injector::Stub::Run() { LOG(FATAL) << "the injector's stub node was run"; }

Injector::Injector() : head_(&stub_), tail_(&stub_) {}

void Injector::Link(Runnable& runnable) {
  runnable.next_in_queue_.store(nullptr, std::memory_order_relaxed);
  Runnable* prev = head_.exchange(&runnable, std::memory_order_acq_rel);
  // Until this store, consumers see the queue end at `prev` (a push in progress).
  prev->next_in_queue_.store(&runnable, std::memory_order_release);
}

Injector::PushResult Injector::TryPush(Runnable& runnable) {
  // Fast refusal without touching the count once closed.
  if (closed()) return PushResult::kRefused;
  const uint64_t prev = word_.fetch_add(1, std::memory_order_seq_cst);
  if ((prev & kClosedBit) != 0) {
    // Closed after our check: undo. If the queue was waiting for us, say so.
    const uint64_t before = word_.fetch_sub(1, std::memory_order_acq_rel);
    return before == (kClosedBit | 1) ? PushResult::kRefusedLastOut : PushResult::kRefused;
  }
  Link(runnable);
  return PushResult::kAccepted;
}

void Injector::Push(Runnable& runnable) {
  word_.fetch_add(1, std::memory_order_seq_cst);
  Link(runnable);
}

void Injector::PushBatch(Runnable* const* runnables, size_t count) {
  DCHECK_GT(count, 0u);
  for (size_t i = 0; i + 1 < count; ++i) {
    runnables[i]->next_in_queue_.store(runnables[i + 1], std::memory_order_relaxed);
  }
  Runnable* last = runnables[count - 1];
  last->next_in_queue_.store(nullptr, std::memory_order_relaxed);
  word_.fetch_add(count, std::memory_order_seq_cst);
  Runnable* prev = head_.exchange(last, std::memory_order_acq_rel);
  // Release: the links inside the batch are published with this store.
  prev->next_in_queue_.store(runnables[0], std::memory_order_release);
}

Runnable* Injector::PopLocked() {
  Runnable* tail = tail_;
  Runnable* next = tail->next_in_queue_.load(std::memory_order_acquire);
  if (tail == &stub_) {
    if (next == nullptr) return nullptr;
    tail_ = tail = next;
    next = next->next_in_queue_.load(std::memory_order_acquire);
  }
  if (next != nullptr) {
    tail_ = next;
    return tail;
  }
  // `tail` is the last linked node. If it is not the head, a push is in progress.
  if (tail != head_.load(std::memory_order_acquire)) return nullptr;
  // Put the stub behind `tail` so that `tail` can be handed out.
  Link(stub_);
  next = tail->next_in_queue_.load(std::memory_order_acquire);
  if (next != nullptr) {
    tail_ = next;
    return tail;
  }
  return nullptr;  // a producer swapped the head before the stub and is linking
}

bool Injector::FinishPops(uint64_t popped) {
  if (popped == 0) return false;
  const uint64_t before = word_.fetch_sub(popped, std::memory_order_acq_rel);
  DCHECK_GE(before & kCountMask, popped);
  return before == (kClosedBit | popped);
}

bool Injector::Close() { return (word_.fetch_or(kClosedBit, std::memory_order_seq_cst) & kClosedBit) == 0; }

}  // namespace kompact::executors_internal
