// Bootstrapping over the network (the Kompact book, "Distributed Kompact"): the
// networked version of examples/routing/bootstrapping.cc. A server process
// registers a BootstrapServer under the alias "bootstrap"; its path
// tcp://HOST:PORT/bootstrap is all a client has to know. Clients, each a separate
// process, check in there; whenever a new process checks in, the server sends the
// set of all processes (UpdateProcesses, a list of ActorPaths) to every one of them.
//
//   bootstrapping server [--port N | --port-file FILE] [--clients 3]
//   bootstrapping client --server tcp://127.0.0.1:PORT/bootstrap [--expect 3]
//
// The server exits once `--clients` processes checked in (and it told them); a
// client exits once it has learnt `--expect` processes. Both give up after 30 s.
#include <unistd.h>

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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
using kompact::NetMessage;
using kompact::TimerId;

constexpr absl::Duration kTimeout = absl::Seconds(30);

// [tutorial:messages]
// "I am here": the sender's path is the whole message.
struct CheckIn {
  static constexpr kompact::SerId kSerId = kompact::MakeSerId<110>();
  size_t SizeHint() const { return 0; }
  absl::Status Serialise(BufMut&) const { return absl::OkStatus(); }
  static absl::StatusOr<CheckIn> Deserialise(Buf&) { return CheckIn{}; }
};

// Everyone who checked in. ActorPath has a DefaultSerialiser, so a list of paths is
// a length followed by the paths.
struct UpdateProcesses {
  static constexpr kompact::SerId kSerId = kompact::MakeSerId<111>();
  std::vector<ActorPath> processes;

  size_t SizeHint() const { return 1 + processes.size() * 48; }
  absl::Status Serialise(BufMut& buf) const {
    buf.PutVarU64(processes.size());
    for (const ActorPath& p : processes) {
      if (absl::Status s = kompact::SerialiseInto<ActorPath, kompact::DefaultSerialiser<ActorPath>>(p, buf);
          !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  }
  static absl::StatusOr<UpdateProcesses> Deserialise(Buf& buf) {
    UpdateProcesses u;
    const size_t n = buf.GetLength(/*max_length=*/1024);  // bounds what a bad peer can make us allocate
    for (size_t i = 0; i < n && buf.ok(); ++i) {
      absl::StatusOr<ActorPath> p =
          kompact::DeserialiseFrom<ActorPath, kompact::DefaultSerialiser<ActorPath>>(buf);
      if (!p.ok()) return p.status();
      u.processes.push_back(*std::move(p));
    }
    if (!buf.ok()) return buf.status();
    return u;
  }
};
// [end]

// Counts up to a target, for main to wait on (thread-safe).
class Progress {
 public:
  void Report(size_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    n_ = n;
    cv_.notify_all();
  }
  bool WaitFor(size_t target, absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] { return n_ >= target; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  size_t n_ = 0;
};

// [tutorial:server]
// A network actor: CheckIns arrive deserialised, with the sender's path.
class BootstrapServer : public kompact::ComponentDefinition<BootstrapServer>,
                        public kompact::NetworkActor<CheckIn> {
 public:
  explicit BootstrapServer(std::shared_ptr<Progress> progress) : progress_(std::move(progress)) {}

  HandlerResult Receive(std::optional<ActorPath> sender, CheckIn) {
    // Clients check in periodically; only a new process changes anything.
    if (sender && processes_.insert(*sender).second) {
      std::cout << "Server: " << *sender << " checked in" << std::endl;
      const UpdateProcesses update{.processes = {processes_.begin(), processes_.end()}};
      for (const ActorPath& process : processes_) process.Tell(update, *this);
      progress_->Report(processes_.size());
    }
    return Handled::kOk;
  }

 private:
  std::set<ActorPath> processes_;
  std::shared_ptr<Progress> progress_;
};
// [end]

// [tutorial:client]
class Client : public kompact::ComponentDefinition<Client> {
 public:
  Client(ActorPath bootstrap, std::shared_ptr<Progress> progress)
      : bootstrap_(std::move(bootstrap)), progress_(std::move(progress)) {}

  HandlerResult OnStart() override {
    // Check in now and then again periodically: the server may not have heard us.
    absl::StatusOr<TimerId> timer =
        SchedulePeriodic(absl::ZeroDuration(), absl::Milliseconds(200), [](Client& self, TimerId) {
          self.bootstrap_.Tell(CheckIn{}, self);  // sender: this component's unique path
          return HandlerResult(Handled::kOk);
        });
    return timer.ok() ? HandlerResult(Handled::kOk) : HandlerResult(timer.status());
  }

  HandlerResult ReceiveNetwork(NetMessage msg) {
    absl::StatusOr<UpdateProcesses> update = msg.TryDeserialise<UpdateProcesses>();
    if (!update.ok()) return HandlerResult::Benign(update.status());
    known_.insert(update->processes.begin(), update->processes.end());
    std::cout << "Client learnt " << known_.size()
              << " processes: " << absl::StrJoin(known_, " ", absl::StreamFormatter()) << std::endl;
    progress_->Report(known_.size());
    return Handled::kOk;
  }

 private:
  const ActorPath bootstrap_;
  std::set<ActorPath> known_;
  std::shared_ptr<Progress> progress_;
};
// [end]

absl::StatusOr<kompact::KompactSystem> NetworkedSystem(std::string label, uint16_t port) {
  kompact::net::NetworkConfig net;
  net.bind_address = "127.0.0.1";
  net.port = port;  // 0: the OS picks one, and it appears in system.SystemPath()
  return kompact::KompactConfig()
      .Label(std::move(label))
      .SetDispatcher(kompact::net::NetworkDispatcher::Factory(net))
      .Build();
}

bool WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  {
    std::ofstream out(tmp);
    out << text << "\n";
    if (!out.good()) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

int RunServer(uint16_t port, const std::string& port_file, size_t clients) {
  absl::StatusOr<kompact::KompactSystem> system = NetworkedSystem("bootstrap-server", port);
  if (!system.ok()) {
    std::cerr << "cannot start the server system: " << system.status() << std::endl;
    return 1;
  }
  auto progress = std::make_shared<Progress>();
  // [tutorial:server_setup]
  kompact::Component<BootstrapServer> server = system->Create<BootstrapServer>(progress);
  system->Start(server);
  absl::StatusOr<ActorPath> service = system->RegisterByAlias(server, "bootstrap").WaitFor(kTimeout);
  // [end]
  if (!service.ok()) {
    std::cerr << "cannot register the server: " << service.status() << std::endl;
    return 1;
  }
  std::cout << "Server registered at " << *service << std::endl;
  if (!port_file.empty() && !WriteFileAtomically(port_file, system->SystemPath().ToString())) {
    std::cerr << "cannot write " << port_file << std::endl;
    return 1;
  }
  const bool all = progress->WaitFor(clients, kTimeout);
  // Shutdown sends what is still queued (the last UpdateProcesses) before closing.
  if (absl::Status s = system->Shutdown(); !s.ok()) std::cerr << "shutdown: " << s << std::endl;
  if (!all) {
    std::cerr << "timed out waiting for " << clients << " clients" << std::endl;
    return 1;
  }
  std::cout << "Server: all " << clients << " clients checked in" << std::endl;
  return 0;
}

int RunClient(const std::string& server, size_t expect) {
  // [tutorial:client_setup]
  absl::StatusOr<ActorPath> bootstrap = ActorPath::Parse(server);
  // [end]
  if (!bootstrap.ok()) {
    std::cerr << "bad --server: " << bootstrap.status() << std::endl;
    return 2;
  }
  absl::StatusOr<kompact::KompactSystem> system = NetworkedSystem("bootstrap-client", 0);
  if (!system.ok()) {
    std::cerr << "cannot start the client system: " << system.status() << std::endl;
    return 1;
  }
  auto progress = std::make_shared<Progress>();
  kompact::Component<Client> client = system->Create<Client>(*bootstrap, progress);
  absl::StatusOr<ActorPath> me = system->Register(client).WaitFor(kTimeout);  // where replies come to
  if (!me.ok()) {
    std::cerr << "cannot register the client: " << me.status() << std::endl;
    return 1;
  }
  std::cout << "Client at " << *me << std::endl;
  system->Start(client);
  const bool learnt = progress->WaitFor(expect, kTimeout);
  if (absl::Status s = system->Shutdown(); !s.ok()) std::cerr << "shutdown: " << s << std::endl;
  if (!learnt) {
    std::cerr << "timed out waiting to learn " << expect << " processes" << std::endl;
    return 1;
  }
  return 0;
}

int Usage() {
  std::cerr << "usage: bootstrapping server [--port N | --port-file FILE] [--clients N]\n"
               "       bootstrapping client --server tcp://HOST:PORT/bootstrap [--expect N]\n";
  return 2;
}

}  // namespace examples

int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  if (argc < 2) return examples::Usage();
  const std::string_view mode = argv[1];
  std::string port_file, server;
  uint32_t port = 0;
  size_t count = 3;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--port-file") {
      port_file = value;
    } else if (flag == "--server") {
      server = value;
    } else if (flag == "--port") {
      if (!absl::SimpleAtoi(value, &port) || port > 65535) return examples::Usage();
    } else if (flag == "--clients" || flag == "--expect") {
      if (!absl::SimpleAtoi(value, &count) || count == 0) return examples::Usage();
    } else {
      return examples::Usage();
    }
  }
  if (mode == "server") return examples::RunServer(static_cast<uint16_t>(port), port_file, count);
  if (mode == "client" && !server.empty()) return examples::RunClient(server, count);
  return examples::Usage();
}
