// PoolOptions: the options shared by the thread pools (WorkStealingPool,
// SharedQueuePool), and their validation.
#ifndef KOMPACT_EXECUTORS_POOL_OPTIONS_H_
#define KOMPACT_EXECUTORS_POOL_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "base/build_config.h"
#include "base/log.h"

namespace kompact {

// std::thread::hardware_concurrency(), at least 1.
size_t DefaultThreadCount();

// Options of a thread pool: thread count, parking, spinning, thread names and
// pinning (FEATURES.md X1-X3).
//
//   PoolOptions options;
//   options.threads = 4;
//   options.cores = {2, 3};  // worker i runs on cores[i % 2]
//   auto pool = WorkStealingPool::Create(options);
//
// Thread-safety: a plain value type.
struct PoolOptions {
  // Largest accepted `threads`.
  static constexpr size_t kMaxThreads = 1024;
  // Default idle spin rounds before parking (each round: a pause and one search
  // for work; ~10-20 us on the reference machine).
  static constexpr uint32_t kDefaultSpinRounds = 200;

  // Number of worker threads, in [1, kMaxThreads].
  size_t threads = DefaultThreadCount();
  // Idle workers park (futex) after spinning; false = they spin forever (with
  // pauses and yields), as `--config=low_latency` makes the default.
  bool park = !kLowLatency;
  // Idle search rounds before parking (ignored when park is false).
  uint32_t spin_rounds = kDefaultSpinRounds;
  // Thread names are "<prefix>-<index>", cut to the 15 characters Linux keeps.
  std::string thread_name_prefix = "kompact";
  // Pin worker i to the i-th (mod N) processing unit available to the process.
  // On by default under `--config=thread_pinning`. Ignored if `cores` is set.
  bool pin_threads = kThreadPinning;
  // Custom pinning: worker i runs on cores[i % cores.size()]. Ids must be in
  // [0, 1024); an id the process cannot use is a logged WARNING at start-up.
  std::vector<int> cores;
  // Receives warnings (pinning) from the pool.
  Logger logger;

  // The processing unit for worker `index` given the units available to the
  // process, or -1 for "do not pin".
  int CoreFor(size_t index, const std::vector<int>& available) const;
};

// kInvalidArgument naming the field and the allowed range if `options` is not
// usable; `owner` (e.g. "WorkStealingPool") is put in the message.
[[nodiscard]] absl::Status ValidatePoolOptions(const PoolOptions& options, std::string_view owner);

}  // namespace kompact

#endif  // KOMPACT_EXECUTORS_POOL_OPTIONS_H_
