#include "runtime/internal/node_pool.h"

#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <vector>

namespace kompact::runtime_internal {
namespace {

constexpr uint32_t kBatch = 256;

// A free block: its first word links it into a list.
struct FreeBlock {
  FreeBlock* next;
};

struct Depot {
  std::mutex mu;
  std::vector<FreeBlock*> batches[kNumNodeSizeClasses];  // each a list of kBatch blocks
};

Depot& GlobalDepot() {
  static Depot* depot = new Depot();  // never destroyed: threads may exit after main
  return *depot;
}

class ThreadPool {
 public:
  ~ThreadPool() {
    Depot& depot = GlobalDepot();
    std::lock_guard<std::mutex> lock(depot.mu);
    for (int c = 0; c < kNumNodeSizeClasses; ++c) {
      // Partial lists go to the depot too; they are only ever handed out whole,
      // so a short batch merely refills a pool with fewer blocks.
      if (lists_[c].current != nullptr) depot.batches[c].push_back(lists_[c].current);
      if (lists_[c].full != nullptr) depot.batches[c].push_back(lists_[c].full);
    }
  }

  void* Allocate(int c) {
    List& list = lists_[c];
    if (list.current == nullptr) Refill(c);
    FreeBlock* block = list.current;
    list.current = block->next;
    --list.count;
    return block;
  }

  void Free(void* p, int c) {
    List& list = lists_[c];
    FreeBlock* block = static_cast<FreeBlock*>(p);
    block->next = list.current;
    list.current = block;
    if (++list.count == kBatch) {
      // Keep one full batch locally; hand older ones to other threads.
      if (list.full != nullptr) {
        Depot& depot = GlobalDepot();
        std::lock_guard<std::mutex> lock(depot.mu);
        depot.batches[c].push_back(list.full);
      }
      list.full = list.current;
      list.current = nullptr;
      list.count = 0;
    }
  }

 private:
  struct List {
    FreeBlock* current = nullptr;
    uint32_t count = 0;       // blocks in `current` (may undercount refills from short batches)
    FreeBlock* full = nullptr;  // a complete batch kept for the next refill
  };

  void Refill(int c) {
    List& list = lists_[c];
    if (list.full != nullptr) {
      list.current = list.full;
      list.full = nullptr;
      list.count = kBatch;
      return;
    }
    {
      Depot& depot = GlobalDepot();
      std::lock_guard<std::mutex> lock(depot.mu);
      if (!depot.batches[c].empty()) {
        list.current = depot.batches[c].back();
        depot.batches[c].pop_back();
        list.count = kBatch;
        return;
      }
    }
    const size_t size = kNodeSizeClasses[c];
    const size_t align = size >= 64 ? 64 : size;
    char* slab = static_cast<char*>(::operator new(kBatch * size, std::align_val_t{align}));
    FreeBlock* head = nullptr;
    for (uint32_t i = kBatch; i-- > 0;) {
      FreeBlock* block = reinterpret_cast<FreeBlock*>(slab + i * size);
      block->next = head;
      head = block;
    }
    list.current = head;
    list.count = kBatch;
  }

  List lists_[kNumNodeSizeClasses];
};

ThreadPool& LocalPool() {
  thread_local ThreadPool pool;
  return pool;
}

}  // namespace

void* AllocatePooledBlock(int size_class) { return LocalPool().Allocate(size_class); }

void FreePooledBlock(void* block, int size_class) { LocalPool().Free(block, size_class); }

}  // namespace kompact::runtime_internal
