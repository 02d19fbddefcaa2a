// Memory after mass termination (issue 23): the node pools return the slabs of
// killed components to the allocator beyond their retained budget (base/memory.h).
#include "base/memory.h"

#include <vector>

#include "absl/time/time.h"
#include "base/build_config.h"
#include "base/node_pool.h"
#include "gtest/gtest.h"
#include "runtime/component.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

class Idle : public ComponentDefinition<Idle> {
 public:
  char state[64] = {};
};

TEST(MemoryTest, KillingManyComponentsReturnsTheirSlabs) {
  if constexpr (!base_internal::kNodePoolEnabled) GTEST_SKIP() << "pool disabled under AddressSanitizer";
  const int kComponents = kSanitizer == Sanitizer::kNone ? 100000 : 20000;
  constexpr size_t kBudget = size_t{1} << 20;
  const size_t previous_budget = NodePoolRetainedBytes();
  SetNodePoolRetainedBytes(kBudget);
  const NodePoolMemoryStats before = GetNodePoolMemoryStats();
  size_t grown = 0;
  {
    ASSERT_OK_AND_ASSIGN(KompactSystem system, KompactConfig().Threads(2).Build());
    std::vector<Component<Idle>> components;
    components.reserve(kComponents);
    for (int i = 0; i < kComponents; ++i) components.push_back(system.Create<Idle>());
    const NodePoolMemoryStats peak = GetNodePoolMemoryStats();
    ASSERT_GT(peak.in_use_bytes, before.in_use_bytes);
    grown = peak.in_use_bytes - before.in_use_bytes;
    // Every component cell is a pooled block of at least sizeof(Idle).
    EXPECT_GE(grown, kComponents * sizeof(Idle));
    std::vector<Future<void>> killed;
    killed.reserve(kComponents);
    for (const Component<Idle>& c : components) killed.push_back(system.KillNotify(c));
    for (Future<void>& f : killed) ASSERT_OK(f.WaitFor(absl::Seconds(60)));
    killed.clear();
    components.clear();  // the last references: the cells are freed
    ASSERT_OK(system.Shutdown());
  }
  // The workers have exited (their caches went to the depot), and the depot kept
  // at most the budget: most of what the components took went back, without any
  // explicit call.
  const NodePoolMemoryStats after = GetNodePoolMemoryStats();
  const size_t returned = after.returned_bytes - before.returned_bytes;
  EXPECT_GE(returned, grown / 2) << "grown by " << grown << " bytes, returned " << returned;
  EXPECT_LE(after.in_use_bytes, before.in_use_bytes + grown / 100);
  // An explicit release brings the depot down to the budget, as far as whole free
  // slabs allow; what stays is the budget plus blocks cached by live threads.
  ReleaseNodePoolMemory();
  const NodePoolMemoryStats released = GetNodePoolMemoryStats();
  EXPECT_LE(released.retained_bytes, before.retained_bytes + kBudget + grown / 10);
  SetNodePoolRetainedBytes(previous_budget);
}

}  // namespace
}  // namespace kompact
