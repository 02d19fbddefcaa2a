// The lookup table (FEATURES.md P2-P4): trie insert/remove/iterate, aliases,
// groups and markers, implicit routes, reaping, closing, member-list reuse.
#include "routing/actor_store.h"

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "routing/policies.h"
#include "routing/testing/recorder.h"
#include "runtime/kompact_config.h"
#include "testing/deterministic_system.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

using ::kompact::routing_testing::Inbox;
using ::kompact::routing_testing::Recorder;
using ::kompact::testing::StatusIs;
using Kind = LookupResult::Kind;

std::string Join(std::span<const std::string_view> path) {
  std::string out;
  for (std::string_view s : path) {
    if (!out.empty()) out += "/";
    out += s;
  }
  return out;
}

class ActorStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(sim_, kompact::testing::DeterministicSystem::Create());
    for (int i = 0; i < 8; ++i) components_.push_back(sim_->system().Create<Recorder>(inbox_, i));
  }
  void TearDown() override {
    components_.clear();
    ASSERT_OK(sim_->Shutdown());
  }

  ComponentCore& c(int i) { return *components_[i].core(); }
  static ActorPath Path(std::string_view relative) { return *SystemPath().Named(relative); }
  static std::vector<std::string> Segments(std::string_view relative) { return SplitPath(relative); }

  LookupResult Find(std::string_view relative) {
    ActorStore::ReadGuard guard;
    return store_.Lookup(Path(relative), guard);
  }
  ComponentCore* ActorAt(std::string_view relative) {
    LookupResult r = Find(relative);
    return r.kind == Kind::kActor ? r.actor : nullptr;
  }
  std::set<std::string> Named() {
    std::set<std::string> out;
    ActorStore::ReadGuard guard;
    store_.ForEachNamed(
        guard, [&](std::span<const std::string_view> path, ComponentCore* core, const RoutingPolicy* policy) {
          out.insert(absl::StrCat(Join(path), core != nullptr ? "=c" : "=p"));
        });
    return out;
  }

  std::unique_ptr<kompact::testing::DeterministicSystem> sim_;
  std::shared_ptr<Inbox> inbox_ = std::make_shared<Inbox>();
  std::vector<Component<Recorder>> components_;
  ActorStore store_;
};

TEST_F(ActorStoreTest, InsertLookupAndRemoveNamedPaths) {
  ASSERT_OK(store_.InsertNamed(Segments("a/b"), c(0), false));
  EXPECT_EQ(ActorAt("a/b"), &c(0));
  EXPECT_EQ(Find("a").kind, Kind::kNone);  // an inner node has no entry of its own
  EXPECT_EQ(Find("a/b/c").kind, Kind::kNone);
  EXPECT_EQ(Find("x").kind, Kind::kNone);
  ASSERT_OK(store_.InsertNamed(Segments("a"), c(1), false));
  EXPECT_EQ(ActorAt("a"), &c(1));
  EXPECT_EQ(store_.named_count(), 2u);
  EXPECT_EQ(Named(), (std::set<std::string>{"a=c", "a/b=c"}));

  ASSERT_OK(store_.Remove(Path("a/b")));
  EXPECT_EQ(Find("a/b").kind, Kind::kNone);
  EXPECT_EQ(ActorAt("a"), &c(1));
  EXPECT_EQ(Named(), (std::set<std::string>{"a=c"}));
  EXPECT_THAT(store_.Remove(Path("a/b")), StatusIs(absl::StatusCode::kNotFound, "nothing is registered at"));
  EXPECT_THAT(store_.Remove(Path("zz")), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(store_.Remove(Path("a/*")), StatusIs(absl::StatusCode::kInvalidArgument, "routing marker"));
  EXPECT_EQ(store_.named_count(), 1u);
}

TEST_F(ActorStoreTest, RemovingPrunesInnerNodesLeftEmpty) {
  ASSERT_OK(store_.InsertNamed(Segments("a/b/c"), c(0), false));
  ASSERT_OK(store_.InsertNamed(Segments("a/x"), c(1), false));
  ASSERT_OK(store_.Remove(Path("a/b/c")));
  // "a/b" is gone, so nothing can be routed below it; "a" still has a child.
  EXPECT_EQ(Find("a/b/*").kind, Kind::kNone);
  EXPECT_NE(Find("a/*").kind, Kind::kNone);
  ASSERT_OK(store_.Remove(Path("a/x")));
  EXPECT_EQ(Find("a/*").kind, Kind::kNone);
  EXPECT_TRUE(Named().empty());
  EXPECT_EQ(store_.named_count(), 0u);
}

TEST_F(ActorStoreTest, DuplicateAliasIsAlreadyExistsUnlessUpdating) {
  ASSERT_OK(store_.InsertNamed(Segments("svc"), c(0), false));
  EXPECT_THAT(store_.InsertNamed(Segments("svc"), c(1), false),
              StatusIs(absl::StatusCode::kAlreadyExists, "path \"svc\" is already registered to component"));
  EXPECT_THAT(store_.InsertNamed(Segments("svc"), c(0), false), StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(ActorAt("svc"), &c(0));
  ASSERT_OK(store_.InsertNamed(Segments("svc"), c(1), true));
  EXPECT_EQ(ActorAt("svc"), &c(1));
  EXPECT_EQ(store_.named_count(), 1u);
  // A policy occupies a path too.
  ASSERT_OK(store_.InsertPolicy(Segments("grp"), std::make_shared<RoundRobinRouting>(), false));
  EXPECT_THAT(store_.InsertNamed(Segments("grp"), c(2), false),
              StatusIs(absl::StatusCode::kAlreadyExists, "a round-robin routing policy"));
  EXPECT_THAT(store_.InsertPolicy(Segments("svc"), std::make_shared<BroadcastRouting>(), false),
              StatusIs(absl::StatusCode::kAlreadyExists));
  ASSERT_OK(store_.InsertPolicy(Segments("svc"), std::make_shared<BroadcastRouting>(), true));
  EXPECT_EQ(Find("svc").kind, Kind::kGroup);
  EXPECT_THAT(store_.InsertNamed(Segments("a/*"), c(0), false),
              StatusIs(absl::StatusCode::kInvalidArgument, "routing marker"));
  EXPECT_THAT(store_.InsertNamed(std::vector<std::string>{}, c(0), false),
              StatusIs(absl::StatusCode::kInvalidArgument, "empty path"));
}

TEST_F(ActorStoreTest, PathsThatCannotBeRegisteredAreRefusedInTheInsertRulesWords) {
  const std::string kMarker = "markers may be sent to but never registered";
  // Not even a lookup path ("*" before the end), from segments: still the insert rules' words.
  EXPECT_THAT(
      store_.InsertNamed(Segments("*/a"), c(0), false),
      StatusIs(absl::StatusCode::kInvalidArgument, "segment 0 (\"*\") is a routing marker; " + kMarker));
  EXPECT_THAT(store_.InsertNamed(Segments("a/b#c"), c(0), false),
              StatusIs(absl::StatusCode::kInvalidArgument, "segment 1 (\"b#c\") contains '#'"));
  EXPECT_THAT(
      store_.InsertPolicy(Segments("a/?"), std::make_shared<BroadcastRouting>(), false),
      StatusIs(absl::StatusCode::kInvalidArgument, "segment 1 (\"?\") is a routing marker; " + kMarker));
  // Valid lookup paths that cannot be registered.
  EXPECT_THAT(
      store_.InsertNamed(Path("a/?"), c(0), false),
      StatusIs(absl::StatusCode::kInvalidArgument, "segment 1 (\"?\") is a routing marker; " + kMarker));
  EXPECT_THAT(store_.InsertNamed(ActorPath::DeadLetterPath(SystemPath()), c(0), false),
              StatusIs(absl::StatusCode::kInvalidArgument, "an empty path cannot be registered"));
  EXPECT_THAT(store_.InsertNamed(SystemPath().Unique(c(0).id()), c(0), false),
              StatusIs(absl::StatusCode::kInvalidArgument, "only named paths have aliases"));
  EXPECT_EQ(store_.named_count(), 0u);
}

TEST_F(ActorStoreTest, UniqueEntries) {
  ASSERT_OK(store_.InsertUnique(c(0)));
  ASSERT_OK(store_.InsertUnique(c(0)));  // again: fine
  ASSERT_OK(store_.InsertUnique(c(1)));
  EXPECT_EQ(store_.unique_count(), 2u);
  ActorStore::ReadGuard guard;
  EXPECT_EQ(store_.Lookup(SystemPath().Unique(c(0).id()), guard).actor, &c(0));
  EXPECT_EQ(store_.Lookup(SystemPath().Unique(Uuid::Random()), guard).kind, Kind::kNone);
  std::set<Uuid> ids;
  store_.ForEachUnique(guard, [&](const Uuid& id, ComponentCore* core) {
    ids.insert(id);
    EXPECT_EQ(core->id(), id);
  });
  EXPECT_EQ(ids, (std::set<Uuid>{c(0).id(), c(1).id()}));
  ASSERT_OK(store_.Remove(SystemPath().Unique(c(0).id())));
  EXPECT_EQ(store_.Lookup(SystemPath().Unique(c(0).id()), guard).kind, Kind::kNone);
  EXPECT_THAT(store_.Remove(SystemPath().Unique(c(0).id())), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ActorStoreTest, IteratesEveryEntryAfterManyRandomChanges) {
  std::mt19937 rng(7);
  std::map<std::string, int> reference;
  for (int round = 0; round < 3000; ++round) {
    const std::string path = absl::StrCat("g", rng() % 4, "/s", rng() % 5, "/e", rng() % 20);
    const int who = static_cast<int>(rng() % 8);
    if (rng() % 3 == 0) {
      const bool present = reference.erase(path) == 1;
      EXPECT_EQ(store_.Remove(Path(path)).ok(), present) << path;
    } else {
      ASSERT_OK(store_.InsertNamed(Segments(path), c(who), true));
      reference[path] = who;
    }
  }
  std::map<std::string, ComponentCore*> seen;
  ActorStore::ReadGuard guard;
  store_.ForEachNamed(guard, [&](std::span<const std::string_view> path, ComponentCore* core,
                                 const RoutingPolicy*) { seen[Join(path)] = core; });
  ASSERT_EQ(seen.size(), reference.size());
  for (const auto& [path, who] : reference) {
    EXPECT_EQ(seen[path], &c(who)) << path;
    EXPECT_EQ(store_.Lookup(Path(path), guard).actor, &c(who)) << path;
  }
  EXPECT_EQ(store_.named_count(), reference.size());
}

TEST_F(ActorStoreTest, AGroupIsEveryComponentBelowTheNode) {
  ASSERT_OK(store_.InsertNamed(Segments("grp/x"), c(0), false));
  ASSERT_OK(store_.InsertNamed(Segments("grp/y"), c(1), false));
  ASSERT_OK(store_.InsertNamed(Segments("grp/y/z"), c(2), false));
  ASSERT_OK(store_.InsertNamed(Segments("other/w"), c(3), false));
  ASSERT_OK(store_.InsertPolicy(Segments("grp"), std::make_shared<RoundRobinRouting>(), false));
  for (std::string_view p : {"grp", "grp/?"}) {
    LookupResult r = Find(p);
    ASSERT_EQ(r.kind, Kind::kGroup) << p;
    EXPECT_EQ(r.policy->name(), "round-robin");
    std::set<ComponentCore*> members(r.members.begin(), r.members.end());
    EXPECT_EQ(members, (std::set<ComponentCore*>{&c(0), &c(1), &c(2)})) << p;
  }
  LookupResult wrong = Find("grp/*");
  EXPECT_EQ(wrong.kind, Kind::kError);
  EXPECT_NE(wrong.error.find("does not broadcast"), std::string_view::npos);
  LookupResult on_actor = Find("grp/x/?");
  EXPECT_EQ(on_actor.kind, Kind::kError);
  EXPECT_NE(on_actor.error.find("only groups can be routed to"), std::string_view::npos);
}

TEST_F(ActorStoreTest, MarkersOnNodesWithoutAPolicyFollowTheImplicitRoutesFlag) {
  ASSERT_OK(store_.InsertNamed(Segments("clients/a"), c(0), false));
  ASSERT_OK(store_.InsertNamed(Segments("clients/b"), c(1), false));
  for (std::string_view p : {"clients/*", "clients/?", "*"}) {
    LookupResult r = Find(p);
    if constexpr (kImplicitRoutes) {
      ASSERT_EQ(r.kind, Kind::kGroup) << p;
      EXPECT_EQ(r.members.size(), 2u);
      EXPECT_EQ(r.policy->name(), p.back() == '*' ? "broadcast" : "sender-hash");
    } else {
      ASSERT_EQ(r.kind, Kind::kError) << p;
      EXPECT_NE(r.error.find("implicit routes are disabled"), std::string_view::npos);
    }
  }
  // An explicit policy works either way.
  ASSERT_OK(store_.InsertPolicy(Segments("clients"), std::make_shared<BroadcastRouting>(), false));
  EXPECT_EQ(Find("clients/*").kind, Kind::kGroup);
}

TEST_F(ActorStoreTest, RemoteOriginRoutesMarkersOnlyOnExplicitPolicies) {
  ASSERT_OK(store_.InsertNamed(Segments("clients/a"), c(0), false));
  ASSERT_OK(store_.InsertNamed(Segments("clients/b"), c(1), false));
  ActorStore::ReadGuard guard;
  for (std::string_view p : {"clients/*", "clients/?", "*"}) {
    const LookupResult remote = store_.Lookup(Path(p), guard, RouteOrigin::kRemote);
    ASSERT_EQ(remote.kind, Kind::kError) << p;
    EXPECT_NE(remote.error.find("kompact.net.remote-implicit-routes is off"), std::string_view::npos);
    const LookupResult opted_in = store_.Lookup(Path(p), guard, RouteOrigin::kRemoteImplicit);
    ASSERT_EQ(opted_in.kind, Kind::kGroup) << p;
    EXPECT_EQ(opted_in.members.size(), 2u);
  }
  // Paths without markers are unaffected by the origin.
  EXPECT_EQ(store_.Lookup(Path("clients/a"), guard, RouteOrigin::kRemote).kind, Kind::kActor);
  ASSERT_OK(store_.InsertPolicy(Segments("clients"), std::make_shared<BroadcastRouting>(), false));
  EXPECT_EQ(store_.Lookup(Path("clients/*"), guard, RouteOrigin::kRemote).kind, Kind::kGroup);
  EXPECT_EQ(store_.Lookup(Path("clients/?"), guard, RouteOrigin::kRemote).kind, Kind::kError)
      << "a broadcast policy does not select, whatever the origin";
}

TEST_F(ActorStoreTest, TheMemberListIsKeptUntilTheGroupChanges) {
  ASSERT_OK(store_.InsertPolicy(Segments("g"), std::make_shared<RoundRobinRouting>(), false));
  ASSERT_OK(store_.InsertNamed(Segments("g/a"), c(0), false));
  const ComponentCore* const* first = Find("g/?").members.data();
  EXPECT_EQ(Find("g/?").members.data(), first);  // computed once per version
  ASSERT_OK(store_.InsertNamed(Segments("unrelated"), c(1), false));
  EXPECT_EQ(Find("g/?").members.data(), first);  // another branch changed: same node
  ASSERT_OK(store_.InsertNamed(Segments("g/b"), c(1), false));
  EXPECT_EQ(Find("g/?").members.size(), 2u);
}

TEST_F(ActorStoreTest, ReapsEntriesOfDestroyedComponents) {
  ASSERT_OK(store_.InsertUnique(c(0)));
  ASSERT_OK(store_.InsertUnique(c(1)));
  ASSERT_OK(store_.InsertNamed(Segments("live"), c(0), false));
  ASSERT_OK(store_.InsertNamed(Segments("dead/one"), c(1), false));
  ASSERT_OK(store_.InsertNamed(Segments("dead/two"), c(1), false));
  EXPECT_EQ(store_.Reap(), 0u);
  Future<void> killed = sim_->system().KillNotify(components_[1]);
  sim_->RunUntilIdle();
  ASSERT_OK(killed.Wait());
  EXPECT_EQ(store_.Reap(), 3u);  // its unique entry and both aliases
  EXPECT_EQ(Named(), (std::set<std::string>{"live=c"}));
  EXPECT_EQ(store_.unique_count(), 1u);
  EXPECT_EQ(store_.Reap(), 0u);
}

TEST_F(ActorStoreTest, ReplacedNodesAreReclaimedWhenNoReaderIsInside) {
  for (int i = 0; i < 50; ++i) ASSERT_OK(store_.InsertNamed(Segments(absl::StrCat("n", i)), c(0), false));
  // Each committed write reclaims what no reader can reach: nothing piles up.
  EXPECT_EQ(store_.retired_pending(), 0u);
  {
    ActorStore::ReadGuard reader;  // a reader inside keeps everything retired from now on
    ASSERT_OK(store_.InsertNamed(Segments("n1"), c(1), true));
    ASSERT_OK(store_.InsertNamed(Segments("n2"), c(1), true));
    EXPECT_GT(store_.retired_pending(), 0u);
  }
  ASSERT_OK(store_.InsertNamed(Segments("n3"), c(1), true));
  EXPECT_EQ(store_.retired_pending(), 0u);
}

TEST_F(ActorStoreTest, AClosedStoreIsEmptyAndRefusesInserts) {
  ASSERT_OK(store_.InsertNamed(Segments("a"), c(0), false));
  ASSERT_OK(store_.InsertUnique(c(0)));
  store_.Close();
  EXPECT_EQ(Find("a").kind, Kind::kNone);
  EXPECT_EQ(store_.unique_count(), 0u);
  EXPECT_THAT(store_.InsertNamed(Segments("b"), c(0), false),
              StatusIs(absl::StatusCode::kFailedPrecondition, "closed"));
  EXPECT_THAT(store_.InsertUnique(c(0)), StatusIs(absl::StatusCode::kFailedPrecondition, "closed"));
}

}  // namespace
}  // namespace kompact
