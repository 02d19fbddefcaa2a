// TermElector over real loopback systems: one leader per term, re-election after
// the leader's system dies, and durable state across a restart.
#include "examples/net/term_election.h"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "kompact.h"
#include "net/network_dispatcher.h"
#include "testing/deterministic_system.h"
#include "testing/wait_until.h"

namespace examples {
namespace {

using kompact::ActorPath;
using kompact::testing::WaitUntil;

constexpr absl::Duration kTimeout = absl::Seconds(10);

// Every BecameLeader, by term; thread-safe.
class Recorder final : public ElectionObserver {
 public:
  void BecameLeader(int process, uint64_t term) override {
    std::lock_guard<std::mutex> lock(mu_);
    leaders_[term].insert(process);
  }
  std::map<uint64_t, std::set<int>> leaders() const {
    std::lock_guard<std::mutex> lock(mu_);
    return leaders_;
  }
  // The leader of the highest term above `above`, if any.
  std::optional<std::pair<uint64_t, int>> Latest(uint64_t above = 0) const {
    std::lock_guard<std::mutex> lock(mu_);
    if (leaders_.empty() || leaders_.rbegin()->first <= above) return std::nullopt;
    return std::make_pair(leaders_.rbegin()->first, *leaders_.rbegin()->second.begin());
  }

 private:
  mutable std::mutex mu_;
  std::map<uint64_t, std::set<int>> leaders_;
};

kompact::KompactSystem NetworkedSystem(int index) {
  kompact::net::NetworkConfig net;
  net.bind_address = "127.0.0.1";
  net.port = 0;
  net.retry_interval = absl::Milliseconds(100);
  net.max_retry_attempts = 3;
  net.shutdown_timeout = absl::Seconds(1);
  return kompact::KompactConfig()
      .Label(absl::StrCat("system-", index))
      .Threads(1)
      .SetDispatcher(kompact::net::NetworkDispatcher::Factory(net))
      .Build()
      .value();
}

// At most one leader reported for every term.
void ExpectOneLeaderPerTerm(const Recorder& recorder) {
  for (const auto& [term, leaders] : recorder.leaders()) {
    EXPECT_EQ(leaders.size(), 1u) << "term " << term;
  }
}

class Cluster {
 public:
  explicit Cluster(int n, std::shared_ptr<Recorder> recorder) : recorder_(std::move(recorder)) {
    auto members = std::make_shared<std::vector<ActorPath>>();
    for (int i = 0; i < n; ++i) {
      systems_.push_back(NetworkedSystem(i));
      stores_.push_back(std::make_shared<MemoryTermStore>());
      ElectionOptions options;
      options.seed = 7;
      electors_.push_back(
          systems_.back().Create<TermElector>(i, members, stores_.back(), recorder_, options));
      members->push_back(systems_.back().Register(electors_.back()).WaitFor(kTimeout).value());
      alive_.push_back(true);
    }
    for (int i = 0; i < n; ++i) systems_[Idx(i)].Start(electors_[Idx(i)]);
  }
  ~Cluster() {
    for (int i = 0; i < size(); ++i) {
      if (alive_[Idx(i)]) {
        EXPECT_TRUE(systems_[Idx(i)].Shutdown().ok());
      }
    }
  }
  int size() const { return static_cast<int>(systems_.size()); }
  void Kill(int i) {
    EXPECT_TRUE(systems_[Idx(i)].Shutdown().ok());
    alive_[Idx(i)] = false;
  }
  const TermElector& elector(int i) const { return electors_[Idx(i)].definition(); }
  MemoryTermStore& store(int i) const { return *stores_[Idx(i)]; }
  // Every live elector follows (or is) `leader` in `term`.
  bool AllFollow(int leader, uint64_t term) const {
    for (int i = 0; i < size(); ++i) {
      if (!alive_[Idx(i)]) continue;
      if (elector(i).term() != term || elector(i).leader() != leader) return false;
    }
    return true;
  }

 private:
  static size_t Idx(int i) { return static_cast<size_t>(i); }
  std::shared_ptr<Recorder> recorder_;
  std::vector<kompact::KompactSystem> systems_;
  std::vector<std::shared_ptr<MemoryTermStore>> stores_;
  std::vector<kompact::Component<TermElector>> electors_;
  std::vector<bool> alive_;
};

TEST(ElectionMessageTest, RoundTrips) {
  const ElectionMessage m{
      .kind = ElectionMessage::Kind::kVote, .term = 12345678901ULL, .from = 3, .granted = true};
  kompact::VectorBufMut out;
  ASSERT_TRUE(m.Serialise(out).ok());
  ASSERT_TRUE(out.status().ok());
  const std::vector<uint8_t> bytes = out.Release();
  EXPECT_EQ(bytes.size(), m.SizeHint());
  kompact::Buf in(bytes);
  absl::StatusOr<ElectionMessage> back = ElectionMessage::Deserialise(in);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, m);
}

TEST(ElectionMessageTest, RejectsUnknownKind) {
  const std::vector<uint8_t> bytes = {9, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0};
  kompact::Buf in(bytes);
  EXPECT_FALSE(ElectionMessage::Deserialise(in).ok());
}

TEST(TermElectorTest, ThreeSystemsElectOneLeaderPerTerm) {
  auto recorder = std::make_shared<Recorder>();
  Cluster cluster(3, recorder);
  std::optional<std::pair<uint64_t, int>> leader;
  ASSERT_TRUE(WaitUntil(
      [&] {
        leader = recorder->Latest();
        return leader && cluster.AllFollow(leader->second, leader->first);
      },
      kTimeout));
  EXPECT_EQ(cluster.elector(leader->second).role(), TermElector::Role::kLeader);
  for (int i = 0; i < 3; ++i) {
    if (i != leader->second) {
      EXPECT_EQ(cluster.elector(i).role(), TermElector::Role::kFollower);
    }
  }
  // The leader's heartbeats keep it in office: no new term for a while.
  absl::SleepFor(absl::Milliseconds(600));
  EXPECT_TRUE(cluster.AllFollow(leader->second, leader->first));
  // Term and vote were saved: the leader voted for itself in its term.
  const TermStore::State state = cluster.store(leader->second).Load();
  EXPECT_EQ(state.term, leader->first);
  EXPECT_EQ(state.voted_for, leader->second);
  ExpectOneLeaderPerTerm(*recorder);
}

TEST(TermElectorTest, KillingTheLeaderElectsAnotherInAHigherTerm) {
  auto recorder = std::make_shared<Recorder>();
  Cluster cluster(3, recorder);
  std::optional<std::pair<uint64_t, int>> first;
  ASSERT_TRUE(WaitUntil(
      [&] {
        first = recorder->Latest();
        return first && cluster.AllFollow(first->second, first->first);
      },
      kTimeout));
  cluster.Kill(first->second);
  std::optional<std::pair<uint64_t, int>> second;
  ASSERT_TRUE(WaitUntil(
      [&] {
        second = recorder->Latest(first->first);
        return second && cluster.AllFollow(second->second, second->first);
      },
      kTimeout));
  EXPECT_GT(second->first, first->first);
  EXPECT_NE(second->second, first->second);
  ExpectOneLeaderPerTerm(*recorder);
}

// A group of one: it elects itself on its first timeout, in the term after the
// stored one.
uint64_t RunSingleMember(std::shared_ptr<TermStore> store, bool persist_vote) {
  auto recorder = std::make_shared<Recorder>();
  kompact::KompactSystem system = NetworkedSystem(0);
  auto members = std::make_shared<std::vector<ActorPath>>();
  ElectionOptions options;
  options.persist_vote = persist_vote;
  auto elector = system.Create<TermElector>(0, members, store, recorder, options);
  members->push_back(system.Register(elector).WaitFor(kTimeout).value());
  system.Start(elector);
  EXPECT_TRUE(WaitUntil([&] { return recorder->Latest().has_value(); }, kTimeout));
  EXPECT_TRUE(system.Shutdown().ok());
  return recorder->Latest().value_or(std::make_pair(uint64_t{0}, -1)).first;
}

TEST(TermElectorTest, TermStoreSurvivesARestart) {
  auto store = std::make_shared<MemoryTermStore>(TermStore::State{.term = 7, .voted_for = 2});
  EXPECT_EQ(RunSingleMember(store, /*persist_vote=*/true), 8u);
  EXPECT_EQ(store->Load(), (TermStore::State{.term = 8, .voted_for = 0}));
  // The "restarted" process: a new component on a new system, handed the same store.
  EXPECT_EQ(RunSingleMember(store, /*persist_vote=*/true), 9u);
  EXPECT_EQ(store->Load().term, 9u);
}

TEST(TermElectorTest, PlantedBugForgetsTheTermOnRestart) {
  auto store = std::make_shared<MemoryTermStore>(TermStore::State{.term = 7, .voted_for = 2});
  // persist_vote = false: the store is ignored, the restarted member starts at 0.
  EXPECT_EQ(RunSingleMember(store, /*persist_vote=*/false), 1u);
  EXPECT_EQ(store->saves(), 0u);
}

// ---- on a deterministic system (a ManualExecutor and a ManualTimer, no sockets) ----
// The same component on a system whose time moves only when the test says so, as a
// simulator runs it.

// Every BecameLeader in order, as "term:process"; thread-safe.
class Log final : public ElectionObserver {
 public:
  void BecameLeader(int process, uint64_t term) override {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(absl::StrCat(term, ":", process));
  }
  std::vector<std::string> events() const {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> events_;
};

struct ManualGroup {
  ManualGroup(int n, uint64_t seed, bool persist_vote = true) : seed(seed), persist_vote(persist_vote) {
    sim = kompact::testing::DeterministicSystem::Create().value();
    auto paths = std::make_shared<std::vector<ActorPath>>();
    members = paths;
    for (int i = 0; i < n; ++i) {
      stores.push_back(std::make_shared<MemoryTermStore>());
      electors.push_back(Make(i));
      paths->push_back(
          sim->system().RegisterByAlias(electors.back(), absl::StrCat("elector-", i)).Wait().value());
    }
    for (auto& e : electors) sim->system().Start(e);
    sim->RunUntilIdle();
  }
  kompact::Component<TermElector> Make(int i) {
    ElectionOptions options;
    options.seed = seed;
    options.persist_vote = persist_vote;
    return sim->system().Create<TermElector>(i, members, stores[static_cast<size_t>(i)], log, options);
  }
  // `d` of simulated time in 1 ms steps.
  void Run(absl::Duration d) {
    for (absl::Duration t; t < d; t += absl::Milliseconds(1))
      ASSERT_TRUE(sim->AdvanceAndRun(absl::Milliseconds(1)).ok());
  }
  ~ManualGroup() { EXPECT_TRUE(sim->Shutdown().ok()); }

  // Member i crashes (its component dies, messages to it are lost).
  void Crash(int i) {
    sim->system().Kill(electors[static_cast<size_t>(i)]);
    sim->RunUntilIdle();
  }
  // Member i comes back: a new component with the same store at the same path.
  void Restart(int i) {
    electors[static_cast<size_t>(i)] = Make(i);
    ASSERT_TRUE(sim->system()
                    .UpdateAliasRegistration(electors[static_cast<size_t>(i)], absl::StrCat("elector-", i))
                    .Wait()
                    .ok());
    sim->system().Start(electors[static_cast<size_t>(i)]);
    sim->RunUntilIdle();
  }

  const uint64_t seed;
  const bool persist_vote;
  std::unique_ptr<kompact::testing::DeterministicSystem> sim;
  std::shared_ptr<const std::vector<ActorPath>> members;
  std::vector<std::shared_ptr<MemoryTermStore>> stores;
  std::vector<kompact::Component<TermElector>> electors;
  std::shared_ptr<Log> log = std::make_shared<Log>();
};

TEST(TermElectorManualTest, SameSeedSameElections) {
  std::vector<std::string> first;
  for (int run = 0; run < 2; ++run) {
    ManualGroup group(5, /*seed=*/99);
    group.Run(absl::Seconds(1));
    // Kill the leader: the others elect a new one.
    ASSERT_FALSE(group.log->events().empty());
    const std::string last = group.log->events().back();
    const int leader = std::stoi(last.substr(last.find(':') + 1));
    group.sim->system().Kill(group.electors[static_cast<size_t>(leader)]);
    group.Run(absl::Seconds(1));
    std::vector<std::string> events = group.log->events();
    ASSERT_GE(events.size(), 2u);
    // One leader per term: the terms of successive BecameLeader reports only grow.
    for (size_t i = 1; i < events.size(); ++i) {
      EXPECT_LT(std::stoull(events[i - 1]), std::stoull(events[i])) << events[i - 1] << " " << events[i];
    }
    if (run == 0) {
      first = events;
    } else {
      EXPECT_EQ(events, first);
    }
  }
}

TEST(TermElectorManualTest, RestartedMemberContinuesFromItsStore) {
  ManualGroup group(3, /*seed=*/5);
  group.Run(absl::Seconds(1));
  ASSERT_FALSE(group.log->events().empty());
  const uint64_t term = group.electors[0].definition().term();
  ASSERT_GT(term, 0u);
  // Member 0 crashes; a new component is handed its store (its path is re-registered).
  group.Crash(0);
  group.Restart(0);
  EXPECT_GE(group.electors[0].definition().term(), term);
  group.Run(absl::Seconds(1));
  for (int i = 0; i < 3; ++i) {
    const TermElector& e = group.electors[static_cast<size_t>(i)].definition();
    EXPECT_EQ(e.leader(), group.electors[0].definition().leader()) << i;
    EXPECT_EQ(e.term(), group.electors[0].definition().term()) << i;
  }
}

// Terms that more than one member reported leading.
std::set<uint64_t> TermsWithTwoLeaders(const std::vector<std::string>& events) {
  std::map<uint64_t, std::set<std::string>> by_term;
  for (const std::string& e : events) by_term[std::stoull(e)].insert(e);
  std::set<uint64_t> bad;
  for (const auto& [term, leaders] : by_term) {
    if (leaders.size() > 1) bad.insert(term);
  }
  return bad;
}

// Member 2 is down while 0 and 1 elect a leader of term 1; then 0 and 1 crash,
// and the voter of term 1 and member 2 come back. With its vote on "disk", the
// voter refuses a second vote in term 1; with the planted bug it has forgotten it,
// and member 2 (or the voter itself) wins term 1 a second time.
std::vector<std::string> CrashAndRestartScenario(bool persist_vote) {
  ManualGroup group(3, /*seed=*/11, persist_vote);
  group.Crash(2);
  group.Run(absl::Seconds(1));
  std::vector<std::string> events = group.log->events();
  EXPECT_EQ(events.size(), 1u);
  if (events.empty()) return events;
  EXPECT_EQ(std::stoull(events[0]), 1u);
  const int leader = std::stoi(events[0].substr(events[0].find(':') + 1));
  const int voter = 1 - leader;
  group.Crash(leader);
  group.Crash(voter);
  group.Restart(voter);
  group.Restart(2);
  group.Run(absl::Seconds(2));
  return group.log->events();
}

TEST(TermElectorManualTest, DurableVotesKeepOneLeaderPerTermAcrossRestarts) {
  const std::vector<std::string> events = CrashAndRestartScenario(/*persist_vote=*/true);
  EXPECT_GE(events.size(), 2u);  // the two restarted members elect a leader
  EXPECT_TRUE(TermsWithTwoLeaders(events).empty()) << ::testing::PrintToString(events);
}

TEST(TermElectorManualTest, PlantedBugElectsTwoLeadersInOneTerm) {
  const std::vector<std::string> events = CrashAndRestartScenario(/*persist_vote=*/false);
  EXPECT_EQ(TermsWithTwoLeaders(events), std::set<uint64_t>{1}) << ::testing::PrintToString(events);
}

}  // namespace
}  // namespace examples
