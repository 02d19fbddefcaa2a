#include "runtime/internal/child_registry.h"

#include <utility>
#include <vector>

#include "runtime/component_core.h"
#include "runtime/internal/core_refs.h"

namespace kompact::runtime_internal {

ChildRegistry::Shard& ChildRegistry::ShardOf(const ComponentCore& child) {
  const auto address = reinterpret_cast<uintptr_t>(&child);
  return shards_[(address >> 6) % kShards];
}

void ChildRegistry::Add(ComponentCore& child) {
  {
    Shard& shard = ShardOf(child);
    std::lock_guard<std::mutex> lock(shard.mu);
    if (child.supervision_prev_ != nullptr || shard.head == &child) return;  // already linked
    child.AddStrongRef();
    child.supervision_prev_ = nullptr;
    child.supervision_next_ = shard.head;
    if (shard.head != nullptr) shard.head->supervision_prev_ = &child;
    shard.head = &child;
    count_.fetch_add(1, std::memory_order_acq_rel);
  }
  if (killing_.load(std::memory_order_acquire)) child.SendLifecycle(ControlEvent::kKill);
}

bool ChildRegistry::Remove(ComponentCore& child) {
  {
    Shard& shard = ShardOf(child);
    std::lock_guard<std::mutex> lock(shard.mu);
    if (child.supervision_prev_ == nullptr && shard.head != &child) return false;
    if (child.supervision_prev_ != nullptr) {
      child.supervision_prev_->supervision_next_ = child.supervision_next_;
    } else {
      shard.head = child.supervision_next_;
    }
    if (child.supervision_next_ != nullptr)
      child.supervision_next_->supervision_prev_ = child.supervision_prev_;
    child.supervision_prev_ = child.supervision_next_ = nullptr;
  }
  count_.fetch_sub(1, std::memory_order_acq_rel);
  MaybeFinishKillAll();
  // Last: may destroy the definition (never while the child runs this: its run
  // holds work, so destruction waits for the run's end).
  child.ReleaseStrongRef();
  return true;
}

Future<void> ChildRegistry::KillAll() {
  auto [promise, future] = MakePromise<void>();
  {
    std::lock_guard<std::mutex> lock(kill_mu_);
    all_gone_ = std::move(promise);
  }
  killing_.store(true, std::memory_order_release);
  // Collect under the locks, kill outside them.
  std::vector<StrongCoreRef> children;
  for (Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    for (ComponentCore* c = shard.head; c != nullptr; c = c->supervision_next_) children.emplace_back(c);
  }
  for (StrongCoreRef& c : children) c->SendLifecycle(ControlEvent::kKill);
  MaybeFinishKillAll();
  return std::move(future);
}

void ChildRegistry::MaybeFinishKillAll() {
  if (!killing_.load(std::memory_order_acquire) || count_.load(std::memory_order_acquire) != 0) return;
  std::optional<Promise<void>> done;
  {
    std::lock_guard<std::mutex> lock(kill_mu_);
    if (count_.load(std::memory_order_acquire) != 0) return;
    done = std::exchange(all_gone_, std::nullopt);
  }
  if (done) done->Fulfil();
}

void ChildRegistry::ReleaseAll() {
  std::vector<ComponentCore*> children;
  for (Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    for (ComponentCore* c = shard.head; c != nullptr;) {
      ComponentCore* next = c->supervision_next_;
      c->supervision_prev_ = c->supervision_next_ = nullptr;
      children.push_back(c);
      c = next;
    }
    shard.head = nullptr;
  }
  count_.store(0, std::memory_order_release);
  for (ComponentCore* c : children) c->ReleaseStrongRef();
  MaybeFinishKillAll();
}

}  // namespace kompact::runtime_internal
