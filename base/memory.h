// The memory kompact keeps for its per-message and per-component objects (the node
// pools of base/node_pool.h): how much there is, and how much of it is kept when
// it is free.
//
//   kompact::NodePoolMemoryStats m = kompact::GetNodePoolMemoryStats();
//   LOG(INFO) << m.in_use_bytes << " in use, " << m.retained_bytes << " free and kept, "
//             << m.returned_bytes << " returned to the allocator so far";
//
// The pools take memory from operator new in slabs of 256 blocks of one size. A
// slab whose blocks are all free again (say after 100,000 components were killed)
// goes back to the allocator once the free blocks in the pools' shared depot exceed
// the retained budget (default 4 MiB) by a margin; the budget is the working set
// kept for reuse, so a system that creates and kills components in waves does not
// allocate anew each time. Only the slow paths of the pools (once per 256 blocks a
// thread frees or takes from the depot, and thread exit) look at the budget; the
// fast path of every allocation and free is unchanged.
//
// Under AddressSanitizer the pools are off (every block is its own operator new):
// all figures are then 0.
//
// Thread-safety: every function may be called from any thread at any time.
#ifndef KOMPACT_BASE_MEMORY_H_
#define KOMPACT_BASE_MEMORY_H_

#include <cstddef>

namespace kompact {

// The pools' memory at one moment, in bytes (GetNodePoolMemoryStats).
struct NodePoolMemoryStats {
  // Blocks handed out: messages in flight, live components, timers, boxed values...
  size_t in_use_bytes = 0;
  // Free blocks kept for reuse, in the threads' caches and the shared depot.
  size_t retained_bytes = 0;
  // Slabs given back to the allocator since the process started (cumulative).
  size_t returned_bytes = 0;
};

// Exact while no other thread allocates or frees pooled blocks; a close
// approximation otherwise.
NodePoolMemoryStats GetNodePoolMemoryStats();

// The free memory the depot keeps before returning whole free slabs (default
// 4 MiB). 0 returns every whole free slab that reaches the depot. Blocks in the
// threads' own caches (at most 511 per size class and thread) are not counted and
// never returned while their thread runs.
void SetNodePoolRetainedBytes(size_t bytes);
size_t NodePoolRetainedBytes();  // The current budget.

// Returns now every whole free slab in the depot beyond the retained budget
// (e.g. after a mass termination, before measuring RSS); returns the bytes given
// back. Whether the allocator gives them to the OS is its business (glibc:
// malloc_trim).
size_t ReleaseNodePoolMemory();

}  // namespace kompact

#endif  // KOMPACT_BASE_MEMORY_H_
