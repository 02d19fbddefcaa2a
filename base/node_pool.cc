#include "base/node_pool.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <new>
#include <vector>

namespace kompact::base_internal {

thread_local constinit ThreadFreeLists tl_free_lists = {};

namespace {

// A list of free blocks (linked through FreeBlock::next) and its exact length.
struct Batch {
  FreeBlock* head;
  uint32_t length;
};

// Batches handed over by threads (usually kNodePoolBatch blocks; the rest of a
// list when its thread exits), and the threads whose lists hold blocks.
struct Depot {
  std::mutex mu;
  std::vector<Batch> batches[kNumNodeSizeClasses];
  std::vector<ThreadFreeLists*> threads;
  std::atomic<size_t> slab_bytes{0};
};

Depot& GlobalDepot() {
  static Depot* depot = new Depot();  // never destroyed: threads may exit after main
  return *depot;
}

// Registers this thread's lists with the depot, and gives its blocks to the depot
// when the thread exits. Touched only on slow paths.
struct ThreadRegistration {
  ThreadRegistration() {
    Depot& depot = GlobalDepot();
    std::lock_guard<std::mutex> lock(depot.mu);
    depot.threads.push_back(&tl_free_lists);
    tl_free_lists.registered = true;
  }
  ~ThreadRegistration() {
    Depot& depot = GlobalDepot();
    std::lock_guard<std::mutex> lock(depot.mu);
    ThreadFreeLists& lists = tl_free_lists;
    for (int c = 0; c < kNumNodeSizeClasses; ++c) {
      // A short list goes to the depot too; a refill from it yields fewer blocks.
      if (lists.current[c] != nullptr) {
        depot.batches[c].push_back({lists.current[c], lists.count[c].load(std::memory_order_relaxed)});
      }
      lists.current[c] = nullptr;
      lists.count[c].store(0, std::memory_order_relaxed);
    }
    std::erase(depot.threads, &lists);
    // A pool operation after this (from a later thread_local destructor) starts a
    // fresh registration-less list: its blocks are counted as in use and kept.
    lists.registered = true;
  }
};

void EnsureRegistered() {
  thread_local ThreadRegistration registration;
  (void)registration;
}

}  // namespace

void RegisterThisThread() { EnsureRegistered(); }

void* RefillAndAllocate(int c) {
  EnsureRegistered();
  ThreadFreeLists& lists = tl_free_lists;
  Depot& depot = GlobalDepot();
  {
    std::lock_guard<std::mutex> lock(depot.mu);
    if (!depot.batches[c].empty()) {
      const Batch batch = depot.batches[c].back();
      depot.batches[c].pop_back();
      lists.current[c] = batch.head;
      lists.count[c].store(batch.length, std::memory_order_relaxed);
    }
  }
  if (lists.current[c] == nullptr) {
    const size_t size = kNodeSizeClasses[c];
    const size_t align = size >= 64 ? 64 : size;
    char* slab = static_cast<char*>(::operator new(kNodePoolBatch * size, std::align_val_t{align}));
    depot.slab_bytes.fetch_add(kNodePoolBatch * size, std::memory_order_relaxed);
    FreeBlock* head = nullptr;
    for (uint32_t i = kNodePoolBatch; i-- > 0;) {
      auto* block = reinterpret_cast<FreeBlock*>(slab + i * size);
      block->next = head;
      head = block;
    }
    lists.current[c] = head;
    lists.count[c].store(kNodePoolBatch, std::memory_order_relaxed);
  }
  return AllocatePooledBlock(c);
}

void HandOverFullList(int c) {
  EnsureRegistered();
  ThreadFreeLists& lists = tl_free_lists;
  // Keep the newest kNodePoolBatch blocks (warm in cache); hand over the rest.
  const uint32_t count = lists.count[c].load(std::memory_order_relaxed);
  FreeBlock* keep_tail = lists.current[c];
  for (uint32_t i = 1; i < kNodePoolBatch; ++i) keep_tail = keep_tail->next;
  Batch rest{keep_tail->next, count - kNodePoolBatch};
  keep_tail->next = nullptr;
  Depot& depot = GlobalDepot();
  std::lock_guard<std::mutex> lock(depot.mu);
  lists.count[c].store(kNodePoolBatch, std::memory_order_relaxed);
  depot.batches[c].push_back(rest);
}

NodePoolStats GetNodePoolStats() {
  Depot& depot = GlobalDepot();
  std::lock_guard<std::mutex> lock(depot.mu);
  NodePoolStats stats;
  stats.slab_bytes = depot.slab_bytes.load(std::memory_order_relaxed);
  for (int c = 0; c < kNumNodeSizeClasses; ++c) {
    size_t blocks = 0;
    for (const Batch& b : depot.batches[c]) blocks += b.length;
    for (const ThreadFreeLists* t : depot.threads) blocks += t->count[c].load(std::memory_order_relaxed);
    stats.free_bytes += blocks * kNodeSizeClasses[c];
  }
  // Other threads may be between taking a block and counting it.
  if (stats.free_bytes > stats.slab_bytes) stats.free_bytes = stats.slab_bytes;
  return stats;
}

size_t DepotBatchesForTesting(int c) {
  Depot& depot = GlobalDepot();
  std::lock_guard<std::mutex> lock(depot.mu);
  return depot.batches[c].size();
}

}  // namespace kompact::base_internal
