// Logging: the system's logger at every level (the Kompact book's "Logging"
// chapter). What shows depends on the runtime level (kompact.runtime.log-level,
// "info" unless given as the first argument) and on the build: with
// --config=silent_logging, statements below INFO (debug builds) or ERROR
// (-c opt) are compiled out.
//
//   tools/bazel run //examples:logging [-- trace|debug|info|warning|error]
#include "glog/logging.h"

#include <string>

#include "absl/status/statusor.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"

// [tutorial:main]
int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  kompact::KompactConfig config;
  if (argc > 1) config.SetConfigValue(kompact::config_keys::kLogLevel, std::string(argv[1]));
  absl::StatusOr<kompact::KompactSystem> system = config.Build();
  if (!system.ok()) {
    LOG(ERROR) << "cannot build the system: " << system.status();
    return 1;
  }
  const kompact::Logger& log = system->logger();
  KLOG(log, TRACE) << "You will only see this with log-level \"trace\", unless built with silent_logging";
  KLOG(log, DEBUG)
      << "You will only see this with log-level \"debug\" or lower, unless built with silent_logging";
  KLOG(log, INFO) << "You will see this by default, unless built with silent_logging in an optimised build";
  KLOG(log, WARNING)
      << "You will see this by default, unless built with silent_logging in an optimised build";
  KLOG(log, ERROR) << "You will always see this";

  absl::Status shutdown = system->Shutdown();
  if (!shutdown.ok()) {
    LOG(ERROR) << shutdown;
    return 1;
  }
  return 0;
}
// [end]
