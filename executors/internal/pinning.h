// Thread placement helpers (FEATURES.md X3): which processing units this process
// may use, pinning the calling thread to one, and naming threads.
//
// Pinning never fails hard: a unit that is not available to the process, or a
// failing system call, is logged as a WARNING and the thread runs unpinned.
//
// Thread-safety: all functions act on the calling thread or read process state;
// safe from any thread.
#ifndef KOMPACT_EXECUTORS_INTERNAL_PINNING_H_
#define KOMPACT_EXECUTORS_INTERNAL_PINNING_H_

#include <string_view>
#include <vector>

#include "base/log.h"

namespace kompact::executors_internal {

// Processing units the calling thread may run on (sched_getaffinity), ascending.
// Falls back to 0..hardware_concurrency-1 if the call fails.
std::vector<int> AvailableCpus();

// Pins the calling thread to `cpu`. Returns false, after logging a WARNING that
// names `thread_name` and the reason, if `cpu` is not in AvailableCpus() (as seen
// before the call) or the system call fails.
bool PinCurrentThread(int cpu, const Logger& logger, std::string_view thread_name);

// The calling thread's affinity set as a sorted list (for tests and logs).
std::vector<int> CurrentThreadAffinity();

// Sets the calling thread's OS name, truncated to the 15 characters Linux keeps.
void SetCurrentThreadName(std::string_view name);

}  // namespace kompact::executors_internal

#endif  // KOMPACT_EXECUTORS_INTERNAL_PINNING_H_
