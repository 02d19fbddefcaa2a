// Hello World, actor style: the component is an actor whose message makes it log
// "Hello World!" and shut the system down (the Kompact book, "Actors").
//
//   tools/bazel run //examples:actor_helloworld
#include "absl/status/statusor.h"
#include "glog/logging.h"
#include "runtime/actor_ref.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"

namespace examples {

// [tutorial:actor]
// The message: it carries nothing (Kompact's `()`).
struct Greet {};

class HelloWorldActor : public kompact::ComponentDefinition<HelloWorldActor>, public kompact::Actor<Greet> {
 public:
  kompact::HandlerResult ReceiveLocal(Greet) {
    KLOG(log(), INFO) << "Hello World!";
    system().ShutdownAsync();
    return kompact::Handled::kOk;
  }
};
// [end]

}  // namespace examples

// [tutorial:main]
int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  absl::StatusOr<kompact::KompactSystem> system = kompact::KompactConfig().Build();
  if (!system.ok()) {
    LOG(ERROR) << "cannot build the system: " << system.status();
    return 1;
  }
  kompact::Component<examples::HelloWorldActor> actor = system->Create<examples::HelloWorldActor>();
  system->Start(actor);
  kompact::ActorRef<examples::Greet> actor_ref = actor.actor_ref();
  actor_ref.Tell(examples::Greet{});  // from any thread; returns false if the actor is gone
  system->AwaitTermination();
  return 0;
}
// [end]
