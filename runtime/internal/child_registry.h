// The supervised components of a system (FEATURES.md V1): every started,
// supervised component is linked here with a strong reference, so it stays alive
// until it is killed (or faults) even if no handle remains; KillAll kills them all
// for a graceful shutdown.
//
// Starting and killing a component costs one uncontended mutex lock each (16
// shards, chosen by address); there is no message to a supervisor component on
// this path. (Recovery of faulty components still runs on the Supervisor
// component.)
//
// Thread-safety: all members are thread-safe. Components are linked through their
// own supervision_prev_/next_ fields, guarded by their shard's mutex.
#ifndef KOMPACT_RUNTIME_INTERNAL_CHILD_REGISTRY_H_
#define KOMPACT_RUNTIME_INTERNAL_CHILD_REGISTRY_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "executors/future.h"

namespace kompact {
class ComponentCore;
namespace runtime_internal {

class ChildRegistry {
 public:
  ChildRegistry() = default;
  ChildRegistry(const ChildRegistry&) = delete;
  ChildRegistry& operator=(const ChildRegistry&) = delete;

  // Links a started component (idempotent: a restart after Stop is a no-op) and
  // takes a strong reference. During KillAll, the component is killed at once.
  void Add(ComponentCore& child);
  // Unlinks a killed or faulty component and drops the reference. False if it was
  // not linked.
  bool Remove(ComponentCore& child);
  // Kills every linked component; the future completes when none is left
  // (components killed, faulty or started later all count).
  Future<void> KillAll();
  // Drops every reference without killing (after the executor stopped).
  void ReleaseAll();
  int64_t size() const { return count_.load(std::memory_order_acquire); }

 private:
  static constexpr size_t kShards = 16;
  struct alignas(64) Shard {
    std::mutex mu;
    ComponentCore* head ABSL_GUARDED_BY(mu) = nullptr;
  };
  Shard& ShardOf(const ComponentCore& child);
  void MaybeFinishKillAll();

  Shard shards_[kShards];
  std::atomic<int64_t> count_{0};
  std::atomic<bool> killing_{false};
  std::mutex kill_mu_;
  std::optional<Promise<void>> all_gone_ ABSL_GUARDED_BY(kill_mu_);
};

}  // namespace runtime_internal
}  // namespace kompact

#endif  // KOMPACT_RUNTIME_INTERNAL_CHILD_REGISTRY_H_
