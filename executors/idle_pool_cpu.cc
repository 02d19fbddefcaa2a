// Measures the CPU an idle executor burns (issue 3 target: < 1 % over 10 s):
// starts an executor, runs one task so every thread has been active, sleeps,
// and prints the process CPU time. Cross-check with /usr/bin/time -v.
//
//   tools/bazel run -c opt //executors:idle_pool_cpu -- [seconds=10] [ws|shared|dedicated]
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>
#include <utility>

#include "absl/status/statusor.h"
#include "executors/dedicated_thread_executor.h"
#include "executors/executor.h"
#include "executors/shared_queue_pool.h"
#include "executors/work_stealing_pool.h"

namespace {

double CpuSeconds() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 10.0;
  const char* kind = argc > 2 ? argv[2] : "ws";
  absl::StatusOr<std::unique_ptr<kompact::Executor>> made;
  if (std::strcmp(kind, "shared") == 0) {
    made = kompact::SharedQueuePool::Create();
  } else if (std::strcmp(kind, "dedicated") == 0) {
    made = kompact::DedicatedThreadExecutor::Create();
  } else {
    made = kompact::WorkStealingPool::Create();
  }
  if (!made.ok()) {
    std::fprintf(stderr, "cannot create the %s executor: %s\n", kind, made.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<kompact::Executor> executor = std::move(made).value();
  std::atomic<bool> ran{false};
  if (!executor->Execute([&ran] { ran.store(true); }).ok()) return 1;
  while (!ran.load()) std::this_thread::yield();

  const double cpu_before = CpuSeconds();
  const auto wall_before = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  const double cpu = CpuSeconds() - cpu_before;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
  std::printf("idle %s executor, %zu threads: %.4f s CPU over %.2f s wall = %.3f %% of one core\n", kind,
              executor->num_threads(), cpu, wall, 100.0 * cpu / wall);
  return executor->Shutdown().ok() ? 0 : 1;
}
