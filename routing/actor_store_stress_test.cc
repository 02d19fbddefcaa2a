// Lookups while writers modify the table (FEATURES.md P3), meant for
// --config=tsan: readers never see a torn or freed node, stable entries are always
// found, toggled entries resolve to nothing or to the right component, and groups
// only ever contain registered members. Memory of replaced nodes is reclaimed
// while readers run (epoch-based reclamation), and ASan/TSan check the reuse.
#include <atomic>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "routing/actor_store.h"
#include "routing/policies.h"
#include "routing/testing/recorder.h"
#include "testing/deterministic_system.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

using ::kompact::routing_testing::Inbox;
using ::kompact::routing_testing::Recorder;
using Kind = LookupResult::Kind;

constexpr int kComponents = 16;
constexpr int kStable = 64;
constexpr int kToggled = 64;
constexpr int kWriteRounds = 20000;
constexpr int kWriters = 2;
constexpr int kReaders = 3;

TEST(ActorStoreStress, LookupsWhileWritersChangeTheTable) {
  ASSERT_OK_AND_ASSIGN(auto sim, kompact::testing::DeterministicSystem::Create());
  auto inbox = std::make_shared<Inbox>();
  std::vector<Component<Recorder>> components;
  std::set<const ComponentCore*> known;
  for (int i = 0; i < kComponents; ++i) {
    components.push_back(sim->system().Create<Recorder>(inbox, i));
    known.insert(components.back().core());
  }
  ActorStore store;
  auto path = [](std::string_view relative) { return *SystemPath().Named(relative); };

  // Stable entries: "stable/s<i>" -> component i % kComponents, never changed.
  std::vector<ActorPath> stable;
  for (int i = 0; i < kStable; ++i) {
    const std::string p = absl::StrCat("stable/s", i);
    ASSERT_OK(store.InsertNamed(SplitPath(p), *components[i % kComponents].core(), false));
    stable.push_back(path(p));
  }
  ASSERT_OK(store.InsertPolicy(SplitPath("pool"), std::make_shared<RoundRobinRouting>(), false));
  // Toggled entries "pool/t<i>" always point at component i % kComponents when present.
  std::vector<ActorPath> toggled;
  for (int i = 0; i < kToggled; ++i) toggled.push_back(path(absl::StrCat("pool/t", i)));
  const ActorPath pool = path("pool/?");
  std::vector<ActorPath> uniques;
  for (auto& c : components) uniques.push_back(SystemPath().Unique(c.id()));

  std::atomic<bool> done{false};
  std::atomic<uint64_t> lookups{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      std::mt19937 rng(r);
      uint64_t n = 0;
      while (!done.load(std::memory_order_acquire) || n < 1000) {
        ActorStore::ReadGuard guard;
        const int i = static_cast<int>(rng() % kStable);
        LookupResult s = store.Lookup(stable[i], guard);
        if (s.kind != Kind::kActor || s.actor != components[i % kComponents].core()) failures.fetch_add(1);
        const int t = static_cast<int>(rng() % kToggled);
        LookupResult x = store.Lookup(toggled[t], guard);
        if (x.kind != Kind::kNone &&
            (x.kind != Kind::kActor || x.actor != components[t % kComponents].core())) {
          failures.fetch_add(1);
        }
        LookupResult g = store.Lookup(pool, guard);
        if (g.kind != Kind::kGroup) failures.fetch_add(1);
        for (ComponentCore* m : g.members) {
          if (known.count(m) == 0) failures.fetch_add(1);
        }
        LookupResult u = store.Lookup(uniques[t % kComponents], guard);
        if (u.kind == Kind::kActor && u.actor != components[t % kComponents].core()) failures.fetch_add(1);
        ++n;
      }
      lookups.fetch_add(n);
    });
  }
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      std::mt19937 rng(100 + w);
      for (int round = 0; round < kWriteRounds; ++round) {
        const int t = static_cast<int>(rng() % kToggled);
        ComponentCore& owner = *components[t % kComponents].core();
        switch (rng() % 4) {
          case 0:
          case 1:
            (void)store.InsertNamed(SplitPath(absl::StrCat("pool/t", t)), owner, /*update=*/true);
            break;
          case 2:
            (void)store.Remove(toggled[t]);
            break;
          case 3:
            if (rng() % 2 == 0) {
              (void)store.InsertUnique(owner);
            } else {
              (void)store.Remove(uniques[t % kComponents]);
            }
            break;
        }
      }
    });
  }
  for (auto& t : writers) t.join();
  done.store(true, std::memory_order_release);
  for (auto& t : readers) t.join();

  EXPECT_EQ(failures.load(), 0);
  EXPECT_GE(lookups.load(), kReaders * 1000u);
  // With no reader inside, one more write frees everything retired before it.
  ASSERT_OK(store.InsertNamed(SplitPath("final"), *components[0].core(), false));
  EXPECT_EQ(store.retired_pending(), 0u);
  components.clear();
  ASSERT_OK(sim->Shutdown());
}

}  // namespace
}  // namespace kompact
