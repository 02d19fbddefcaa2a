// Mutual TLS between systems (docs/security.md): four systems in one process, each
// with the network dispatcher on its own port of 127.0.0.1.
//  * node-a runs a Ledger under the alias "ledger" and a Guard on its network status
//    port; it speaks TLS and accepts only peers whose certificate says CN=node-b.
//  * node-b speaks TLS with a certificate for node-b and sends the ledger an entry.
//  * an intruder without TLS sends the ledger an entry: refused (not-tls).
//  * node-c has a certificate from the same CA, but for node-c: refused
//    (identity-not-allowed).
// The Guard prints each connection it accepts (with the peer's verified identity)
// and each it refuses (with the address and the reason); the program exits 0 once
// node-b's entry arrived and both refusals were seen, 1 after 30 s.
//
//   examples/net/make_demo_certs.sh /tmp/kompact-demo-certs
//   tools/bazel run //examples/net:secure_cluster -- --certs /tmp/kompact-demo-certs
//
// --certs DIR holds ca.pem and, for node-a, node-b and node-c, NAME.pem (the
// certificate chain) and NAME.key (its private key), as make_demo_certs.sh writes them.
#include <condition_variable>
#include <cstdint>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "glog/logging.h"
#include "kompact.h"
#include "net/network_dispatcher.h"
#include "net/network_status.h"
#include "net/network_status_provider.h"
#include "net/refusal.h"

namespace examples {

namespace net = kompact::net;
using kompact::Handled;
using kompact::HandlerResult;

// What main waits for: entries that reached the ledger and refusals the Guard saw
// (thread-safe).
class Outcome {
 public:
  void AddEntry() { Bump(entries_); }
  void AddRefusal() { Bump(refusals_); }
  // Whether `entries` entries and `refusals` refusals were seen within `timeout`.
  bool WaitFor(int entries, int refusals, absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                        [&] { return entries_ >= entries && refusals_ >= refusals; });
  }

 private:
  void Bump(int& counter) {
    std::lock_guard<std::mutex> lock(mu_);
    ++counter;
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  int entries_ = 0;
  int refusals_ = 0;
};

// [tutorial:ledger]
// The ledger takes entries only from node-b: it asks who sent each message, as the
// certificate of the TLS session the message came over says.
class Ledger : public kompact::ComponentDefinition<Ledger> {
 public:
  explicit Ledger(std::shared_ptr<Outcome> outcome) : outcome_(std::move(outcome)) {}

  HandlerResult ReceiveNetwork(kompact::NetMessage msg) {
    absl::StatusOr<std::shared_ptr<const kompact::PeerIdentity>> who = net::SenderIdentity(system(), msg);
    if (!who.ok()) return HandlerResult::Benign(who.status());
    if ((*who)->common_name != "node-b") {
      return HandlerResult::Benign(absl::PermissionDeniedError("entries come from node-b only"));
    }
    absl::StatusOr<std::string> entry = msg.TryDeserialise<std::string>();
    if (!entry.ok()) return HandlerResult::Benign(entry.status());
    std::cout << "node-a: ledger got \"" << *entry << "\" from " << (*who)->subject << std::endl;
    outcome_->AddEntry();
    return Handled::kOk;
  }

 private:
  std::shared_ptr<Outcome> outcome_;
};
// [end]

// [tutorial:guard]
// The Guard watches node-a's network status port: who got in, with which
// certificate, and who was turned away, from where and why.
class Guard : public kompact::ComponentDefinition<Guard> {
 public:
  explicit Guard(std::shared_ptr<Outcome> outcome) : outcome_(std::move(outcome)) {}

  HandlerResult Handle(const net::ConnectionEstablished& e) {
    std::cout << "node-a: established with " << e.system << " [" << e.peer_identity << "] over " << e.security
              << std::endl;
    return Handled::kOk;
  }
  HandlerResult Handle(const net::ConnectionRefused& e) {
    std::cout << "node-a: refused " << (e.inbound ? "a connection from " : "a connection to ")
              << e.remote_address << ": " << net::RefusalReasonName(e.reason) << std::endl;
    outcome_->AddRefusal();
    return Handled::kOk;
  }
  template <typename E>
  HandlerResult Handle(const E&) {
    return Handled::kOk;
  }

  static constexpr auto Ports() { return kompact::PortList(&Guard::status_); }

 private:
  std::shared_ptr<Outcome> outcome_;
  kompact::RequiredPort<net::NetworkStatusPort> status_;
};
// [end]

// [tutorial:config]
// A system on 127.0.0.1 (port 0: the OS picks one). With `name`, it speaks TLS 1.3
// with the certificate NAME.pem and key NAME.key from `certs`, trusts the CA in
// ca.pem, and accepts only peers whose certificate matches one of `allowed`.
absl::StatusOr<kompact::KompactSystem> Node(const std::string& certs, std::string_view name,
                                            std::vector<std::string> allowed) {
  net::NetworkConfig config;
  config.bind_address = "127.0.0.1";
  config.port = 0;
  config.max_retry_attempts = 0;  // a refused peer is not worth retrying here
  if (!name.empty()) {
    config.tls.enabled = true;
    config.tls.certificate_chain = certs + "/" + std::string(name) + ".pem";
    config.tls.private_key = certs + "/" + std::string(name) + ".key";
    config.tls.ca_bundle = certs + "/ca.pem";
    config.tls.allowed_identities = std::move(allowed);
  }
  return kompact::KompactConfig().SetDispatcher(net::NetworkDispatcher::Factory(config)).Build();
}
// [end]

}  // namespace examples

int main(int argc, char** argv) {
  namespace net = kompact::net;
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  std::string certs;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string_view(argv[i]) == "--certs") certs = argv[i + 1];
  }
  if (certs.empty()) {
    std::cerr << "usage: secure_cluster --certs DIR (made by examples/net/make_demo_certs.sh)" << std::endl;
    return 2;
  }
  const absl::Duration timeout = absl::Seconds(30);
  auto outcome = std::make_shared<examples::Outcome>();

  // [tutorial:main]
  absl::StatusOr<kompact::KompactSystem> a = examples::Node(certs, "node-a", {"CN=node-b"});
  absl::StatusOr<kompact::KompactSystem> b = examples::Node(certs, "node-b", {"CN=node-a"});
  absl::StatusOr<kompact::KompactSystem> c = examples::Node(certs, "node-c", {});
  absl::StatusOr<kompact::KompactSystem> intruder = examples::Node(certs, "", {});
  for (const auto* system : {&a, &b, &c, &intruder}) {
    if (!system->ok()) {  // e.g. a missing file: the status names the key and the path
      std::cerr << "cannot start: " << system->status() << std::endl;
      return 1;
    }
  }
  kompact::Component<examples::Guard> guard = a->Create<examples::Guard>(outcome);
  absl::StatusOr<kompact::Channel<net::NetworkStatusPort>> channel = net::ConnectNetworkStatus(*a, guard);
  if (!channel.ok()) {
    std::cerr << "cannot connect the status port: " << channel.status() << std::endl;
    return 1;
  }
  a->Start(guard);
  kompact::Component<examples::Ledger> ledger = a->Create<examples::Ledger>(outcome);
  a->Start(ledger);
  absl::StatusOr<kompact::ActorPath> path = a->RegisterByAlias(ledger, "ledger").WaitFor(timeout);
  if (!path.ok()) {
    std::cerr << "cannot register the ledger: " << path.status() << std::endl;
    return 1;
  }
  std::cout << "node-a: ledger at " << *path << std::endl;

  path->Tell(std::string("entry from node-b"), *b);               // mutual TLS: arrives
  path->Tell(std::string("entry from the intruder"), *intruder);  // no TLS: refused
  path->Tell(std::string("entry from node-c"), *c);               // not CN=node-b: refused
  // [end]

  const bool done = outcome->WaitFor(/*entries=*/1, /*refusals=*/2, timeout);
  for (auto* system : {&intruder, &c, &b, &a}) (void)(*system)->Shutdown();
  if (!done) {
    std::cerr << "the entry and both refusals did not come within " << timeout << std::endl;
    return 1;
  }
  std::cout << "Done" << std::endl;
  return 0;
}
