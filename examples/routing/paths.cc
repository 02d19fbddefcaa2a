// Actor paths (the Kompact book, "Basic Communication"): printing and parsing
// paths, registering a component under its unique path and an alias, and sending
// to both lazily (the receiver gets the very object sent), eagerly serialised,
// preserialised, and forwarded with the original sender.
//
//   tools/bazel run //examples/routing:paths
//
// Exits non-zero if anything is not delivered as described.
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "glog/logging.h"
#include "kompact.h"

namespace examples {

using kompact::ActorPath;
using kompact::Handled;
using kompact::HandlerResult;
using kompact::NetMessage;

// [tutorial:receiver]
// Prints what arrives by path: sender, receiver, and whether it is still the boxed
// object that was sent (lazy local delivery) or serialised bytes.
class Printer : public kompact::ComponentDefinition<Printer> {
 public:
  HandlerResult ReceiveNetwork(NetMessage msg) {
    const bool lazy = msg.data().is_boxed();
    absl::StatusOr<std::string> text = msg.TryDeserialise<std::string>();
    if (!text.ok()) return HandlerResult::Benign(text.status());
    std::cout << "got \"" << *text << "\" from " << msg.sender() << " to " << msg.receiver()
              << (lazy ? " (boxed)" : " (serialised)") << std::endl;
    ++received_;
    return Handled::kOk;
  }
  int received() const { return received_; }

 private:
  int received_ = 0;
};
// [end]

// [tutorial:forwarder]
// Passes every message on to `next`, keeping the original sender.
class Forwarder : public kompact::ComponentDefinition<Forwarder> {
 public:
  explicit Forwarder(ActorPath next) : next_(std::move(next)) {}
  HandlerResult ReceiveNetwork(NetMessage msg) {
    next_.Forward(std::move(msg), *this);
    return Handled::kOk;
  }

 private:
  ActorPath next_;
};
// [end]

int Run() {
  constexpr absl::Duration kTimeout = absl::Seconds(30);
  // [tutorial:parse]
  absl::StatusOr<ActorPath> parsed = ActorPath::Parse("tcp://127.0.0.1:8080/servers/server-1");
  CHECK(parsed.ok());
  std::cout << parsed->ToString() << " is " << (parsed->is_named() ? "named" : "unique") << ", "
            << parsed->segments().size() << " segments" << std::endl;
  absl::StatusOr<ActorPath> bad = ActorPath::Parse("tcp://127.0.0.1:8080/servers//x");
  std::cout << bad.status().message() << std::endl;
  // [end]
  if (bad.ok()) return 1;

  kompact::KompactSystem system = kompact::KompactConfig().Build().value();
  // [tutorial:register]
  kompact::Component<Printer> printer = system.Create<Printer>();
  const ActorPath unique = system.Register(printer).WaitFor(kTimeout).value();
  const ActorPath named = system.RegisterByAlias(printer, "printer").WaitFor(kTimeout).value();
  system.Start(printer);
  std::cout << "registered at " << unique << " and " << named << std::endl;
  // [end]

  kompact::Component<Forwarder> forwarder = system.Create<Forwarder>(named);
  const ActorPath forwarding = system.RegisterByAlias(forwarder, "forwarder").WaitFor(kTimeout).value();
  system.Start(forwarder);

  // [tutorial:tell]
  unique.Tell(std::string("lazy, by id"), system);  // from outside: the sender is the dead-letter path
  named.Tell(std::string("lazy, by alias"), system);
  CHECK(named.TellSerialised(std::string("eager"), system).ok());
  const kompact::NetData bytes = kompact::NetData::Serialise(std::string("preserialised")).value();
  for (int i = 0; i < 2; ++i) CHECK(named.TellPreserialised(bytes, system).ok());
  forwarding.Tell(std::string("forwarded"), system);
  // [end]

  // Eventually the printer has them all (bounded wait, no sleeping on a guess).
  const absl::Time deadline = absl::Now() + kTimeout;
  int received = 0;
  while (absl::Now() < deadline) {
    received = printer.OnDefinition([](Printer& p) { return p.received(); }).WaitFor(kTimeout).value();
    if (received == 6) break;
    absl::SleepFor(absl::Milliseconds(5));
  }
  // [tutorial:dead_letters]
  const ActorPath nowhere = system.SystemPath().Named("nobody/here").value();
  nowhere.Tell(std::string("lost"), system);
  std::cout << "dead letters: " << system.dead_letters() << std::endl;
  // [end]
  CHECK(system.Shutdown().ok());
  if (received != 6 || system.dead_letters() != 1) {
    LOG(ERROR) << "expected 6 messages and 1 dead letter, got " << received << " and "
               << system.dead_letters();
    return 1;
  }
  return 0;
}

}  // namespace examples

int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  return examples::Run();
}
