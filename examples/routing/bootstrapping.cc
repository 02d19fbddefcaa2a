// Bootstrapping with a named service (the Kompact book, "Named Services"), inside
// one process: a BootstrapServer is registered under the alias "bootstrap", a name
// every process can predict. Processes check in there (periodically); the server
// answers everyone with the set of processes that checked in, and each process
// trusts the smallest path as its leader. Halfway, the service moves: the server is
// replaced and the new one takes over the alias (UpdateAliasRegistration), a new
// process joins, and nobody has to learn a new address.
//
//   tools/bazel run //examples/routing:bootstrapping
//
// Exits non-zero unless all processes agree on the leader, before and after the move.
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

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "glog/logging.h"
#include "kompact.h"

namespace examples {

using kompact::ActorPath;
using kompact::Buf;
using kompact::BufMut;
using kompact::Handled;
using kompact::HandlerResult;
using kompact::NetMessage;
using kompact::TimerId;

// [tutorial:messages]
// "I am here" (the sender's path is what matters).
struct CheckIn {
  static constexpr kompact::SerId kSerId = kompact::MakeSerId<145>();
  size_t SizeHint() const { return 0; }
  absl::Status Serialise(BufMut&) const { return absl::OkStatus(); }
  static absl::StatusOr<CheckIn> Deserialise(Buf&) { return CheckIn{}; }
};

// Everyone who checked in; paths are serialisable (ActorPath's DefaultSerialiser).
struct UpdateProcesses {
  static constexpr kompact::SerId kSerId = kompact::MakeSerId<146>();
  std::vector<ActorPath> processes;

  size_t SizeHint() const { return 1 + processes.size() * 48; }
  absl::Status Serialise(BufMut& buf) const {
    buf.PutVarU64(processes.size());
    for (const ActorPath& p : processes) {
      if (absl::Status s = kompact::SerialiseInto(p, buf); !s.ok()) return s;
    }
    return absl::OkStatus();
  }
  static absl::StatusOr<UpdateProcesses> Deserialise(Buf& buf) {
    UpdateProcesses u;
    const size_t n = buf.GetLength();
    for (size_t i = 0; i < n && buf.ok(); ++i) {
      absl::StatusOr<ActorPath> p = kompact::DeserialiseFrom<ActorPath>(buf);
      if (!p.ok()) return p.status();
      u.processes.push_back(*std::move(p));
    }
    if (!buf.ok()) return buf.status();
    return u;
  }
};
// [end]

// [tutorial:server]
class BootstrapServer : public kompact::ComponentDefinition<BootstrapServer>,
                        public kompact::NetworkActor<CheckIn> {
 public:
  // Local refs (no sender) and path messages (with the sender's path) alike.
  HandlerResult Receive(std::optional<ActorPath> sender, CheckIn) {
    if (sender && processes_.insert(*sender).second) BroadcastProcesses();
    return Handled::kOk;
  }

 private:
  void BroadcastProcesses() {
    const UpdateProcesses update{.processes = {processes_.begin(), processes_.end()}};
    for (const ActorPath& process : processes_) process.Tell(update, *this);
  }

  std::set<ActorPath> processes_;
};
// [end]

// Who trusts whom, for main to check (thread-safe).
class Board {
 public:
  void Report(int process, size_t known, std::string leader) {
    std::lock_guard<std::mutex> lock(mu_);
    views_[process] = {known, std::move(leader)};
    cv_.notify_all();
  }
  // Waits until `n` processes each know `n` processes and trust one leader.
  std::optional<std::string> WaitForAgreement(size_t n, absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    std::optional<std::string> leader;
    const bool agreed = cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] {
      if (views_.size() < n) return false;
      std::set<std::string> leaders;
      for (const auto& [process, view] : views_) {
        if (view.first != n) return false;
        leaders.insert(view.second);
      }
      if (leaders.size() != 1) return false;
      leader = *leaders.begin();
      return true;
    });
    return agreed ? leader : std::nullopt;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<int, std::pair<size_t, std::string>> views_;
};

// [tutorial:process]
class Process : public kompact::ComponentDefinition<Process> {
 public:
  Process(int index, ActorPath bootstrap, std::shared_ptr<Board> board)
      : index_(index), bootstrap_(std::move(bootstrap)), board_(std::move(board)) {}

  HandlerResult OnStart() override {
    // Check in now and then again periodically: the service may move or restart.
    bootstrap_.Tell(CheckIn{}, *this);
    auto timer = SchedulePeriodic(absl::Milliseconds(20), absl::Milliseconds(20), [](Process& self, TimerId) {
      self.bootstrap_.Tell(CheckIn{}, self);
      return HandlerResult(Handled::kOk);
    });
    return timer.ok() ? HandlerResult(Handled::kOk) : HandlerResult(timer.status());
  }

  HandlerResult ReceiveNetwork(NetMessage msg) {
    absl::StatusOr<UpdateProcesses> update = msg.TryDeserialise<UpdateProcesses>();
    if (!update.ok()) return HandlerResult::Benign(update.status());
    // Trust the smallest path (every process sees the same set, so all agree).
    const ActorPath leader = *std::min_element(update->processes.begin(), update->processes.end());
    KLOG(log(), DEBUG) << "process " << index_ << " knows " << update->processes.size() << ", trusts "
                       << leader;
    board_->Report(index_, update->processes.size(), leader.ToString());
    return Handled::kOk;
  }

 private:
  int index_;
  ActorPath bootstrap_;
  std::shared_ptr<Board> board_;
};
// [end]

int Run() {
  constexpr absl::Duration kTimeout = absl::Seconds(30);
  kompact::KompactSystem system = kompact::KompactConfig().Build().value();
  auto board = std::make_shared<Board>();

  // [tutorial:server_setup]
  kompact::Component<BootstrapServer> server = system.Create<BootstrapServer>();
  const ActorPath service = system.RegisterByAlias(server, "bootstrap").WaitFor(kTimeout).value();
  system.Start(server);
  // [end]

  // [tutorial:processes]
  // Anyone can predict the service's path from the system's address and the alias.
  const ActorPath bootstrap = system.SystemPath().Named("bootstrap").value();
  CHECK(bootstrap == service);
  std::vector<kompact::Component<Process>> processes;
  for (int i = 0; i < 3; ++i) {
    processes.push_back(system.Create<Process>(i, bootstrap, board));
    CHECK(system.Register(processes.back()).WaitFor(kTimeout).ok());  // its unique path
    system.Start(processes.back());
  }
  // [end]
  std::optional<std::string> leader = board->WaitForAgreement(3, kTimeout);
  if (!leader) {
    LOG(ERROR) << "the first three processes did not agree on a leader";
    return 1;
  }
  std::cout << "3 processes trust " << *leader << std::endl;

  // [tutorial:move]
  // The service moves to a new component; the name stays.
  kompact::Component<BootstrapServer> replacement = system.Create<BootstrapServer>();
  system.Start(replacement);
  CHECK(system.UpdateAliasRegistration(replacement, "bootstrap").WaitFor(kTimeout).ok());
  CHECK(system.KillNotify(server).WaitFor(kTimeout).ok());
  // [end]
  processes.push_back(system.Create<Process>(3, bootstrap, board));
  CHECK(system.Register(processes.back()).WaitFor(kTimeout).ok());
  system.Start(processes.back());
  leader = board->WaitForAgreement(4, kTimeout);
  if (!leader) {
    LOG(ERROR) << "the four processes did not agree on a leader after the service moved";
    return 1;
  }
  std::cout << "4 processes trust " << *leader << std::endl;
  CHECK(system.Shutdown().ok());
  return 0;
}

}  // namespace examples

int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  return examples::Run();
}
