// Term-based (Raft-style) leader election over TCP: five systems in one process,
// each with its own port on 127.0.0.1, each running a TermElector
// (examples/net/term_election.h) registered under the alias "elector".
//
// The main function waits until one elector leads a term and the other four follow
// it, prints `Leader of term N: system K`, shuts the leader's system down, waits
// until the remaining four elect a new leader in a higher term, prints it and
// shuts everything down. The observer checks safety all along: two leaders
// reported for one term make the program exit non-zero.
//
//   tools/bazel run //examples/net:term_election
#include "examples/net/term_election.h"

#include <condition_variable>
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "glog/logging.h"
#include "kompact.h"
#include "net/network_dispatcher.h"

namespace examples {

using kompact::ActorPath;

// Records who leads and who follows in which term; thread-safe.
class Board final : public ElectionObserver {
 public:
  struct Leadership {
    int leader;
    uint64_t term;
  };

  void BecameLeader(int process, uint64_t term) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::cout << "System " << process << " leads term " << term << std::endl;
    auto [it, inserted] = leaders_.emplace(term, process);
    if (!inserted && it->second != process) {
      std::cout << "SAFETY VIOLATION: systems " << it->second << " and " << process << " both lead term "
                << term << std::endl;
      violated_ = true;
    }
    follows_[process] = process;
    follows_term_[process] = term;
    cv_.notify_all();
  }

  void Follows(int process, int leader, uint64_t term) override {
    std::lock_guard<std::mutex> lock(mu_);
    follows_[process] = leader;
    follows_term_[process] = term;
    cv_.notify_all();
  }

  // The leader of a term above `above` whom every process in `live` follows (in
  // that term), once there is one; nullopt after `timeout` or on a violation.
  std::optional<Leadership> WaitForLeader(const std::set<int>& live, uint64_t above, absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    std::optional<Leadership> found;
    cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] {
      if (violated_) return true;
      for (auto it = leaders_.upper_bound(above); it != leaders_.end(); ++it) {
        const auto [term, leader] = *it;
        if (!live.contains(leader)) continue;
        bool all = true;
        for (int p : live) {
          auto f = follows_.find(p);
          auto t = follows_term_.find(p);
          if (f == follows_.end() || f->second != leader || t->second != term) all = false;
        }
        if (all) {
          found = Leadership{leader, term};
          return true;
        }
      }
      return false;
    });
    return violated_ ? std::nullopt : found;
  }

  bool violated() const {
    std::lock_guard<std::mutex> lock(mu_);
    return violated_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<uint64_t, int> leaders_;  // term -> leader
  std::map<int, int> follows_;       // process -> the leader it follows (itself when leading)
  std::map<int, uint64_t> follows_term_;
  bool violated_ = false;
};

absl::StatusOr<kompact::KompactSystem> NetworkedSystem(int index) {
  kompact::net::NetworkConfig net;
  net.bind_address = "127.0.0.1";
  net.port = 0;
  // Give up on a dead peer quickly, and do not wait long for it at shutdown.
  net.retry_interval = absl::Milliseconds(100);
  net.max_retry_attempts = 3;
  net.shutdown_timeout = absl::Seconds(1);
  return kompact::KompactConfig()
      .Label(absl::StrCat("system-", index))
      .Threads(1)
      .SetDispatcher(kompact::net::NetworkDispatcher::Factory(net))
      .Build();
}

int Run() {
  constexpr absl::Duration kTimeout = absl::Seconds(5);
  constexpr int kN = 5;
  std::vector<kompact::KompactSystem> systems;
  for (int i = 0; i < kN; ++i) systems.push_back(NetworkedSystem(i).value());

  auto board = std::make_shared<Board>();
  auto members = std::make_shared<std::vector<ActorPath>>();
  std::vector<kompact::Component<TermElector>> electors;
  for (int i = 0; i < kN; ++i) {
    const auto idx = static_cast<size_t>(i);
    ElectionOptions options;
    options.seed = 42;  // mixed with the index by the elector
    electors.push_back(
        systems[idx].Create<TermElector>(i, members, std::make_shared<MemoryTermStore>(), board, options));
    members->push_back(systems[idx].RegisterByAlias(electors.back(), "elector").WaitFor(kTimeout).value());
  }
  for (int i = 0; i < kN; ++i) systems[static_cast<size_t>(i)].Start(electors[static_cast<size_t>(i)]);

  std::set<int> live = {0, 1, 2, 3, 4};
  std::optional<Board::Leadership> first = board->WaitForLeader(live, 0, kTimeout);
  if (!first) {
    std::cerr << "no leader followed by all five systems" << std::endl;
    return 1;
  }
  std::cout << "Leader of term " << first->term << ": system " << first->leader << std::endl;

  std::cout << "Shutting down system " << first->leader << std::endl;
  CHECK(systems[static_cast<size_t>(first->leader)].Shutdown().ok());
  live.erase(first->leader);
  std::optional<Board::Leadership> second = board->WaitForLeader(live, first->term, kTimeout);
  if (!second) {
    std::cerr << "no new leader followed by the remaining four systems" << std::endl;
    return 1;
  }
  std::cout << "New leader of term " << second->term << ": system " << second->leader << std::endl;

  for (int p : live) CHECK(systems[static_cast<size_t>(p)].Shutdown().ok());
  if (board->violated()) return 1;
  std::cout << "Done" << std::endl;
  return 0;
}

}  // namespace examples

int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  return examples::Run();
}
