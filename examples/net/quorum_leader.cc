// A leader that holds its role only while it reaches a majority (the network status
// port, FEATURES.md N4): three systems in one process on 127.0.0.1, system 0's
// QuorumLeader heartbeats the followers on systems 1 and 2 and counts the systems it
// is connected to from ConnectionEstablished / Lost / Closed / Dropped. With itself
// and at least one follower it has a majority of three and leads; below that it
// steps down. main shuts system 1 down (the leader keeps its majority), blocks
// system 2 through the status port (the leader loses it and steps down), then
// allows it again (the next heartbeat reconnects and the leader leads again).
//
//   tools/bazel run //examples/net:quorum_leader
#include <condition_variable>
#include <iostream>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "glog/logging.h"
#include "kompact.h"
#include "net/net.h"

namespace examples {

using kompact::ActorPath;
using kompact::Buf;
using kompact::BufMut;
using kompact::Handled;
using kompact::HandlerResult;
using kompact::SystemPath;
using kompact::TimerId;
namespace net = kompact::net;

struct Heartbeat {
  static constexpr kompact::SerId kSerId = kompact::MakeSerId<131>();
  size_t SizeHint() const { return 0; }
  absl::Status Serialise(BufMut&) const { return absl::OkStatus(); }
  static absl::StatusOr<Heartbeat> Deserialise(Buf&) { return Heartbeat{}; }
};

// Heartbeats arrive and are ignored: they exist to keep a connection in use.
class Follower : public kompact::ComponentDefinition<Follower>, public kompact::NetworkActor<Heartbeat> {
 public:
  HandlerResult Receive(std::optional<ActorPath>, Heartbeat) { return Handled::kOk; }
};

// What main asks the leader to do with its status port.
struct Block {
  SystemPath system;
};
struct Allow {
  SystemPath system;
};
using Command = std::variant<Block, Allow>;

// The leader's role as main sees it (thread-safe).
class RoleBoard {
 public:
  void Set(bool leading, size_t reachable) {
    std::lock_guard<std::mutex> lock(mu_);
    leading_ = leading;
    reachable_ = reachable;
    cv_.notify_all();
  }
  bool WaitFor(bool leading, size_t reachable, absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                        [&] { return leading_ == leading && reachable_ == reachable; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool leading_ = false;
  size_t reachable_ = 0;
};

// [tutorial:leader]
class QuorumLeader : public kompact::ComponentDefinition<QuorumLeader>, public kompact::Actor<Command> {
 public:
  QuorumLeader(std::vector<ActorPath> followers, std::shared_ptr<RoleBoard> board)
      : followers_(std::move(followers)), board_(std::move(board)) {}

  HandlerResult OnStart() override {
    absl::StatusOr<TimerId> timer = SchedulePeriodic(absl::ZeroDuration(), absl::Milliseconds(50),
                                                     [](QuorumLeader& self, TimerId) -> HandlerResult {
                                                       for (const ActorPath& f : self.followers_)
                                                         f.Tell(Heartbeat{}, self.system());
                                                       return Handled::kOk;
                                                     });
    return timer.ok() ? HandlerResult(Handled::kOk) : HandlerResult(timer.status());
  }

  // The status port: the systems this one is connected to right now.
  HandlerResult Handle(const net::ConnectionEstablished& e) { return Update(e.system, true, "established"); }
  HandlerResult Handle(const net::ConnectionLost& e) { return Update(e.system, false, "lost"); }
  HandlerResult Handle(const net::ConnectionClosed& e) { return Update(e.system, false, "closed"); }
  HandlerResult Handle(const net::ConnectionDropped& e) { return Update(e.system, false, "dropped"); }
  HandlerResult Handle(const net::BlockedSystem& e) {
    std::cout << "Blocked " << e.system << std::endl;
    return Handled::kOk;
  }
  HandlerResult Handle(const net::AllowedSystem& e) {
    std::cout << "Allowed " << e.system << std::endl;
    return Handled::kOk;
  }
  // Everything else the port indicates is not this component's business.
  template <typename E>
  HandlerResult Handle(const E&) {
    return Handled::kOk;
  }

  // main's commands become status-port requests.
  HandlerResult ReceiveLocal(Command command) {
    if (auto* b = std::get_if<Block>(&command)) {
      status_.Trigger(net::BlockSystem{b->system});
    } else {
      status_.Trigger(net::AllowSystem{std::get<Allow>(command).system});
    }
    return Handled::kOk;
  }

  static constexpr auto Ports() { return kompact::PortList(&QuorumLeader::status_); }

 private:
  HandlerResult Update(const SystemPath& system, bool up, std::string_view what) {
    const bool changed = up ? connected_.insert(system).second : connected_.erase(system) > 0;
    if (!changed) return Handled::kOk;               // e.g. each failed dial cycle to a system that is gone
    const size_t reachable = connected_.size() + 1;  // and this system
    const bool leading = 2 * reachable > followers_.size() + 1;
    std::cout << "Connection with " << system << " " << what << ": " << reachable << " of "
              << followers_.size() + 1 << " reachable, " << (leading ? "leading" : "not leading")
              << std::endl;
    if (leading != leading_) {
      std::cout << (leading ? "Taking the lead" : "Stepping down: no majority") << std::endl;
      leading_ = leading;
    }
    board_->Set(leading, reachable);
    return Handled::kOk;
  }

  const std::vector<ActorPath> followers_;
  const std::shared_ptr<RoleBoard> board_;
  std::set<SystemPath> connected_;
  bool leading_ = false;
  kompact::RequiredPort<net::NetworkStatusPort> status_;
};
// [end]

absl::StatusOr<kompact::KompactSystem> NetworkedSystem(int index) {
  net::NetworkConfig config;
  config.retry_interval = absl::Milliseconds(50);
  config.max_retry_attempts = 2;
  config.shutdown_timeout = absl::Seconds(1);
  return kompact::KompactConfig()
      .Label(absl::StrCat("system-", index))
      .Threads(1)
      .SetDispatcher(net::NetworkDispatcher::Factory(config))
      .Build();
}

int Run() {
  constexpr absl::Duration kTimeout = absl::Seconds(10);
  std::vector<kompact::KompactSystem> systems;
  for (int i = 0; i < 3; ++i) systems.push_back(NetworkedSystem(i).value());
  std::vector<ActorPath> followers;
  std::vector<kompact::Component<Follower>> keep;
  for (int i = 1; i < 3; ++i) {
    keep.push_back(systems[static_cast<size_t>(i)].Create<Follower>());
    systems[static_cast<size_t>(i)].Start(keep.back());
    followers.push_back(
        systems[static_cast<size_t>(i)].RegisterByAlias(keep.back(), "follower").WaitFor(kTimeout).value());
  }
  auto board = std::make_shared<RoleBoard>();
  // [tutorial:connect]
  kompact::Component<QuorumLeader> leader = systems[0].Create<QuorumLeader>(followers, board);
  absl::StatusOr<kompact::Channel<net::NetworkStatusPort>> channel =
      net::ConnectNetworkStatus(systems[0], leader);
  if (!channel.ok()) {
    std::cerr << "cannot connect the status port: " << channel.status() << std::endl;
    return 1;
  }
  systems[0].Start(leader);
  // [end]
  if (!board->WaitFor(true, 3, kTimeout)) {
    std::cerr << "the leader never reached all three systems" << std::endl;
    return 1;
  }
  std::cout << "Shutting down system 1" << std::endl;
  CHECK(systems[1].Shutdown().ok());
  if (!board->WaitFor(true, 2, kTimeout)) {
    std::cerr << "the leader did not keep its majority of 2" << std::endl;
    return 1;
  }
  std::cout << "Blocking system 2" << std::endl;
  leader.actor_ref().Tell(Command(Block{systems[2].SystemPath()}));
  if (!board->WaitFor(false, 1, kTimeout)) {
    std::cerr << "the leader did not step down" << std::endl;
    return 1;
  }
  std::cout << "Allowing system 2" << std::endl;
  leader.actor_ref().Tell(Command(Allow{systems[2].SystemPath()}));
  if (!board->WaitFor(true, 2, kTimeout)) {
    std::cerr << "the leader did not take the lead again" << std::endl;
    return 1;
  }
  std::cout << "Done" << std::endl;
  leader = kompact::Component<QuorumLeader>();
  keep.clear();
  CHECK(systems[0].Shutdown().ok());
  CHECK(systems[2].Shutdown().ok());
  return 0;
}

}  // namespace examples

int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  return examples::Run();
}
