// TermElector: see term_election.h.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "examples/net/term_election.h"
#include "glog/logging.h"

namespace examples {

using kompact::Handled;
using kompact::HandlerResult;
using kompact::TimerId;
using Kind = ElectionMessage::Kind;

// ---- ElectionMessage ----------------------------------------------------------------------

absl::Status ElectionMessage::Serialise(kompact::BufMut& buf) const {
  buf.PutU8(static_cast<uint8_t>(kind));
  buf.PutU64(term);
  buf.PutI32(from);
  buf.PutBool(granted);
  return absl::OkStatus();
}

absl::StatusOr<ElectionMessage> ElectionMessage::Deserialise(kompact::Buf& buf) {
  ElectionMessage m;
  const uint8_t kind = buf.GetU8();
  m.term = buf.GetU64();
  m.from = buf.GetI32();
  m.granted = buf.GetBool();
  if (!buf.ok()) return buf.status();
  if (kind > static_cast<uint8_t>(Kind::kHeartbeatReply)) {
    return absl::DataLossError(absl::StrCat("ElectionMessage: unknown kind ", kind));
  }
  m.kind = static_cast<Kind>(kind);
  return m;
}

const char* ToString(ElectionRole role) {
  switch (role) {
    case ElectionRole::kFollower:
      return "follower";
    case ElectionRole::kCandidate:
      return "candidate";
    case ElectionRole::kLeader:
      return "leader";
  }
  return "?";
}

// ---- TermElector ----------------------------------------------------------------------------

namespace {
// SplitMix64's finaliser: spreads (seed, index) over the generator's seed space.
uint64_t MixSeed(uint64_t seed, int self) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (static_cast<uint64_t>(self) + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
}  // namespace

TermElector::TermElector(int self, std::shared_ptr<const std::vector<kompact::ActorPath>> members,
                         std::shared_ptr<TermStore> store, std::shared_ptr<ElectionObserver> observer,
                         ElectionOptions options)
    : self_(self),
      members_(std::move(members)),
      store_(std::move(store)),
      observer_(std::move(observer)),
      options_(options),
      rng_(MixSeed(options.seed, self)) {
  CHECK(members_ != nullptr);
  CHECK(store_ != nullptr);
  CHECK(observer_ != nullptr);
  CHECK_GE(self_, 0);
  CHECK_LE(options_.election_timeout_min, options_.election_timeout_max);
}

HandlerResult TermElector::OnStart() {
  // `members` may be filled after construction (with the registered paths), not after start.
  CHECK_LT(static_cast<size_t>(self_), members_->size());
  if (options_.persist_vote) {
    const TermStore::State state = store_->Load();
    // Never go back (a Stop/Start of the same component keeps its memory).
    if (state.term >= term_) {
      term_ = state.term;
      voted_for_ = state.voted_for;
    }
  }
  role_ = Role::kFollower;
  leader_.reset();
  votes_.clear();
  Publish();
  return ResetElectionTimer();
}

HandlerResult TermElector::OnStop() {
  CancelTimers();
  return Handled::kOk;
}

HandlerResult TermElector::Receive(std::optional<kompact::ActorPath>, ElectionMessage msg) {
  if (msg.from < 0 || static_cast<size_t>(msg.from) >= group_size() || msg.from == self_) {
    KLOG(log(), WARNING) << "ignoring an election message from unknown member " << msg.from;
    return Handled::kOk;
  }
  if (msg.term > term_) AdoptTerm(msg.term);
  HandlerResult result = Handled::kOk;
  switch (msg.kind) {
    case Kind::kRequestVote: {
      const bool grant = msg.term == term_ && (!voted_for_ || *voted_for_ == msg.from);
      if (grant && !voted_for_) {
        voted_for_ = msg.from;
        Persist();  // before the vote leaves
      }
      Send(msg.from, Kind::kVote, grant);
      // Granting a vote restarts the timer (Raft), so the candidate has time to win.
      if (grant) result = ResetElectionTimer();
      break;
    }
    case Kind::kVote:
      if (role_ == Role::kCandidate && msg.term == term_ && msg.granted) {
        votes_.insert(msg.from);
        if (HasMajority()) result = BecomeLeader();
      }
      break;
    case Kind::kHeartbeat:
      if (msg.term == term_) {
        if (role_ == Role::kLeader) {
          // Two leaders in one term: only possible with the planted bug.
          KLOG(log(), ERROR) << "member " << msg.from << " also leads term " << term_;
          ++heartbeat_generation_;
          if (heartbeat_timer_) CancelTimer(*heartbeat_timer_);
          heartbeat_timer_.reset();
        }
        role_ = Role::kFollower;
        votes_.clear();
        const bool new_leader = leader_ != msg.from;
        leader_ = msg.from;
        Publish();
        if (new_leader) observer_->Follows(self_, msg.from, term_);
        result = ResetElectionTimer();
      }
      // A stale leader learns the newer term from the reply.
      Send(msg.from, Kind::kHeartbeatReply, msg.term == term_);
      break;
    case Kind::kHeartbeatReply:
      break;  // only its term matters (handled above)
  }
  // A leader that stepped down (a higher term) needs an election timer again.
  if (role_ != Role::kLeader && !election_timer_ && result.ok()) result = ResetElectionTimer();
  return result;
}

void TermElector::Persist() {
  if (options_.persist_vote) store_->Save(TermStore::State{.term = term_, .voted_for = voted_for_});
}

void TermElector::Publish() {
  term_view_.store(term_, std::memory_order_release);
  role_view_.store(role_, std::memory_order_release);
  leader_view_.store(leader_.value_or(-1), std::memory_order_release);
}

void TermElector::AdoptTerm(uint64_t term) {
  term_ = term;
  voted_for_.reset();
  Persist();
  if (role_ == Role::kLeader) {
    ++heartbeat_generation_;
    if (heartbeat_timer_) CancelTimer(*heartbeat_timer_);
    heartbeat_timer_.reset();
  }
  role_ = Role::kFollower;
  leader_.reset();
  votes_.clear();
  Publish();
}

void TermElector::Send(int to, Kind kind, bool granted) {
  (*members_)[static_cast<size_t>(to)].Tell(
      ElectionMessage{.kind = kind, .term = term_, .from = self_, .granted = granted}, *this);
}

void TermElector::Broadcast(Kind kind) {
  for (int p = 0; p < static_cast<int>(group_size()); ++p) {
    if (p != self_) Send(p, kind);
  }
}

HandlerResult TermElector::StartElection() {
  ++term_;
  voted_for_ = self_;
  role_ = Role::kCandidate;
  leader_.reset();
  votes_ = {self_};
  Persist();  // before any RequestVote leaves
  Publish();
  KLOG(log(), INFO) << "member " << self_ << " stands for term " << term_;
  if (HasMajority()) return BecomeLeader();  // a group of one
  Broadcast(Kind::kRequestVote);
  return ResetElectionTimer();
}

HandlerResult TermElector::BecomeLeader() {
  role_ = Role::kLeader;
  leader_ = self_;
  votes_.clear();
  ++election_generation_;
  if (election_timer_) CancelTimer(*election_timer_);
  election_timer_.reset();
  Publish();
  KLOG(log(), INFO) << "member " << self_ << " leads term " << term_;
  observer_->BecameLeader(self_, term_);
  Broadcast(Kind::kHeartbeat);
  return ScheduleHeartbeat();
}

HandlerResult TermElector::ResetElectionTimer() {
  if (election_timer_) CancelTimer(*election_timer_);
  election_timer_.reset();
  const uint64_t generation = ++election_generation_;
  absl::StatusOr<TimerId> timer =
      ScheduleOnce(NextElectionTimeout(), [generation](TermElector& self, TimerId) -> HandlerResult {
        if (generation != self.election_generation_ || self.role_ == Role::kLeader) return Handled::kOk;
        self.election_timer_.reset();
        return self.StartElection();
      });
  if (!timer.ok()) return timer.status();
  election_timer_ = *timer;
  return Handled::kOk;
}

HandlerResult TermElector::ScheduleHeartbeat() {
  if (heartbeat_timer_) CancelTimer(*heartbeat_timer_);
  heartbeat_timer_.reset();
  const uint64_t generation = ++heartbeat_generation_;
  absl::StatusOr<TimerId> timer =
      ScheduleOnce(options_.heartbeat_interval, [generation](TermElector& self, TimerId) -> HandlerResult {
        if (generation != self.heartbeat_generation_ || self.role_ != Role::kLeader) return Handled::kOk;
        self.heartbeat_timer_.reset();
        self.Broadcast(Kind::kHeartbeat);
        return self.ScheduleHeartbeat();
      });
  if (!timer.ok()) return timer.status();
  heartbeat_timer_ = *timer;
  return Handled::kOk;
}

void TermElector::CancelTimers() {
  ++election_generation_;
  ++heartbeat_generation_;
  if (election_timer_) CancelTimer(*election_timer_);
  if (heartbeat_timer_) CancelTimer(*heartbeat_timer_);
  election_timer_.reset();
  heartbeat_timer_.reset();
}

absl::Duration TermElector::NextElectionTimeout() {
  // rng_() % span rather than std::uniform_int_distribution, whose results differ
  // between standard libraries: the same seed gives the same timeouts everywhere.
  const int64_t min_us = absl::ToInt64Microseconds(options_.election_timeout_min);
  const int64_t max_us = absl::ToInt64Microseconds(options_.election_timeout_max);
  const uint64_t span = static_cast<uint64_t>(max_us - min_us) + 1;
  return absl::Microseconds(min_us + static_cast<int64_t>(rng_() % span));
}

}  // namespace examples
