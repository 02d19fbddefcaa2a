#include "executors/internal/pinning.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <thread>

namespace kompact::executors_internal {
namespace {

std::vector<int> AffinityOfThisThread(bool* ok) {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  *ok = pthread_getaffinity_np(pthread_self(), sizeof(set), &set) == 0;
  if (!*ok) return cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  }
  return cpus;
}

}  // namespace

std::vector<int> AvailableCpus() {
  bool ok = false;
  std::vector<int> cpus = AffinityOfThisThread(&ok);
  if (ok && !cpus.empty()) return cpus;
  const int count = std::max(1u, std::thread::hardware_concurrency());
  cpus.clear();
  for (int cpu = 0; cpu < count; ++cpu) cpus.push_back(cpu);
  return cpus;
}

std::vector<int> CurrentThreadAffinity() {
  bool ok = false;
  return AffinityOfThisThread(&ok);
}

bool PinCurrentThread(int cpu, const Logger& logger, std::string_view thread_name) {
  if (cpu < 0 || cpu >= CPU_SETSIZE) {
    KLOG(logger, WARNING) << "thread " << thread_name << ": processing unit " << cpu << " is outside 0.."
                          << CPU_SETSIZE - 1 << "; running unpinned";
    return false;
  }
  const std::vector<int> available = AvailableCpus();
  if (!std::binary_search(available.begin(), available.end(), cpu)) {
    KLOG(logger, WARNING) << "thread " << thread_name << ": processing unit " << cpu
                          << " is not available to this process (" << available.size()
                          << " available); running unpinned";
    return false;
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  const int error = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
  if (error != 0) {
    KLOG(logger, WARNING) << "thread " << thread_name << ": pinning to processing unit " << cpu
                          << " failed: " << std::strerror(error) << "; running unpinned";
    return false;
  }
  return true;
}

void SetCurrentThreadName(std::string_view name) {
  // Linux keeps 16 bytes including the terminating NUL.
  const std::string truncated(name.substr(0, 15));
  pthread_setname_np(pthread_self(), truncated.c_str());
}

}  // namespace kompact::executors_internal
