// //bench:suite — kompact-cpp's message-passing benchmark suite.
//
//   tools/bazel run -c opt //bench:suite -- --workloads=PingPong,FanIn --runs=5
//   tools/bazel run --config=low_latency //bench:suite -- --json
//
// Flags: those of the shared harness (bench/harness/harness.h: --workloads, --runs,
// --warmup, --scale, --json, --list) plus, for this binary only:
//   --threads=N            worker threads of the one system the suite uses (default 2)
//   --executor=NAME        work-stealing (default) or shared-queue
//   --executor_stats       after every run, print the work-stealing pool's counters
//                          for that run (tasks run, steals, injector pops, parks)
//                          to stderr: where the scheduler spent its effort
// One system is built for the whole suite; every workload tears its components
// down after each run.
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "bench/harness/harness.h"
#include "bench/suite/net_pingpong.h"
#include "bench/suite/suite.h"
#include "executors/work_stealing_pool.h"
#include "glog/logging.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"

namespace {

struct SystemFlags {
  int64_t threads = 2;
  std::string executor = "work-stealing";
  bool executor_stats = false;
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
    } else if (arg == "--executor_stats") {
      flags.executor_stats = true;
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  return true;
}

// Wraps every run to print the pool's counters for it.
void AddExecutorStats(const kompact::KompactSystem& system,
                      std::vector<kompact::bench::Workload>& workloads) {
  auto* pool = dynamic_cast<kompact::WorkStealingPool*>(&system.executor());
  if (pool == nullptr) {
    std::fprintf(stderr, "--executor_stats: the executor is not a work-stealing pool; ignored\n");
    return;
  }
  for (kompact::bench::Workload& w : workloads) {
    w.run = [pool, name = w.name + "/" + w.style + " " + w.params, run = std::move(w.run)] {
      const kompact::WorkStealingPool::Stats before = pool->stats();
      absl::StatusOr<double> result = run();
      const kompact::WorkStealingPool::Stats after = pool->stats();
      std::fprintf(stderr, "[executor] %s: tasks run %llu, steals %llu, injector pops %llu, parks %llu\n",
                   name.c_str(), static_cast<unsigned long long>(after.tasks_run - before.tasks_run),
                   static_cast<unsigned long long>(after.steals - before.steals),
                   static_cast<unsigned long long>(after.injector_pops - before.injector_pops),
                   static_cast<unsigned long long>(after.parks - before.parks));
      return result;
    };
  }
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
  const int code =
      kompact::bench::RunSuite(argc, argv, "kompact", [&](const kompact::bench::Options& options) {
        std::vector<kompact::bench::Workload> workloads = kompact::bench::SuiteWorkloads(*system, options);
        if (flags.executor_stats) AddExecutorStats(*system, workloads);
        return workloads;
      });
  const absl::Status net_shutdown = kompact::bench::ShutdownNetSystems();
  if (!net_shutdown.ok()) {
    std::fprintf(stderr, "network systems shutdown failed: %s\n",
                 std::string(net_shutdown.message()).c_str());
  }
  const absl::Status shutdown = system->Shutdown();
  if (!shutdown.ok()) {
    std::fprintf(stderr, "system shutdown failed: %s\n", std::string(shutdown.message()).c_str());
    return code == 0 ? 1 : code;
  }
  return code;
}
