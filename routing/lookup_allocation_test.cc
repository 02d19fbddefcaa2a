// Lookups in the table do not allocate (FEATURES.md P3): counts every operator new
// on the looking-up thread while it resolves named, unique and group paths among
// many entries.
#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "routing/actor_store.h"
#include "routing/policies.h"
#include "routing/testing/recorder.h"
#include "testing/deterministic_system.h"
#include "testing/status_matchers.h"

namespace {
thread_local bool counting = false;
thread_local size_t allocations = 0;
}  // namespace

// Replaced global allocation functions (this test binary only).
void* operator new(size_t size) {
  if (counting) ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t size) { return operator new(size); }
void* operator new(size_t size, std::align_val_t align) {
  if (counting) ++allocations;
  const size_t a = static_cast<size_t>(align);
  if (void* p = std::aligned_alloc(a, (size + a - 1) / a * a)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { std::free(p); }

namespace kompact {
namespace {

using ::kompact::routing_testing::Inbox;
using ::kompact::routing_testing::Recorder;

TEST(Lookup, DoesNotAllocate) {
  ASSERT_OK_AND_ASSIGN(auto sim, kompact::testing::DeterministicSystem::Create());
  auto inbox = std::make_shared<Inbox>();
  std::vector<Component<Recorder>> components;
  for (int i = 0; i < 16; ++i) components.push_back(sim->system().Create<Recorder>(inbox, i));
  ActorStore store;
  std::vector<ActorPath> paths;
  for (int i = 0; i < 20000; ++i) {
    const std::string p = absl::StrCat("group-", i % 50, "/entry-", i);
    ASSERT_OK(store.InsertNamed(SplitPath(p), *components[i % 16].core(), false));
    if (i % 10 == 0) paths.push_back(*SystemPath().Named(p));
  }
  for (auto& c : components) {
    ASSERT_OK(store.InsertUnique(*c.core()));
    paths.push_back(SystemPath().Unique(c.id()));
  }
  ASSERT_OK(store.InsertPolicy(SplitPath("group-7"), std::make_shared<RoundRobinRouting>(), false));
  paths.push_back(*SystemPath().Named("group-7/?"));
  paths.push_back(*SystemPath().Named("missing/path"));

  // Warm up: the thread's epoch record and the group's member list are made once.
  for (const ActorPath& p : paths) {
    ActorStore::ReadGuard guard;
    (void)store.Lookup(p, guard);
  }
  size_t found = 0;
  counting = true;
  allocations = 0;
  for (int round = 0; round < 5; ++round) {
    for (const ActorPath& p : paths) {
      ActorStore::ReadGuard guard;
      found += store.Lookup(p, guard).kind != LookupResult::Kind::kNone ? 1 : 0;
    }
  }
  counting = false;
  EXPECT_EQ(allocations, 0u);
  EXPECT_EQ(found, 5 * (paths.size() - 1));
  components.clear();
  ASSERT_OK(sim->Shutdown());
}

}  // namespace
}  // namespace kompact
