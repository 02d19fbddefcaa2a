// Intrusive multi-producer single-consumer queue (Vyukov's algorithm): the
// mailbox of components and ports.
//
// Push is one atomic exchange plus one release store, lock-free and wait-free for
// producers; Pop is for the single consumer (the component's own thread). Nodes
// embed a QueueNode and are owned by whoever pops them. The queue never allocates.
//
// Pop may return nullptr while a producer is between its exchange and its link
// store ("mid-push"); callers that counted the push (the component's work count)
// simply see that item on a later pop. IsEmpty() distinguishes a truly empty
// queue from a mid-push one.
//
// Thread-safety: Push from any thread; Pop/IsEmpty only from the consumer.
// Lifetime: the queue must outlive every producer; destroying a non-empty queue
// leaks its nodes (owners drain first).
#ifndef KOMPACT_RUNTIME_INTERNAL_MPSC_QUEUE_H_
#define KOMPACT_RUNTIME_INTERNAL_MPSC_QUEUE_H_

#include <atomic>

namespace kompact::runtime_internal {

struct QueueNode {
  std::atomic<QueueNode*> next{nullptr};
};

class MpscQueue {
 public:
  MpscQueue() : head_(&stub_), tail_(&stub_) {}
  MpscQueue(const MpscQueue&) = delete;
  MpscQueue& operator=(const MpscQueue&) = delete;

  void Push(QueueNode* node) {
    node->next.store(nullptr, std::memory_order_relaxed);
    QueueNode* prev = head_.exchange(node, std::memory_order_acq_rel);
    prev->next.store(node, std::memory_order_release);
  }

  // Returns the oldest node, or nullptr if the queue is empty or its next node is
  // still being linked by a producer.
  QueueNode* Pop() {
    QueueNode* tail = tail_;
    QueueNode* next = tail->next.load(std::memory_order_acquire);
    if (tail == &stub_) {
      if (next == nullptr) return nullptr;
      tail_ = next;
      tail = next;
      next = next->next.load(std::memory_order_acquire);
    }
    if (next != nullptr) {
      tail_ = next;
      return tail;
    }
    if (tail != head_.load(std::memory_order_acquire)) return nullptr;  // mid-push
    Push(&stub_);
    next = tail->next.load(std::memory_order_acquire);
    if (next != nullptr) {
      tail_ = next;
      return tail;
    }
    return nullptr;
  }

  // True if no node is queued or being queued. Consumer only.
  bool IsEmpty() const {
    return tail_->next.load(std::memory_order_acquire) == nullptr &&
           head_.load(std::memory_order_acquire) == tail_;
  }

 private:
  std::atomic<QueueNode*> head_;  // producers' end
  QueueNode* tail_;               // consumer's end
  QueueNode stub_;
};

// A lock-free LIFO of nodes that the consumer takes all at once, in FIFO order.
// Used for the rarely used control/timer queue of a component: 8 bytes instead of
// an MpscQueue's 24.
//
// Thread-safety: Push from any thread; TakeAll only from the consumer.
class MpscStack {
 public:
  void Push(QueueNode* node) {
    QueueNode* head = head_.load(std::memory_order_relaxed);
    do {
      node->next.store(head, std::memory_order_relaxed);
    } while (!head_.compare_exchange_weak(head, node, std::memory_order_release, std::memory_order_relaxed));
  }

  // Removes every node and returns them oldest first (linked through `next`).
  QueueNode* TakeAll() {
    QueueNode* node = head_.exchange(nullptr, std::memory_order_acquire);
    QueueNode* reversed = nullptr;
    while (node != nullptr) {
      QueueNode* next = node->next.load(std::memory_order_relaxed);
      node->next.store(reversed, std::memory_order_relaxed);
      reversed = node;
      node = next;
    }
    return reversed;
  }

  bool IsEmpty() const { return head_.load(std::memory_order_acquire) == nullptr; }

 private:
  std::atomic<QueueNode*> head_{nullptr};
};

}  // namespace kompact::runtime_internal

#endif  // KOMPACT_RUNTIME_INTERNAL_MPSC_QUEUE_H_
