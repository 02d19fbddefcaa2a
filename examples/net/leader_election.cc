// Eventual leader election (the Kompact book, "Distributed Kompact"): three
// systems in one process, each with its own TCP port on 127.0.0.1, run an
// EventualLeaderElector (the failure detector "Omega"). Every elector sends a
// Heartbeat to the unique path of every other elector once per period; at the end
// of a period it trusts the highest-ranked process it heard from (or itself). If it
// hears again from a process it had suspected, its period was too short for this
// network: it grows by `delta` (an adaptive period), so suspicions eventually stop
// being wrong.
//
// The main function waits until all three trust system 2 (the highest rank), shuts
// system 2 down, and waits until the other two trust system 1. Every change of
// trust is printed.
//
//   tools/bazel run //examples/net:leader_election
#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "glog/logging.h"
#include "kompact.h"
#include "net/network_dispatcher.h"

namespace examples {

using kompact::ActorPath;
using kompact::Buf;
using kompact::BufMut;
using kompact::Handled;
using kompact::HandlerResult;
using kompact::TimerId;

// [tutorial:heartbeat]
// "I am alive": only the sender's path matters, so the payload is empty.
struct Heartbeat {
  static constexpr kompact::SerId kSerId = kompact::MakeSerId<130>();
  size_t SizeHint() const { return 0; }
  absl::Status Serialise(BufMut&) const { return absl::OkStatus(); }
  static absl::StatusOr<Heartbeat> Deserialise(Buf&) { return Heartbeat{}; }
};
// [end]

// Who trusts whom, printed as it changes and waited on by main (thread-safe).
class TrustBoard {
 public:
  void Trust(int process, int leader) {
    std::lock_guard<std::mutex> lock(mu_);
    trusts_[process] = leader;
    std::cout << "System " << process << " trusts system " << leader << std::endl;
    cv_.notify_all();
  }
  // True once every process in `processes` trusts `leader`.
  bool WaitForLeader(const std::set<int>& processes, int leader, absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] {
      return std::all_of(processes.begin(), processes.end(), [&](int p) {
        auto it = trusts_.find(p);
        return it != trusts_.end() && it->second == leader;
      });
    });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<int, int> trusts_;
};

// [tutorial:elector]
class EventualLeaderElector : public kompact::ComponentDefinition<EventualLeaderElector>,
                              public kompact::NetworkActor<Heartbeat> {
 public:
  // `members[i]` is the unique path of process i's elector; the index is the rank.
  // main fills `members` before starting any elector and never changes it after.
  EventualLeaderElector(int self, std::shared_ptr<const std::vector<ActorPath>> members,
                        std::shared_ptr<TrustBoard> board)
      : self_(self), members_(std::move(members)), board_(std::move(board)) {}

  HandlerResult OnStart() override {
    SendHeartbeats();
    return ScheduleTimeout();
  }

  HandlerResult Receive(std::optional<ActorPath> sender, Heartbeat) {
    if (!sender) return Handled::kOk;
    // The sender's unique path tells us who it is.
    auto it = std::find(members_->begin(), members_->end(), *sender);
    if (it != members_->end()) alive_.insert(static_cast<int>(it - members_->begin()));
    return Handled::kOk;
  }

 private:
  HandlerResult OnTimeout() {
    // Someone we suspected was alive after all: the period is too short. Adapt.
    if (std::any_of(alive_.begin(), alive_.end(), [&](int p) { return suspected_.contains(p); })) {
      period_ += kDelta;
      KLOG(log(), INFO) << "system " << self_ << " suspected a live process; period now " << period_;
    }
    // Trust the highest-ranked process heard from this period, or ourselves.
    const int top = std::max(self_, alive_.empty() ? self_ : *alive_.rbegin());
    if (top != leader_) {
      leader_ = top;
      board_->Trust(self_, top);
    }
    suspected_.clear();
    for (int p = 0; p < static_cast<int>(members_->size()); ++p) {
      if (p != self_ && !alive_.contains(p)) suspected_.insert(p);
    }
    alive_.clear();
    SendHeartbeats();
    return ScheduleTimeout();
  }

  void SendHeartbeats() {
    for (int p = 0; p < static_cast<int>(members_->size()); ++p) {
      if (p != self_) (*members_)[static_cast<size_t>(p)].Tell(Heartbeat{}, *this);
    }
  }

  // A one-shot timer each round, so each round can use the current (adapted) period.
  HandlerResult ScheduleTimeout() {
    absl::StatusOr<TimerId> timer =
        ScheduleOnce(period_, [](EventualLeaderElector& self, TimerId) { return self.OnTimeout(); });
    return timer.ok() ? HandlerResult(Handled::kOk) : HandlerResult(timer.status());
  }

  static constexpr absl::Duration kDelta = absl::Milliseconds(50);
  const int self_;
  const std::shared_ptr<const std::vector<ActorPath>> members_;
  const std::shared_ptr<TrustBoard> board_;
  absl::Duration period_ = absl::Milliseconds(100);
  std::set<int> alive_;
  std::set<int> suspected_;
  int leader_ = -1;
};
// [end]

// [tutorial:systems]
absl::StatusOr<kompact::KompactSystem> NetworkedSystem(int index) {
  kompact::net::NetworkConfig net;
  net.bind_address = "127.0.0.1";
  net.port = 0;
  // Give up on a dead peer quickly: heartbeats to it are dropped (as dead letters)
  // instead of piling up, and shutdown does not wait long for it.
  net.retry_interval = absl::Milliseconds(100);
  net.max_retry_attempts = 3;
  net.shutdown_timeout = absl::Seconds(1);
  return kompact::KompactConfig()
      .Label(absl::StrCat("system-", index))
      .Threads(1)
      .SetDispatcher(kompact::net::NetworkDispatcher::Factory(net))
      .Build();
}
// [end]

int Run() {
  constexpr absl::Duration kTimeout = absl::Seconds(4);
  constexpr int kN = 3;
  std::vector<kompact::KompactSystem> systems;
  for (int i = 0; i < kN; ++i) systems.push_back(NetworkedSystem(i).value());

  auto board = std::make_shared<TrustBoard>();
  auto members = std::make_shared<std::vector<ActorPath>>();
  std::vector<kompact::Component<EventualLeaderElector>> electors;
  for (int i = 0; i < kN; ++i) {
    electors.push_back(systems[static_cast<size_t>(i)].Create<EventualLeaderElector>(i, members, board));
    members->push_back(systems[static_cast<size_t>(i)].Register(electors.back()).WaitFor(kTimeout).value());
  }
  for (int i = 0; i < kN; ++i) systems[static_cast<size_t>(i)].Start(electors[static_cast<size_t>(i)]);

  if (!board->WaitForLeader({0, 1, 2}, 2, kTimeout)) {
    std::cerr << "the three systems did not all trust system 2" << std::endl;
    return 1;
  }
  std::cout << "Leader elected: system 2" << std::endl;

  // The leader's system dies; its heartbeats stop.
  std::cout << "Shutting down system 2" << std::endl;
  CHECK(systems[2].Shutdown().ok());
  if (!board->WaitForLeader({0, 1}, 1, kTimeout)) {
    std::cerr << "systems 0 and 1 did not re-elect system 1" << std::endl;
    return 1;
  }
  std::cout << "Leader re-elected: system 1" << std::endl;
  CHECK(systems[0].Shutdown().ok());
  CHECK(systems[1].Shutdown().ok());
  return 0;
}

}  // namespace examples

int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  return examples::Run();
}
