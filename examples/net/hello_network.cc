// Distributed Hello World: two systems in one process, each with the network
// dispatcher on its own port of 127.0.0.1. The first registers a Greeter under the
// alias "greeter"; the second sends it one string by path, over TCP. The Greeter
// prints it with the sender's path and shuts its system down.
//
//   tools/bazel run //examples/net:hello_network
//
// Two processes work the same way: only the path's address changes (see
// ping_pong.cc for the two-process version).
#include <iostream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "glog/logging.h"
#include "kompact.h"
#include "net/network_dispatcher.h"

namespace examples {

// [tutorial:greeter]
// Messages that come by path arrive as bytes: the Greeter deserialises the string.
class Greeter : public kompact::ComponentDefinition<Greeter> {
 public:
  kompact::HandlerResult ReceiveNetwork(kompact::NetMessage msg) {
    absl::StatusOr<std::string> text = msg.TryDeserialise<std::string>();
    if (!text.ok()) return kompact::HandlerResult::Benign(text.status());
    std::cout << *text << " (from " << msg.sender() << ")" << std::endl;
    system().ShutdownAsync();
    return kompact::Handled::kOk;
  }
};
// [end]

// [tutorial:system]
// The network dispatcher on 127.0.0.1, port 0: the OS picks a free port.
absl::StatusOr<kompact::KompactSystem> NetworkedSystem() {
  kompact::net::NetworkConfig net;
  net.bind_address = "127.0.0.1";
  net.port = 0;
  return kompact::KompactConfig().SetDispatcher(kompact::net::NetworkDispatcher::Factory(net)).Build();
}
// [end]

}  // namespace examples

int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  const absl::Duration timeout = absl::Seconds(30);

  // [tutorial:main]
  absl::StatusOr<kompact::KompactSystem> receiver = examples::NetworkedSystem();
  absl::StatusOr<kompact::KompactSystem> sender = examples::NetworkedSystem();
  if (!receiver.ok() || !sender.ok()) {
    std::cerr << "cannot start: " << receiver.status() << " / " << sender.status() << std::endl;
    return 1;
  }
  kompact::Component<examples::Greeter> greeter = receiver->Create<examples::Greeter>();
  receiver->Start(greeter);
  // tcp://127.0.0.1:<port>/greeter, once registration has completed.
  absl::StatusOr<kompact::ActorPath> path = receiver->RegisterByAlias(greeter, "greeter").WaitFor(timeout);
  if (!path.ok()) {
    std::cerr << "cannot register the greeter: " << path.status() << std::endl;
    return 1;
  }
  std::cout << "Greeter at " << *path << std::endl;

  // Lazy: the string is serialised by the sender's network thread. Sent from
  // outside a component, its sender is the sending system's own path.
  path->Tell(std::string("Hello World, over TCP!"), *sender);
  // [end]

  // The Greeter shuts its system down once the message has arrived.
  if (!receiver->AwaitTerminationFor(timeout)) {
    std::cerr << "no message arrived within " << timeout << std::endl;
    return 1;
  }
  (void)sender->Shutdown();
  return 0;
}
