#include "executors/pool_options.h"

#include <sched.h>

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"

namespace kompact {

size_t DefaultThreadCount() { return std::max(1u, std::thread::hardware_concurrency()); }

int PoolOptions::CoreFor(size_t index, const std::vector<int>& available) const {
  if (!cores.empty()) return cores[index % cores.size()];
  if (pin_threads && !available.empty()) return available[index % available.size()];
  return -1;
}

absl::Status ValidatePoolOptions(const PoolOptions& options, std::string_view owner) {
  if (options.threads < 1 || options.threads > PoolOptions::kMaxThreads) {
    return absl::InvalidArgumentError(absl::StrCat(AsAbsl(owner), ": PoolOptions.threads = ", options.threads,
                                                   " is outside [1, ", PoolOptions::kMaxThreads, "]"));
  }
  for (size_t i = 0; i < options.cores.size(); ++i) {
    const int core = options.cores[i];
    if (core < 0 || core >= CPU_SETSIZE) {
      return absl::InvalidArgumentError(absl::StrCat(AsAbsl(owner), ": PoolOptions.cores[", i, "] = ", core,
                                                     " is not a processing unit id (allowed: 0..",
                                                     CPU_SETSIZE - 1, ")"));
    }
  }
  return absl::OkStatus();
}

}  // namespace kompact
