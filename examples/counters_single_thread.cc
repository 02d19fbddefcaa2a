// Counters: a component that is both a Kompics-style component (a provided port)
// and an actor (asked from main), on a system with one worker thread (the Kompact book, "Schedulers").
//
//   tools/bazel run //examples:counters_single_thread
#include "absl/status/statusor.h"
#include "examples/counter.h"
#include "glog/logging.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"

int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  // [tutorial:system]
  absl::StatusOr<kompact::KompactSystem> system = kompact::KompactConfig().Threads(1).Build();
  // [end]
  if (!system.ok()) {
    LOG(ERROR) << "cannot build the system: " << system.status();
    return 1;
  }
  return examples::RunCounters(*system);
}
