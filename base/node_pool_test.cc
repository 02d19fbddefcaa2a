// Tests of the per-thread block pools: reuse on one thread, blocks freed on another
// thread than the allocating one, hand-over through the depot, thread exit, and
// requests too large to pool.
#include "base/node_pool.h"

#include <atomic>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include "base/memory.h"
#include "gtest/gtest.h"

namespace kompact::base_internal {
namespace {

struct Payload {
  explicit Payload(uint64_t v) : value(v) {
    std::memset(padding, static_cast<int>(v & 0xff), sizeof(padding));
  }
  uint64_t value;
  char padding[40];
};

TEST(NodePoolTest, SizeClasses) {
  EXPECT_EQ(NodeSizeClass(1), 0);
  EXPECT_EQ(NodeSizeClass(32), 0);
  EXPECT_EQ(NodeSizeClass(33), 1);
  EXPECT_EQ(NodeSizeClass(512), kNumNodeSizeClasses - 1);
  EXPECT_EQ(NodeSizeClass(513), -1);
}

TEST(NodePoolTest, NewAndDeleteConstructAndDestroy) {
  struct Counted {
    explicit Counted(int* live) : live(live) { ++*live; }
    ~Counted() { --*live; }
    int* live;
  };
  int live = 0;
  std::vector<Counted*> nodes;
  for (int i = 0; i < 2000; ++i) nodes.push_back(NewNode<Counted>(&live));
  EXPECT_EQ(live, 2000);
  for (Counted* n : nodes) DeleteNode(n);
  EXPECT_EQ(live, 0);
}

TEST(NodePoolTest, BlocksAreAlignedAndDistinct) {
  std::vector<Payload*> nodes;
  for (uint64_t i = 0; i < 3 * kNodePoolBatch; ++i) {
    Payload* p = NewNode<Payload>(i);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % alignof(Payload), 0u);
    nodes.push_back(p);
  }
  // Every block still holds its own value: no two allocations share storage.
  for (uint64_t i = 0; i < nodes.size(); ++i) ASSERT_EQ(nodes[i]->value, i);
  for (Payload* p : nodes) DeleteNode(p);
}

TEST(NodePoolTest, FreedBlockIsReusedOnTheSameThread) {
  if constexpr (!kNodePoolEnabled) GTEST_SKIP() << "pool disabled under AddressSanitizer";
  Payload* first = NewNode<Payload>(1);
  DeleteNode(first);
  Payload* second = NewNode<Payload>(2);
  EXPECT_EQ(first, second);  // LIFO free list: the warm block comes back
  DeleteNode(second);
}

TEST(NodePoolTest, LargeObjectsBypassThePool) {
  struct Large {
    char bytes[1024];
  };
  static_assert(NodeSizeClass(sizeof(Large)) == -1);
  const NodePoolStats before = GetNodePoolStats();
  Large* l = NewNode<Large>();
  // Not taken from a pool: no block in use, no slab allocated for it.
  const NodePoolStats during = GetNodePoolStats();
  EXPECT_EQ(during.in_use_bytes(), before.in_use_bytes());
  EXPECT_EQ(during.slab_bytes, before.slab_bytes);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(l) % 64, 0u);  // still 64-byte aligned
  DeleteNode(l);
  EXPECT_EQ(GetNodePoolStats().in_use_bytes(), before.in_use_bytes());
  // A pooled node, by contrast, shows up.
  Payload* p = NewNode<Payload>(1);
  if constexpr (kNodePoolEnabled) {
    EXPECT_GT(GetNodePoolStats().in_use_bytes(), before.in_use_bytes());
  }
  DeleteNode(p);
}

// Producers allocate, a consumer frees (the message-passing pattern): blocks pile
// up on the consumer, move to the depot in batches and return to the producers.
TEST(NodePoolTest, CrossThreadFreeingUnderStress) {
  constexpr int kProducers = 3;
  constexpr uint64_t kPerProducer = 200000;
  std::atomic<Payload*> slots[kProducers] = {};
  std::atomic<int> producers_done{0};
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (uint64_t i = 0; i < kPerProducer; ++i) {
        Payload* node = NewNode<Payload>(i);
        Payload* expected = nullptr;
        while (!slots[p].compare_exchange_weak(expected, node, std::memory_order_release,
                                               std::memory_order_relaxed)) {
          expected = nullptr;
          std::this_thread::yield();
        }
      }
      producers_done.fetch_add(1, std::memory_order_release);
    });
  }
  uint64_t next[kProducers] = {};
  uint64_t received = 0;
  while (received < kProducers * kPerProducer) {
    for (int p = 0; p < kProducers; ++p) {
      Payload* node = slots[p].exchange(nullptr, std::memory_order_acquire);
      if (node == nullptr) continue;
      ASSERT_EQ(node->value, next[p]) << "producer " << p;  // not overwritten while in flight
      ++next[p];
      ++received;
      DeleteNode(node);
    }
  }
  for (std::thread& t : producers) t.join();
  EXPECT_EQ(producers_done.load(), kProducers);
}

TEST(NodePoolTest, ThreadsThatExitReturnTheirBlocks) {
  if constexpr (!kNodePoolEnabled) GTEST_SKIP() << "pool disabled under AddressSanitizer";
  // A size class no other test of this binary uses, so the depot count is ours.
  struct Big {
    char bytes[500];
  };
  constexpr int kClass = NodeSizeClass(sizeof(Big));
  const size_t before = DepotBatchesForTesting(kClass);
  std::thread([] {
    std::vector<Big*> nodes;
    for (uint32_t i = 0; i < kNodePoolBatch / 2; ++i) nodes.push_back(NewNode<Big>());
    for (Big* p : nodes) DeleteNode(p);
  }).join();
  // The exiting thread handed its list to the depot ...
  EXPECT_EQ(DepotBatchesForTesting(kClass), before + 1);
  // ... and the next thread that needs blocks of that class takes it back.
  std::thread([] { DeleteNode(NewNode<Big>()); }).join();
  EXPECT_EQ(DepotBatchesForTesting(kClass), before + 1);  // taken, then returned on exit
  Big* mine = NewNode<Big>();
  EXPECT_EQ(DepotBatchesForTesting(kClass), before);  // this thread took it
  DeleteNode(mine);
}

TEST(NodePoolTest, StatsCountBlocksInUseAcrossThreads) {
  if constexpr (!kNodePoolEnabled) GTEST_SKIP() << "pool disabled under AddressSanitizer";
  constexpr size_t kBlock = kNodeSizeClasses[NodeSizeClass(sizeof(Payload))];
  constexpr size_t kN = 3 * kNodePoolBatch + 11;
  const NodePoolStats before = GetNodePoolStats();
  std::vector<Payload*> nodes;
  for (uint64_t i = 0; i < kN; ++i) nodes.push_back(NewNode<Payload>(i));
  const NodePoolStats held = GetNodePoolStats();
  EXPECT_EQ(held.in_use_bytes() - before.in_use_bytes(), kN * kBlock);
  EXPECT_GE(held.slab_bytes, held.in_use_bytes());
  // Freed on another thread (which then exits): the blocks are free again, counted
  // in the depot.
  std::thread([&nodes] {
    for (Payload* p : nodes) DeleteNode(p);
  }).join();
  const NodePoolStats after = GetNodePoolStats();
  EXPECT_EQ(after.in_use_bytes(), before.in_use_bytes());
  EXPECT_EQ(after.slab_bytes, held.slab_bytes);  // nothing returned to the system
}

// A size class no other test of this binary uses (256 bytes), so its slabs are ours.
struct Slabbed {
  char bytes[200];
};
constexpr size_t kSlabbedSlab = kNodePoolBatch * kNodeSizeClasses[NodeSizeClass(sizeof(Slabbed))];

// Allocates `slabs` slabs' worth of blocks on this thread and frees them all.
void AllocateAndFree(size_t slabs) {
  std::vector<Slabbed*> nodes;
  for (size_t i = 0; i < slabs * kNodePoolBatch; ++i) nodes.push_back(NewNode<Slabbed>());
  for (Slabbed* p : nodes) DeleteNode(p);
}

TEST(NodePoolMemoryTest, WholeFreeSlabsBeyondTheBudgetGoBack) {
  if constexpr (!kNodePoolEnabled) GTEST_SKIP() << "pool disabled under AddressSanitizer";
  constexpr size_t kSlabs = 64;  // 4 MiB of 256-byte blocks
  const size_t previous = NodePoolRetainedBytes();
  SetNodePoolRetainedBytes(0);
  const NodePoolMemoryStats before = GetNodePoolMemoryStats();
  AllocateAndFree(kSlabs);
  const NodePoolMemoryStats after = GetNodePoolMemoryStats();
  // The hand-overs to the depot trimmed it as it grew past the budget and slack
  // (1 MiB); this thread's cache (up to 511 blocks) and less than the slack stay.
  EXPECT_EQ(after.in_use_bytes, before.in_use_bytes);
  EXPECT_GE(after.returned_bytes - before.returned_bytes, (kSlabs - 20) * kSlabbedSlab);
  // An explicit release returns every whole free slab left in the depot.
  const size_t released = ReleaseNodePoolMemory();
  const NodePoolMemoryStats last = GetNodePoolMemoryStats();
  EXPECT_EQ(last.returned_bytes - after.returned_bytes, released);
  EXPECT_GE(last.returned_bytes - before.returned_bytes, (kSlabs - 3) * kSlabbedSlab);
  EXPECT_LE(last.retained_bytes, before.retained_bytes + 3 * kSlabbedSlab);
  // The pool still works: the blocks come from new slabs.
  AllocateAndFree(2);
  EXPECT_EQ(GetNodePoolMemoryStats().in_use_bytes, before.in_use_bytes);
  SetNodePoolRetainedBytes(previous);
}

TEST(NodePoolMemoryTest, TheRetainedBudgetIsKept) {
  if constexpr (!kNodePoolEnabled) GTEST_SKIP() << "pool disabled under AddressSanitizer";
  const size_t previous = NodePoolRetainedBytes();
  SetNodePoolRetainedBytes(size_t{64} << 20);
  EXPECT_EQ(NodePoolRetainedBytes(), size_t{64} << 20);
  const NodePoolMemoryStats before = GetNodePoolMemoryStats();
  AllocateAndFree(16);
  EXPECT_EQ(ReleaseNodePoolMemory(), 0u);  // 1 MiB free is within the budget
  const NodePoolMemoryStats after = GetNodePoolMemoryStats();
  EXPECT_EQ(after.returned_bytes, before.returned_bytes);
  EXPECT_GE(after.retained_bytes, 15 * kSlabbedSlab);  // kept for reuse
  SetNodePoolRetainedBytes(previous);
}

TEST(NodePoolMemoryTest, SlabsWithABlockInUseStay) {
  if constexpr (!kNodePoolEnabled) GTEST_SKIP() << "pool disabled under AddressSanitizer";
  const size_t previous = NodePoolRetainedBytes();
  SetNodePoolRetainedBytes(0);
  ReleaseNodePoolMemory();  // whatever earlier tests left in the depot
  const size_t returned_before = GetNodePoolMemoryStats().returned_bytes;
  // A size class no other test uses (384 bytes): fresh slabs, handed out in
  // address order, so every 256th block is one per slab.
  struct Fresh {
    char bytes[300];
  };
  constexpr size_t kSlabs = 16;
  std::vector<Fresh*> nodes;
  for (size_t i = 0; i < kSlabs * kNodePoolBatch; ++i) nodes.push_back(NewNode<Fresh>());
  // One block of every slab stays in use (a component that lives on).
  std::vector<Fresh*> keep;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (i % kNodePoolBatch == 0) {
      keep.push_back(nodes[i]);
    } else {
      DeleteNode(nodes[i]);
    }
  }
  ReleaseNodePoolMemory();
  EXPECT_EQ(GetNodePoolMemoryStats().returned_bytes, returned_before);
  for (Fresh* p : keep) std::memset(p->bytes, 1, sizeof(p->bytes));  // still valid memory
  // Freed on a thread that then exits (its cache goes to the depot): now the
  // slabs are whole and free, except those with blocks in this thread's cache.
  std::thread([&keep] {
    for (Fresh* p : keep) DeleteNode(p);
  }).join();
  ReleaseNodePoolMemory();
  EXPECT_GE(GetNodePoolMemoryStats().returned_bytes - returned_before,
            (kSlabs - 3) * kNodePoolBatch * kNodeSizeClasses[NodeSizeClass(sizeof(Fresh))]);
  SetNodePoolRetainedBytes(previous);
}

}  // namespace
}  // namespace kompact::base_internal
