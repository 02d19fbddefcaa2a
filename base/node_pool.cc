#include "base/node_pool.h"

#include <cstdint>
#include <mutex>
#include <vector>

namespace kompact::base_internal {

thread_local ThreadFreeLists tl_free_lists = {};

namespace {

// Batches of kNodePoolBatch blocks (linked through FreeBlock::next) per class.
struct Depot {
  std::mutex mu;
  std::vector<FreeBlock*> batches[kNumNodeSizeClasses];
};

Depot& GlobalDepot() {
  static Depot* depot = new Depot();  // never destroyed: threads may exit after main
  return *depot;
}

// Gives this thread's blocks to the depot when the thread exits. Touched only on
// slow paths, so the fast paths need no TLS guard.
struct ThreadExitReturn {
  ~ThreadExitReturn() {
    Depot& depot = GlobalDepot();
    std::lock_guard<std::mutex> lock(depot.mu);
    for (int c = 0; c < kNumNodeSizeClasses; ++c) {
      // A short list goes to the depot too; it is handed out whole, so a refill
      // from it just yields fewer blocks.
      if (tl_free_lists.current[c] != nullptr) depot.batches[c].push_back(tl_free_lists.current[c]);
      tl_free_lists.current[c] = nullptr;
      tl_free_lists.count[c] = 0;
    }
  }
};

void RegisterThreadExit() {
  thread_local ThreadExitReturn registered;
  (void)registered;
}

}  // namespace

void* RefillAndAllocate(int c) {
  RegisterThreadExit();
  ThreadFreeLists& lists = tl_free_lists;
  {
    Depot& depot = GlobalDepot();
    std::lock_guard<std::mutex> lock(depot.mu);
    if (!depot.batches[c].empty()) {
      lists.current[c] = depot.batches[c].back();
      lists.count[c] = kNodePoolBatch;  // may overcount a short batch: harmless
      depot.batches[c].pop_back();
    }
  }
  if (lists.current[c] == nullptr) {
    const size_t size = kNodeSizeClasses[c];
    const size_t align = size >= 64 ? 64 : size;
    char* slab = static_cast<char*>(::operator new(kNodePoolBatch * size, std::align_val_t{align}));
    FreeBlock* head = nullptr;
    for (uint32_t i = kNodePoolBatch; i-- > 0;) {
      auto* block = reinterpret_cast<FreeBlock*>(slab + i * size);
      block->next = head;
      head = block;
    }
    lists.current[c] = head;
    lists.count[c] = kNodePoolBatch;
  }
  return AllocatePooledBlock(c);
}

void HandOverFullList(int c) {
  RegisterThreadExit();
  ThreadFreeLists& lists = tl_free_lists;
  // Keep the newest kNodePoolBatch blocks (warm in cache); hand over the rest.
  FreeBlock* keep_tail = lists.current[c];
  for (uint32_t i = 1; i < kNodePoolBatch && keep_tail->next != nullptr; ++i) keep_tail = keep_tail->next;
  FreeBlock* rest = keep_tail->next;
  keep_tail->next = nullptr;
  lists.count[c] = kNodePoolBatch;
  if (rest == nullptr) return;
  Depot& depot = GlobalDepot();
  std::lock_guard<std::mutex> lock(depot.mu);
  depot.batches[c].push_back(rest);
}

size_t DepotBatchesForTesting(int c) {
  Depot& depot = GlobalDepot();
  std::lock_guard<std::mutex> lock(depot.mu);
  return depot.batches[c].size();
}

}  // namespace kompact::base_internal
