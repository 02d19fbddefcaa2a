// //bench:suite — kompact-cpp's message-passing benchmark suite.
//
//   tools/bazel run -c opt //bench:suite -- --workloads=PingPong,FanIn --runs=5
//   tools/bazel run --config=low_latency //bench:suite -- --json
//
// Flags: those of the shared harness (bench/harness/harness.h: --workloads, --runs,
// --warmup, --scale, --json, --list) plus, for this binary only:
//   --threads=N            worker threads of the one system the suite uses (default 2)
//   --executor=NAME        work-stealing (default) or shared-queue
// One system is built for the whole suite; every workload tears its components
// down after each run.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "bench/harness/harness.h"
#include "bench/suite/suite.h"
#include "glog/logging.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"

namespace {

struct SystemFlags {
  int64_t threads = 2;
  std::string executor = "work-stealing";
};

// Takes this binary's own flags out of argv (the harness rejects unknown ones).
bool TakeSystemFlags(int& argc, char** argv, SystemFlags& flags) {
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--threads=", 0) == 0) {
      if (!absl::SimpleAtoi(arg.substr(10), &flags.threads) || flags.threads < 1) {
        std::fprintf(stderr, "%s: expected an integer >= 1\n", arg.c_str());
        return false;
      }
    } else if (arg.rfind("--executor=", 0) == 0) {
      flags.executor = arg.substr(11);
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  FLAGS_minloglevel = google::GLOG_WARNING;
  google::InitGoogleLogging(argv[0]);

  SystemFlags flags;
  if (!TakeSystemFlags(argc, argv, flags)) return 2;
  absl::StatusOr<kompact::KompactSystem> system =
      kompact::KompactConfig()
          .Label("bench-suite")
          .Threads(flags.threads)
          .SetConfigValue(kompact::config_keys::kExecutor, flags.executor)
          .SetConfigValue(kompact::config_keys::kLogLevel, std::string("warning"))
          .Build();
  if (!system.ok()) {
    std::fprintf(stderr, "cannot build the system: %s\n", std::string(system.status().message()).c_str());
    return 2;
  }
  const int code = kompact::bench::RunSuite(argc, argv, "kompact", [&](const kompact::bench::Options& options) {
    return kompact::bench::SuiteWorkloads(*system, options);
  });
  const absl::Status shutdown = system->Shutdown();
  if (!shutdown.ok()) {
    std::fprintf(stderr, "system shutdown failed: %s\n", std::string(shutdown.message()).c_str());
    return code == 0 ? 1 : code;
  }
  return code;
}
