// Term-based (Raft-style) leader election: a reusable component, TermElector, run
// by every member of a fixed group, plus the durable state it needs (TermStore)
// and the interface it reports to (ElectionObserver).
//
// What it does. Every member is a follower, a candidate or the leader of a term
// (a number that only grows). A follower that hears nothing from a leader for an
// election timeout (randomised in [election_timeout_min, election_timeout_max])
// becomes a candidate: it moves to the next term, votes for itself, saves term and
// vote to its TermStore *before* sending anything, and asks every other member for
// its vote (RequestVote). A member grants at most one vote per term (the vote is
// saved before the reply is sent). A candidate with the votes of a majority
// (itself included) becomes the leader of its term, tells the observer
// (BecameLeader) and sends a Heartbeat (AppendEntries without entries) to every
// member each heartbeat_interval. A Heartbeat of the current term makes the
// receiver a follower of its sender and restarts its election timer. Any message
// with a higher term makes the receiver adopt that term, forget its vote (saving
// both) and become a follower. Safety: at most one leader per term, because each
// member votes once per term and two majorities intersect; liveness: randomised
// timeouts make split votes unlikely to repeat.
//
// Members are identified by their index in `members` (the path of each member's
// elector, unique or named); every message carries its sender's index, so the
// sender's path is never looked at (a simulator may deliver messages with any
// sender path). The group is fixed: `members` must be complete before any
// elector starts and never change after.
//
// Determinism: the election timeouts come from a std::mt19937_64 seeded from
// ElectionOptions::seed and the member's index (never std::random_device, never
// the clock); the component reads no clock, never sleeps, starts no threads and
// has no static mutable state. Given the same seed and the same order of
// deliveries and timer firings, it makes the same decisions — so a deterministic
// simulator can run this very component on simulated systems.
//
// PLANTED BUG: ElectionOptions::persist_vote = false keeps term and vote only in
// the component's memory (the TermStore is neither read nor written). A member
// restarted as a new component then starts from term 0 and may vote a second time
// in a term it had already voted in, so two candidates can both win a majority:
// two leaders in one term. It exists on purpose, for a simulator's seed search to
// find; never use it otherwise. A shortest run that exposes it (3 members; see
// term_election_test.cc, PlantedBugElectsTwoLeadersInOneTerm): C is down while A
// wins term 1 with B's vote; A and B crash; B and C restart and elect one of them
// in term 1 again.
//
// Thread-safety: the component's state is touched by its handlers only (its own
// thread). term(), role() and leader() read atomic copies and may be called from
// any thread (they may lag the handler by a moment). Observer methods are called
// from the handlers of every member's component, so concurrently across members:
// implementations must be thread-safe and must not block for long.
// MemoryTermStore is thread-safe.
//
// Lifetime: the component keeps shared ownership of `members`, the store and the
// observer. A TermStore outlives the component: a restarted member is a new
// component handed the same store.
#ifndef KOMPACT_EXAMPLES_NET_TERM_ELECTION_H_
#define KOMPACT_EXAMPLES_NET_TERM_ELECTION_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kompact.h"

namespace examples {

// The one message type of TermElector.
struct ElectionMessage {
  enum class Kind : uint8_t {
    kRequestVote = 0,     // a candidate asks for a vote in `term`
    kVote = 1,            // the answer to a RequestVote; `granted` says which
    kHeartbeat = 2,       // the leader of `term` is alive (AppendEntries without entries)
    kHeartbeatReply = 3,  // the answer to a Heartbeat; tells a stale leader the newer term
  };
  static constexpr kompact::SerId kSerId = kompact::MakeSerId<160>();

  Kind kind = Kind::kHeartbeat;
  uint64_t term = 0;
  int32_t from = 0;  // the sender's index in `members`
  bool granted = false;

  size_t SizeHint() const { return 1 + 8 + 4 + 1; }
  absl::Status Serialise(kompact::BufMut& buf) const;
  static absl::StatusOr<ElectionMessage> Deserialise(kompact::Buf& buf);
  friend bool operator==(const ElectionMessage&, const ElectionMessage&) = default;
};

// The durable state of one member: its current term and whom it voted for in it.
// Stands for a disk: Save must be durable when it returns (the elector saves before
// it sends anything that depends on the saved state).
class TermStore {
 public:
  struct State {
    uint64_t term = 0;
    std::optional<int> voted_for;
    friend bool operator==(const State&, const State&) = default;
  };
  virtual ~TermStore() = default;
  virtual State Load() const = 0;
  virtual void Save(const State& state) = 0;
};

// A TermStore in memory, standing for a disk: the test or simulator keeps it and
// hands it to the restarted member's new component. Thread-safe.
class MemoryTermStore final : public TermStore {
 public:
  MemoryTermStore() = default;
  explicit MemoryTermStore(State initial) : state_(initial) {}
  State Load() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return state_;
  }
  void Save(const State& state) override {
    std::lock_guard<std::mutex> lock(mu_);
    state_ = state;
    ++saves_;
  }
  // How many times Save was called.
  uint64_t saves() const {
    std::lock_guard<std::mutex> lock(mu_);
    return saves_;
  }

 private:
  mutable std::mutex mu_;
  State state_;
  uint64_t saves_ = 0;
};

// What electors report. Called from every member's handlers (see the file
// comment): implementations must be thread-safe.
class ElectionObserver {
 public:
  virtual ~ElectionObserver() = default;
  // `process` won the election of `term`.
  virtual void BecameLeader(int process, uint64_t term) = 0;
  // `process` accepted `leader` as the leader of `term` (on its first Heartbeat).
  virtual void Follows(int process, int leader, uint64_t term) {}
};

struct ElectionOptions {
  absl::Duration heartbeat_interval = absl::Milliseconds(50);
  absl::Duration election_timeout_min = absl::Milliseconds(150);
  absl::Duration election_timeout_max = absl::Milliseconds(300);
  // Seeds the election-timeout generator (mixed with the member's index, so
  // members given the same seed still draw different timeouts).
  uint64_t seed = 0;
  // false: the PLANTED BUG of the file comment (term and vote only in memory).
  bool persist_vote = true;
};

enum class ElectionRole : uint8_t { kFollower, kCandidate, kLeader };
const char* ToString(ElectionRole role);

class TermElector : public kompact::ComponentDefinition<TermElector>,
                    public kompact::NetworkActor<ElectionMessage> {
 public:
  using Role = ElectionRole;

  // `members[self]` is this elector's own path. `store` and `observer` must not be
  // null. On start the state is loaded from `store` (unless persist_vote is false).
  TermElector(int self, std::shared_ptr<const std::vector<kompact::ActorPath>> members,
              std::shared_ptr<TermStore> store, std::shared_ptr<ElectionObserver> observer,
              ElectionOptions options);

  kompact::HandlerResult OnStart() override;
  kompact::HandlerResult OnStop() override;
  kompact::HandlerResult Receive(std::optional<kompact::ActorPath> sender, ElectionMessage msg);

  // Any thread (atomic copies of the handler's state).
  uint64_t term() const { return term_view_.load(std::memory_order_acquire); }
  Role role() const { return role_view_.load(std::memory_order_acquire); }
  // The leader of the current term as far as this member knows (itself when
  // leading), or nullopt.
  std::optional<int> leader() const {
    const int l = leader_view_.load(std::memory_order_acquire);
    return l < 0 ? std::nullopt : std::optional<int>(l);
  }
  int self() const { return self_; }

 private:
  size_t group_size() const { return members_->size(); }
  bool HasMajority() const { return 2 * votes_.size() > group_size(); }
  void Persist();
  void Publish();
  void AdoptTerm(uint64_t term);
  void Send(int to, ElectionMessage::Kind kind, bool granted = false);
  void Broadcast(ElectionMessage::Kind kind);
  kompact::HandlerResult StartElection();
  kompact::HandlerResult BecomeLeader();
  kompact::HandlerResult ResetElectionTimer();
  kompact::HandlerResult ScheduleHeartbeat();
  void CancelTimers();
  absl::Duration NextElectionTimeout();

  const int self_;
  const std::shared_ptr<const std::vector<kompact::ActorPath>> members_;
  const std::shared_ptr<TermStore> store_;
  const std::shared_ptr<ElectionObserver> observer_;
  const ElectionOptions options_;
  std::mt19937_64 rng_;

  // Handler state.
  uint64_t term_ = 0;
  std::optional<int> voted_for_;
  Role role_ = Role::kFollower;
  std::optional<int> leader_;
  std::set<int> votes_;  // votes for this member in term_ (while a candidate)
  // Timers: a fired timer whose generation is not the current one is stale.
  uint64_t election_generation_ = 0;
  uint64_t heartbeat_generation_ = 0;
  std::optional<kompact::TimerId> election_timer_;
  std::optional<kompact::TimerId> heartbeat_timer_;

  // Copies for the accessors.
  std::atomic<uint64_t> term_view_{0};
  std::atomic<Role> role_view_{Role::kFollower};
  std::atomic<int> leader_view_{-1};
};

}  // namespace examples

#endif  // KOMPACT_EXAMPLES_NET_TERM_ELECTION_H_
