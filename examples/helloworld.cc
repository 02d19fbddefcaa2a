// Hello World: a component that logs "Hello World!" when it starts and then shuts
// the system down (the Kompact book's first example).
//
//   tools/bazel run //examples:helloworld
#include "glog/logging.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"

namespace examples {

using kompact::ComponentDefinition;
using kompact::Handled;
using kompact::HandlerResult;

// [tutorial:component]
class HelloWorld : public ComponentDefinition<HelloWorld> {
 public:
  HandlerResult OnStart() override {
    KLOG(log(), INFO) << "Hello World!";
    system().ShutdownAsync();
    return Handled::kOk;
  }
};
// [end]

}  // namespace examples

// [tutorial:main]
int main(int argc, char** argv) {
  FLAGS_logtostderr = true;  // glog: log lines go to stderr, not to files
  google::InitGoogleLogging(argv[0]);

  absl::StatusOr<kompact::KompactSystem> system = kompact::KompactConfig().Build();
  if (!system.ok()) {
    LOG(ERROR) << "cannot build the system: " << system.status();
    return 1;
  }
  kompact::Component<examples::HelloWorld> component = system->Create<examples::HelloWorld>();
  system->Start(component);
  system->AwaitTermination();
  return 0;
}
// [end]
