// Per-thread pools of fixed-size blocks for message and event nodes, so that
// sending a message does not call malloc (the prototype measured malloc per message
// at 10-50 % of ping-pong throughput).
//
// Blocks come in size classes of 32..512 bytes (64-byte aligned from 64 up, so
// nodes do not share cache lines with nodes of other components); larger requests
// go to operator new. A thread allocates from its own free list and frees into its
// own free list (usually the consumer's); full batches of 256 blocks move between
// threads through a global depot under a mutex taken once per batch.
//
// Under AddressSanitizer every block is a separate operator new, so use-after-free
// and leaks of nodes are still caught.
//
// Thread-safety: AllocateNodeBlock/FreeNodeBlock may be called from any thread; a
// block may be freed on a different thread than the one that allocated it.
// Lifetime: thread-local pools hand their blocks to the depot when the thread
// exits; the depot lives for the whole process.
#ifndef KOMPACT_RUNTIME_INTERNAL_NODE_POOL_H_
#define KOMPACT_RUNTIME_INTERNAL_NODE_POOL_H_

#include <cstddef>
#include <new>
#include <utility>

#include "base/build_config.h"

namespace kompact::runtime_internal {

inline constexpr size_t kNodeSizeClasses[] = {32, 64, 128, 256, 512};
inline constexpr int kNumNodeSizeClasses = 5;
inline constexpr bool kNodePoolEnabled = kSanitizer != Sanitizer::kAddress;

// The size class index for `size`, or -1 if it is too large to pool.
constexpr int NodeSizeClass(size_t size) {
  for (int i = 0; i < kNumNodeSizeClasses; ++i) {
    if (size <= kNodeSizeClasses[i]) return i;
  }
  return -1;
}

void* AllocatePooledBlock(int size_class);
void FreePooledBlock(void* block, int size_class);

// Returns uninitialised storage for an object of `size` bytes (alignment up to 64).
template <size_t kSize>
inline void* AllocateNodeBlock() {
  constexpr int kClass = NodeSizeClass(kSize);
  if constexpr (kNodePoolEnabled && kClass >= 0) {
    return AllocatePooledBlock(kClass);
  } else {
    return ::operator new(kSize, std::align_val_t{64});
  }
}

template <size_t kSize>
inline void FreeNodeBlock(void* block) {
  constexpr int kClass = NodeSizeClass(kSize);
  if constexpr (kNodePoolEnabled && kClass >= 0) {
    FreePooledBlock(block, kClass);
  } else {
    ::operator delete(block, std::align_val_t{64});
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

}  // namespace kompact::runtime_internal

#endif  // KOMPACT_RUNTIME_INTERNAL_NODE_POOL_H_
