// Ping-pong between two processes over TCP (the Kompact book, "Distributed
// Kompact"): the pong process registers a Ponger under the alias "ponger" and
// answers every Ping with a Pong; the ping process sends one Ping at a time and
// measures the round trips.
//
//   ping_pong pong --port-file /tmp/pong.txt [--count 100] [--port 0]
//   ping_pong ping --pong tcp://127.0.0.1:PORT/ponger [--count 100]
//
// The pong process writes its system path (tcp://127.0.0.1:PORT) to the port file
// once it is reachable, answers `--count` pings and shuts down. The ping process
// prints the round-trip count and the mean latency and exits 0 once every Pong
// arrived. Both give up (exit 1) after 30 s.
#include <unistd.h>

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
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

// [tutorial:messages]
// Ping and Pong carry a sequence number. Their serialisers are written by hand:
// a SerId (unique per type, 21..255), a size hint, and the two directions.
struct Ping {
  uint64_t seq;
};
struct Pong {
  uint64_t seq;
};

}  // namespace examples

template <>
struct kompact::DefaultSerialiser<examples::Ping> {
  static constexpr SerId kSerId = MakeSerId<101>();
  static size_t SizeHint(const examples::Ping&) { return 8; }
  static absl::Status Serialise(const examples::Ping& p, BufMut& buf) {
    buf.PutU64(p.seq);
    return absl::OkStatus();  // a failed write is recorded in buf and reported anyway
  }
  static absl::StatusOr<examples::Ping> Deserialise(Buf& buf) { return examples::Ping{buf.GetU64()}; }
};

template <>
struct kompact::DefaultSerialiser<examples::Pong> {
  static constexpr SerId kSerId = MakeSerId<102>();
  static size_t SizeHint(const examples::Pong&) { return 8; }
  static absl::Status Serialise(const examples::Pong& p, BufMut& buf) {
    buf.PutU64(p.seq);
    return absl::OkStatus();
  }
  static absl::StatusOr<examples::Pong> Deserialise(Buf& buf) { return examples::Pong{buf.GetU64()}; }
};
// [end]

namespace examples {

constexpr absl::Duration kTimeout = absl::Seconds(30);

// A one-shot "it is finished" signal from a component to main (thread-safe).
class Done {
 public:
  void Set() {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
    cv_.notify_all();
  }
  bool WaitFor(absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] { return done_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
};

// [tutorial:ponger]
class Ponger : public kompact::ComponentDefinition<Ponger> {
 public:
  Ponger(uint64_t count, std::shared_ptr<Done> done) : count_(count), done_(std::move(done)) {}

  // Path messages arrive here as bytes (they crossed a socket); the reply goes to
  // the sender's path, over the connection the Ping came in on.
  HandlerResult ReceiveNetwork(NetMessage msg) {
    absl::StatusOr<Ping> ping = msg.TryDeserialise<Ping>();
    if (!ping.ok()) return HandlerResult::Benign(ping.status());
    msg.sender().Tell(Pong{ping->seq}, *this);  // lazy: serialised on the network thread
    if (++answered_ == count_) done_->Set();
    return Handled::kOk;
  }

 private:
  const uint64_t count_;
  uint64_t answered_ = 0;
  std::shared_ptr<Done> done_;
};
// [end]

// [tutorial:pinger]
class Pinger : public kompact::ComponentDefinition<Pinger> {
 public:
  Pinger(ActorPath ponger, uint64_t count, std::shared_ptr<Done> done)
      : ponger_(std::move(ponger)), count_(count), done_(std::move(done)) {}

  HandlerResult OnStart() override { return SendPing(); }

  HandlerResult ReceiveNetwork(NetMessage msg) {
    absl::StatusOr<Pong> pong = msg.TryDeserialise<Pong>();
    if (!pong.ok()) return HandlerResult::Benign(pong.status());
    if (pong->seq != received_) {
      return HandlerResult::Benign(absl::DataLossError(absl::StrCat("Pong ", pong->seq, " out of order")));
    }
    total_ += absl::Now() - sent_at_;
    if (++received_ == count_) {
      done_->Set();
      return Handled::kOk;
    }
    return SendPing();  // one Ping in flight at a time
  }

  uint64_t received() const { return received_; }
  absl::Duration total() const { return total_; }

 private:
  // Eager: TellSerialised serialises on this thread, so a serialisation error is
  // returned here (and nothing is sent) instead of becoming a dead letter later.
  HandlerResult SendPing() {
    sent_at_ = absl::Now();
    if (absl::Status s = ponger_.TellSerialised(Ping{received_}, *this); !s.ok()) return HandlerResult(s);
    return Handled::kOk;
  }

  const ActorPath ponger_;
  const uint64_t count_;
  std::shared_ptr<Done> done_;
  uint64_t received_ = 0;
  absl::Time sent_at_;
  absl::Duration total_;
};
// [end]

// [tutorial:system]
// A system with the network dispatcher, on 127.0.0.1 (port 0: the OS picks one).
absl::StatusOr<kompact::KompactSystem> NetworkedSystem(std::string label, uint16_t port) {
  kompact::net::NetworkConfig net;
  net.bind_address = "127.0.0.1";
  net.port = port;
  return kompact::KompactConfig()
      .Label(std::move(label))
      .SetDispatcher(kompact::net::NetworkDispatcher::Factory(net))
      .Build();
}
// [end]

// Writes `text` to `path` atomically (the reader never sees half a line).
bool WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  {
    std::ofstream out(tmp);
    out << text << "\n";
    if (!out.good()) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

int RunPong(uint16_t port, const std::string& port_file, uint64_t count) {
  absl::StatusOr<kompact::KompactSystem> system = NetworkedSystem("pong", port);
  if (!system.ok()) {
    std::cerr << "cannot start the pong system: " << system.status() << std::endl;
    return 1;
  }
  auto done = std::make_shared<Done>();
  kompact::Component<Ponger> ponger = system->Create<Ponger>(count, done);
  system->Start(ponger);
  absl::StatusOr<ActorPath> path = system->RegisterByAlias(ponger, "ponger").WaitFor(kTimeout);
  if (!path.ok()) {
    std::cerr << "cannot register the ponger: " << path.status() << std::endl;
    return 1;
  }
  // Only now is the ponger reachable: tell the world where the system is.
  std::cout << "Ponger registered at " << *path << std::endl;
  if (!port_file.empty() && !WriteFileAtomically(port_file, system->SystemPath().ToString())) {
    std::cerr << "cannot write " << port_file << std::endl;
    return 1;
  }
  const bool finished = done->WaitFor(kTimeout);
  // Shutdown flushes what is queued (the last Pong) before closing connections.
  if (absl::Status s = system->Shutdown(); !s.ok()) std::cerr << "shutdown: " << s << std::endl;
  if (!finished) {
    std::cerr << "timed out waiting for " << count << " pings" << std::endl;
    return 1;
  }
  std::cout << "Answered " << count << " pings" << std::endl;
  return 0;
}

int RunPing(const std::string& pong, uint64_t count) {
  absl::StatusOr<ActorPath> ponger = ActorPath::Parse(pong);
  if (!ponger.ok()) {
    std::cerr << "bad --pong: " << ponger.status() << std::endl;
    return 2;
  }
  absl::StatusOr<kompact::KompactSystem> system = NetworkedSystem("ping", 0);
  if (!system.ok()) {
    std::cerr << "cannot start the ping system: " << system.status() << std::endl;
    return 1;
  }
  auto done = std::make_shared<Done>();
  kompact::Component<Pinger> pinger = system->Create<Pinger>(*ponger, count, done);
  // Registered by its unique path, so Pongs sent to it (the Pings' sender) arrive.
  if (absl::StatusOr<ActorPath> me = system->Register(pinger).WaitFor(kTimeout); !me.ok()) {
    std::cerr << "cannot register the pinger: " << me.status() << std::endl;
    return 1;
  }
  system->Start(pinger);
  const bool finished = done->WaitFor(kTimeout);
  // After Set() the pinger handles nothing more, so reading it is safe once Kill
  // has completed.
  (void)system->KillNotify(pinger).WaitFor(kTimeout);
  const uint64_t received = pinger.definition().received();
  const absl::Duration total = pinger.definition().total();
  if (absl::Status s = system->Shutdown(); !s.ok()) std::cerr << "shutdown: " << s << std::endl;
  if (!finished) {
    std::cerr << "timed out: " << received << " of " << count << " pongs arrived" << std::endl;
    return 1;
  }
  std::cout << "Round trips: " << received
            << ", mean latency: " << absl::ToDoubleMicroseconds(total / static_cast<int64_t>(received))
            << " us" << std::endl;
  return 0;
}

int Usage() {
  std::cerr << "usage: ping_pong pong --port-file FILE [--port N] [--count N]\n"
               "       ping_pong ping --pong tcp://HOST:PORT/ponger [--count N]\n";
  return 2;
}

}  // namespace examples

int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  if (argc < 2) return examples::Usage();
  const std::string_view mode = argv[1];
  std::string port_file, pong;
  uint32_t port = 0;
  uint64_t count = 100;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--port-file") {
      port_file = value;
    } else if (flag == "--pong") {
      pong = value;
    } else if (flag == "--port") {
      if (!absl::SimpleAtoi(value, &port) || port > 65535) return examples::Usage();
    } else if (flag == "--count") {
      if (!absl::SimpleAtoi(value, &count) || count == 0) return examples::Usage();
    } else {
      return examples::Usage();
    }
  }
  if (mode == "pong") return examples::RunPong(static_cast<uint16_t>(port), port_file, count);
  if (mode == "ping" && !pong.empty()) return examples::RunPing(pong, count);
  return examples::Usage();
}
