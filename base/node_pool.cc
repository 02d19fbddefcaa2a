#include "base/node_pool.h"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <new>
#include <vector>

#include "base/memory.h"

namespace kompact::base_internal {

thread_local constinit ThreadFreeLists tl_free_lists = {};

namespace {

// A list of free blocks (linked through FreeBlock::next) and its exact length.
struct Batch {
  FreeBlock* head;
  uint32_t length;
};

constexpr size_t kDefaultRetainedBytes = size_t{4} << 20;
// Free memory the depot may gain beyond the retained budget before it trims.
constexpr size_t kTrimSlackBytes = size_t{1} << 20;

// Batches handed over by threads (usually kNodePoolBatch blocks; the rest of a
// list when its thread exits), and the threads whose lists hold blocks.
//
// Returning memory (base/memory.h): every slab is kNodePoolBatch blocks of one
// class, recorded (sorted by address) in `slabs`. When the free blocks in the depot
// exceed `trim_at`, TrimLocked finds the slabs all of whose blocks are in the depot
// and frees whole slabs until the depot holds at most `retained` bytes. Only the
// slow paths (hand-over, thread exit) look at the budget; allocation and freeing of
// blocks are unchanged.
struct Depot {
  std::mutex mu;
  std::vector<Batch> batches[kNumNodeSizeClasses];
  size_t depot_blocks[kNumNodeSizeClasses] = {};  // sum of the batches' lengths
  std::vector<char*> slabs[kNumNodeSizeClasses];  // sorted
  std::vector<ThreadFreeLists*> threads;
  std::atomic<size_t> slab_bytes{0};
  size_t returned_bytes = 0;
  size_t retained = kDefaultRetainedBytes;
  size_t trim_at = kDefaultRetainedBytes + kTrimSlackBytes;
};

Depot& GlobalDepot() {
  static Depot* depot = new Depot();  // never destroyed: threads may exit after main
  return *depot;
}

size_t SlabSize(int c) { return kNodePoolBatch * kNodeSizeClasses[c]; }
std::align_val_t SlabAlign(int c) {
  return std::align_val_t{kNodeSizeClasses[c] >= 64 ? 64 : kNodeSizeClasses[c]};
}

size_t DepotFreeBytesLocked(const Depot& depot) {
  size_t bytes = 0;
  for (int c = 0; c < kNumNodeSizeClasses; ++c) bytes += depot.depot_blocks[c] * kNodeSizeClasses[c];
  return bytes;
}

// The index in depot.slabs[c] of the slab holding `block`.
size_t SlabIndexLocked(const Depot& depot, int c, const void* block) {
  const std::vector<char*>& slabs = depot.slabs[c];
  const auto* p = static_cast<const char*>(block);
  auto it = std::upper_bound(slabs.begin(), slabs.end(), p, std::less<const char*>());
  return static_cast<size_t>(it - slabs.begin()) - 1;  // every pooled block lies in a slab
}

// Frees whole free slabs of class `c` while the depot holds more than `target`
// free bytes in all; `free_bytes` is that total, updated. O(blocks of c in the depot).
void TrimClassLocked(Depot& depot, int c, size_t target, size_t& free_bytes) {
  if (depot.batches[c].empty() || free_bytes <= target) return;
  std::vector<char*>& slabs = depot.slabs[c];
  std::vector<uint32_t> free_in_slab(slabs.size(), 0);
  for (const Batch& batch : depot.batches[c]) {
    for (FreeBlock* b = batch.head; b != nullptr; b = b->next) ++free_in_slab[SlabIndexLocked(depot, c, b)];
  }
  const size_t slab_size = SlabSize(c);
  std::vector<bool> release(slabs.size(), false);
  size_t released = 0;
  for (size_t i = 0; i < slabs.size() && free_bytes - released * slab_size > target; ++i) {
    if (free_in_slab[i] == kNodePoolBatch) {
      release[i] = true;
      ++released;
    }
  }
  if (released == 0) return;
  // Re-batch the blocks that stay (full batches first), then free the slabs.
  std::vector<Batch> kept;
  Batch current{nullptr, 0};
  for (const Batch& batch : depot.batches[c]) {
    for (FreeBlock* b = batch.head; b != nullptr;) {
      FreeBlock* next = b->next;
      if (!release[SlabIndexLocked(depot, c, b)]) {
        b->next = current.head;
        current.head = b;
        if (++current.length == kNodePoolBatch) {
          kept.push_back(current);
          current = {nullptr, 0};
        }
      }
      b = next;
    }
  }
  if (current.length > 0) kept.push_back(current);
  depot.batches[c] = std::move(kept);
  depot.depot_blocks[c] -= released * kNodePoolBatch;
  size_t out = 0;
  for (size_t i = 0; i < slabs.size(); ++i) {
    if (release[i]) {
      ::operator delete(slabs[i], SlabAlign(c));
    } else {
      slabs[out++] = slabs[i];
    }
  }
  slabs.resize(out);
  depot.slab_bytes.fetch_sub(released * slab_size, std::memory_order_relaxed);
  depot.returned_bytes += released * slab_size;
  free_bytes -= released * slab_size;
}

// Trims the depot down to `target` free bytes (as far as whole free slabs allow)
// and sets the next trigger: past the budget plus slack, and at least twice what
// could not be returned, so trimming costs O(1) per freed block, amortised.
size_t TrimLocked(Depot& depot, size_t target) {
  size_t free_bytes = DepotFreeBytesLocked(depot);
  const size_t before = depot.returned_bytes;
  // Largest classes first: fewer blocks to walk per byte returned.
  for (int c = kNumNodeSizeClasses; c-- > 0 && free_bytes > target;) {
    TrimClassLocked(depot, c, target, free_bytes);
  }
  depot.trim_at = std::max(depot.retained + kTrimSlackBytes, 2 * free_bytes);
  return depot.returned_bytes - before;
}

void MaybeTrimLocked(Depot& depot) {
  if (DepotFreeBytesLocked(depot) > depot.trim_at) TrimLocked(depot, depot.retained);
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
        const uint32_t length = lists.count[c].load(std::memory_order_relaxed);
        depot.batches[c].push_back({lists.current[c], length});
        depot.depot_blocks[c] += length;
      }
      lists.current[c] = nullptr;
      lists.count[c].store(0, std::memory_order_relaxed);
    }
    std::erase(depot.threads, &lists);
    MaybeTrimLocked(depot);
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
      depot.depot_blocks[c] -= batch.length;
      lists.current[c] = batch.head;
      lists.count[c].store(batch.length, std::memory_order_relaxed);
    }
  }
  if (lists.current[c] == nullptr) {
    const size_t size = kNodeSizeClasses[c];
    char* slab = static_cast<char*>(::operator new(SlabSize(c), SlabAlign(c)));
    {
      std::lock_guard<std::mutex> lock(depot.mu);
      std::vector<char*>& slabs = depot.slabs[c];
      slabs.insert(std::upper_bound(slabs.begin(), slabs.end(), slab, std::less<char*>()), slab);
      depot.slab_bytes.fetch_add(SlabSize(c), std::memory_order_relaxed);
    }
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
  depot.depot_blocks[c] += rest.length;
  MaybeTrimLocked(depot);
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

namespace kompact {

NodePoolMemoryStats GetNodePoolMemoryStats() {
  const base_internal::NodePoolStats stats = base_internal::GetNodePoolStats();
  base_internal::Depot& depot = base_internal::GlobalDepot();
  std::lock_guard<std::mutex> lock(depot.mu);
  NodePoolMemoryStats out;
  out.in_use_bytes = stats.in_use_bytes();
  out.retained_bytes = stats.free_bytes;
  out.returned_bytes = depot.returned_bytes;
  return out;
}

void SetNodePoolRetainedBytes(size_t bytes) {
  base_internal::Depot& depot = base_internal::GlobalDepot();
  std::lock_guard<std::mutex> lock(depot.mu);
  depot.retained = bytes;
  depot.trim_at = bytes + base_internal::kTrimSlackBytes;
  base_internal::MaybeTrimLocked(depot);
}

size_t NodePoolRetainedBytes() {
  base_internal::Depot& depot = base_internal::GlobalDepot();
  std::lock_guard<std::mutex> lock(depot.mu);
  return depot.retained;
}

size_t ReleaseNodePoolMemory() {
  base_internal::Depot& depot = base_internal::GlobalDepot();
  std::lock_guard<std::mutex> lock(depot.mu);
  return base_internal::TrimLocked(depot, depot.retained);
}

}  // namespace kompact
