// Spawn (create + start + one message + quit, timed until all are gone) and
// IdleMemory (heap bytes per started, idle actor). Actors are spawned from the
// harness thread with actor_system::spawn, CAF's API for code outside actors.
#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <mutex>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "bench/peers/caf/atoms.h"
#include "bench/peers/caf/driver.h"
#include "bench/peers/caf/workloads.h"
#include "caf/all.hpp"

namespace kompact::bench::caf_peer {
namespace {

// Counts actors down to zero; the harness thread waits for zero with a deadline.
class Countdown {
 public:
  explicit Countdown(int64_t count) : remaining_(count) {}

  // Thread-safe; called once per actor.
  void Arrive() {
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(mu_);
      zero_ = true;
      cv_.notify_all();
    }
  }

  // True if the count reached zero within `timeout`.
  bool Wait(std::chrono::nanoseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [this] { return zero_; });
  }

  int64_t remaining() const { return remaining_.load(std::memory_order_acquire); }

 private:
  std::atomic<int64_t> remaining_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool zero_ = false;
};

// Handles its one message, counts itself done and quits.
caf::behavior OneShot(caf::event_based_actor* self, Countdown* handled) {
  return {
      [self, handled](hello_atom) {
        handled->Arrive();
        self->quit();
      },
  };
}

// Counts itself started when CAF initialises it, then idles (an actor needs a
// non-empty behaviour to stay alive).
caf::behavior Idle(caf::event_based_actor* /*self*/, Countdown* started) {
  started->Arrive();
  return {[](hello_atom) {}};
}

// Bytes of heap in use (glibc's count over all arenas); where the allocator does
// not report it (e.g. under AddressSanitizer) the resident set size instead.
int64_t MemoryInUse() {
  const struct mallinfo2 info = mallinfo2();
  const int64_t heap = static_cast<int64_t>(info.uordblks + info.hblkhd);
  if (heap > 0) return heap;
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

}  // namespace

absl::StatusOr<double> RunSpawn(caf::actor_system& system, int64_t actors) {
  Countdown handled(actors);
  const Stopwatch stopwatch;
  for (int64_t i = 0; i < actors; ++i) {
    caf::anon_send(system.spawn(OneShot, &handled), hello_atom::value);
  }
  // Every message handled (with a deadline), then every actor terminated (as
  // //bench:suite, which waits until all components are gone).
  const bool done = handled.Wait(kRunDeadline);
  AwaitAllActorsDone(system);  // also when !done: `handled` must outlive the actors
  const double seconds = stopwatch.Seconds();
  if (!done) {
    return absl::DeadlineExceededError(
        absl::StrCat("Spawn: ", handled.remaining(), " of ", actors, " actors not done within the deadline"));
  }
  return static_cast<double>(actors) / seconds / 1e6;
}

absl::StatusOr<double> RunIdleMemory(caf::actor_system& system, int64_t actors) {
  Countdown started(actors);
  std::vector<caf::actor> handles;
  handles.reserve(static_cast<size_t>(actors));
  const int64_t before = MemoryInUse();
  for (int64_t i = 0; i < actors; ++i) handles.push_back(system.spawn(Idle, &started));
  const bool all_started = started.Wait(kRunDeadline);
  const int64_t after = MemoryInUse();
  for (const caf::actor& actor : handles) caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  handles.clear();
  AwaitAllActorsDone(system);
  if (!all_started) {
    return absl::DeadlineExceededError(absl::StrCat("IdleMemory: ", started.remaining(), " of ", actors,
                                                    " actors not started within the deadline"));
  }
  return static_cast<double>(after - before) / static_cast<double>(actors);
}

}  // namespace kompact::bench::caf_peer
