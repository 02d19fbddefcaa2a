// Pieces every workload of the benchmark suite (//bench:suite) shares: a
// completion latch, live-component tracking for teardown between runs, bounded
// start/kill helpers (the stopwatch is bench/harness/stopwatch.h).
//
// Every wait here is bounded (kWaitLimit): a run that hangs becomes an error row,
// never a hung suite.
//
// Thread-safety: Latch::CountDown and the LiveComponents counters may be used
// from any thread (component handlers and destructors run on worker threads);
// the waiting functions are called by the suite's driver thread, never on an
// executor thread.
#ifndef KOMPACT_BENCH_SUITE_COMMON_H_
#define KOMPACT_BENCH_SUITE_COMMON_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/harness/stopwatch.h"
#include "executors/future.h"
#include "runtime/component.h"
#include "runtime/kompact_system.h"

namespace kompact::bench {

// Upper bound of every wait in a run (generous: the machine is shared and noisy).
inline constexpr absl::Duration kWaitLimit = absl::Seconds(300);

// Fires once `count` parties have counted down (the Kompics suite's
// CountdownEvent). One-shot.
class Latch {
 public:
  explicit Latch(int64_t count);
  Latch(const Latch&) = delete;
  Latch& operator=(const Latch&) = delete;

  // Any thread. Counting below zero is ignored.
  void CountDown();
  // Blocks until the count reached zero: OK, or kDeadlineExceeded after `limit`.
  [[nodiscard]] absl::Status Wait(absl::Duration limit = kWaitLimit);

 private:
  std::atomic<int64_t> remaining_;
  Promise<void> promise_;
  Future<void> future_;
};

// Counts live definitions of the suite's components (those holding a Tracked
// member), so a run can wait until everything it created has been destroyed.
class LiveComponents {
 public:
  static int64_t count();
  // Definitions constructed since the process started.
  static int64_t created();
  // Blocks until no tracked definition is alive (apart from those a failed run
  // left behind, see ForgetLeaked); kDeadlineExceeded saying how many are left
  // after `limit`.
  [[nodiscard]] static absl::Status AwaitNone(absl::Duration limit = kWaitLimit);
  // After a failed run: the components alive now are not waited for any more,
  // so one failure does not make every later run time out in its teardown.
  static void ForgetLeaked();

 private:
  friend struct Tracked;
  static void Add();
  static void Remove();
};

// A member that counts its component definition as live (zero bytes).
struct Tracked {
  Tracked() { LiveComponents::Add(); }
  ~Tracked() { LiveComponents::Remove(); }
  Tracked(const Tracked&) = delete;
  Tracked& operator=(const Tracked&) = delete;
};

// Starts / kills every component and waits (bounded) for each transition.
[[nodiscard]] absl::Status StartAll(const KompactSystem& system, const std::vector<AnyComponent>& components);
[[nodiscard]] absl::Status KillAll(const KompactSystem& system, const std::vector<AnyComponent>& components);

// Kills `components`, drops the handles (move them in: a handle kept elsewhere
// keeps its component alive) and waits until no tracked component is alive.
[[nodiscard]] absl::Status TeardownAll(const KompactSystem& system, std::vector<AnyComponent> components);
// The same for individual handles: Teardown(system, std::move(a), std::move(b)).
// (Not a braced list: an initializer_list would keep copies of the handles alive
// until the call returns.)
template <typename... Handles>
[[nodiscard]] absl::Status Teardown(const KompactSystem& system, Handles&&... handles) {
  std::vector<AnyComponent> components;
  components.reserve(sizeof...(handles));
  (components.push_back(std::forward<Handles>(handles)), ...);
  return TeardownAll(system, std::move(components));
}

// `count / seconds / 1e6`, the suite's "M …/s" metrics.
inline double Millions(double count, double seconds) { return count / seconds / 1e6; }

// kInternal "<workload>: wrong result: <what>" — a run whose answer is wrong.
[[nodiscard]] absl::Status WrongResult(const std::string& workload, const std::string& what);

}  // namespace kompact::bench

#endif  // KOMPACT_BENCH_SUITE_COMMON_H_
