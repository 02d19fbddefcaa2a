// Per-thread pools of fixed-size blocks for the objects made per message (the
// runtime's message and event nodes, component cells, serialisation's boxed values),
// so that sending a message does not call malloc (the prototype measured malloc per
// message at 10-50 % of ping-pong throughput).
//
// Blocks come in size classes of 32..512 bytes (64-byte aligned from 64 up, so
// nodes do not share cache lines with nodes of other components); larger requests
// go to operator new. A thread allocates from its own free list and frees into its
// own free list (usually the consumer's); when a list grows to 512 blocks, 256 of
// them move to a global depot (a mutex taken once per 256 blocks), where threads
// whose lists run dry take them back.
//
// Under AddressSanitizer every block is a separate operator new, so use-after-free
// and leaks of nodes are still caught.
//
// Thread-safety: AllocateNodeBlock/FreeNodeBlock may be called from any thread; a
// block may be freed on a different thread than the one that allocated it.
// Lifetime: thread-local pools hand their blocks to the depot when the thread
// exits; the depot lives for the whole process.
#ifndef KOMPACT_BASE_NODE_POOL_H_
#define KOMPACT_BASE_NODE_POOL_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

#include "absl/base/optimization.h"
#include "base/build_config.h"

namespace kompact::base_internal {

inline constexpr size_t kNodeSizeClasses[] = {32, 64, 128, 192, 256, 384, 512};
inline constexpr int kNumNodeSizeClasses = 7;
inline constexpr bool kNodePoolEnabled = kSanitizer != Sanitizer::kAddress;

// The size class index for `size`, or -1 if it is too large to pool.
constexpr int NodeSizeClass(size_t size) {
  for (int i = 0; i < kNumNodeSizeClasses; ++i) {
    if (size <= kNodeSizeClasses[i]) return i;
  }
  return -1;
}

// A free block: its first word links it into a list.
struct FreeBlock {
  FreeBlock* next;
};

// This thread's free lists (constant-initialised: no TLS guard on the fast path).
// Blocks move to and from other threads in batches through the depot
// (node_pool.cc). `count` is written only by the owning thread; it is atomic (relaxed
// loads and stores, no read-modify-write, so plain moves on x86) because
// GetNodePoolStats reads it from other threads.
struct ThreadFreeLists {
  FreeBlock* current[kNumNodeSizeClasses];
  std::atomic<uint32_t> count[kNumNodeSizeClasses];  // blocks in `current`, exactly
  bool registered;  // known to the depot (stats, return of blocks at thread exit)
};
extern thread_local constinit ThreadFreeLists tl_free_lists;  // constinit: direct TLS access, no init wrapper

// Slow paths (node_pool.cc): refill an empty list, hand a full one over, register
// a thread whose first pool operation is a free.
void* RefillAndAllocate(int size_class);
void HandOverFullList(int size_class);
void RegisterThisThread();

// Memory held by the pools. Exact while no other thread allocates or frees pooled
// blocks; a close approximation otherwise.
struct NodePoolStats {
  size_t slab_bytes = 0;  // obtained from operator new for pooled blocks (kept for reuse)
  size_t free_bytes = 0;  // in free lists (all threads and the depot)
  size_t in_use_bytes() const { return slab_bytes - free_bytes; }
};
NodePoolStats GetNodePoolStats();
// Batches of `size_class` blocks waiting in the global depot (tests only).
size_t DepotBatchesForTesting(int size_class);

inline void* AllocatePooledBlock(int size_class) {
  ThreadFreeLists& lists = tl_free_lists;
  FreeBlock* block = lists.current[size_class];
  if (ABSL_PREDICT_FALSE(block == nullptr)) return RefillAndAllocate(size_class);
  lists.current[size_class] = block->next;
  std::atomic<uint32_t>& count = lists.count[size_class];
  count.store(count.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
  return block;
}

inline constexpr uint32_t kNodePoolBatch = 256;

inline void FreePooledBlock(void* p, int size_class) {
  ThreadFreeLists& lists = tl_free_lists;
  if (ABSL_PREDICT_FALSE(!lists.registered)) RegisterThisThread();
  auto* block = static_cast<FreeBlock*>(p);
  block->next = lists.current[size_class];
  lists.current[size_class] = block;
  std::atomic<uint32_t>& count = lists.count[size_class];
  const uint32_t n = count.load(std::memory_order_relaxed) + 1;
  count.store(n, std::memory_order_relaxed);
  if (ABSL_PREDICT_FALSE(n >= 2 * kNodePoolBatch)) HandOverFullList(size_class);
}

// Returns uninitialised storage for an object of `size` bytes (alignment up to 64).
template <size_t kSize>
inline void* AllocateNodeBlock() {
  constexpr int kClass = NodeSizeClass(kSize);
  if constexpr (kNodePoolEnabled && kClass >= 0) {
    return AllocatePooledBlock(kClass);
  } else {
    return ::operator new (kSize, std::align_val_t{64});
  }
}

template <size_t kSize>
inline void FreeNodeBlock(void* block) {
  constexpr int kClass = NodeSizeClass(kSize);
  if constexpr (kNodePoolEnabled && kClass >= 0) {
    FreePooledBlock(block, kClass);
  } else {
    ::operator delete (block, std::align_val_t{64});
  }
}

// new/delete of node objects through the pool. T's alignment must be <= 64.
template <typename T, typename... Args>
T* NewNode(Args&&... args) {
  static_assert(alignof(T) <= 64, "node types must not need more than 64-byte alignment");
  void* block = AllocateNodeBlock<sizeof(T)>();
  return ::new (block) T(std::forward<Args>(args)...);
}

template <typename T>
void DeleteNode(T* node) {
  node->~T();
  FreeNodeBlock<sizeof(T)>(node);
}

}  // namespace kompact::base_internal

#endif  // KOMPACT_BASE_NODE_POOL_H_
