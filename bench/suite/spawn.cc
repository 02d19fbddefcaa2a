#include "bench/suite/spawn.h"

#include <malloc.h>

#include <atomic>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/node_pool.h"
#include "base/status.h"
#include "bench/suite/common.h"
#include "runtime/actor_ref.h"
#include "runtime/component_definition.h"
#include "runtime/port.h"

namespace kompact::bench {
namespace {

struct Go {};

class SpawnedActor : public ComponentDefinition<SpawnedActor>, public Actor<Go> {
 public:
  explicit SpawnedActor(std::atomic<int64_t>* handled) : handled_(handled) {}
  HandlerResult ReceiveLocal(Go) {
    handled_->fetch_add(1, std::memory_order_relaxed);
    return Handled::kShutdown;
  }

 private:
  [[no_unique_address]] Tracked tracked_;
  std::atomic<int64_t>* handled_;
};

struct GoPort : Port<Requests<Go>, Indications<>> {};

class SpawnedComponent : public ComponentDefinition<SpawnedComponent> {
 public:
  explicit SpawnedComponent(std::atomic<int64_t>* handled) : handled_(handled) {}
  HandlerResult Handle(const Go&) {
    handled_->fetch_add(1, std::memory_order_relaxed);
    return Handled::kShutdown;
  }
  static constexpr auto Ports() { return PortList(&SpawnedComponent::port_); }

 private:
  [[no_unique_address]] Tracked tracked_;
  ProvidedPort<GoPort> port_;
  std::atomic<int64_t>* handled_;
};

// Spawns n components with `spawn_one(handled)` and waits until all are gone.
template <typename SpawnOne>
absl::StatusOr<double> RunSpawn(int64_t n, SpawnOne&& spawn_one) {
  KOMPACT_RETURN_IF_ERROR(LiveComponents::AwaitNone());
  std::atomic<int64_t> handled{0};
  const int64_t created_before = LiveComponents::created();

  Stopwatch timer;
  for (int64_t i = 0; i < n; ++i) KOMPACT_RETURN_IF_ERROR(spawn_one(&handled));
  KOMPACT_RETURN_IF_ERROR(LiveComponents::AwaitNone());
  const double seconds = timer.Seconds();

  const int64_t created = LiveComponents::created() - created_before;
  if (created != n || handled.load() != n) {
    return WrongResult(
        "Spawn", absl::StrCat(created, " created and ", handled.load(), " messages handled, expected ", n));
  }
  return Millions(static_cast<double>(n), seconds);
}

// Bytes in use by the process's objects: the heap in use (all arenas, plus chunks
// served by mmap) with the node pools' slabs counted by the blocks in use rather
// than whole (component cells and message nodes live in those pools, and a slab
// left over from an earlier workload is reused without growing the heap).
int64_t BytesInUse() {
  const struct mallinfo2 m = mallinfo2();
  const base_internal::NodePoolStats pools = base_internal::GetNodePoolStats();
  return static_cast<int64_t>(m.uordblks + m.hblkhd) - static_cast<int64_t>(pools.slab_bytes) +
         static_cast<int64_t>(pools.in_use_bytes());
}

class IdleActor : public ComponentDefinition<IdleActor>, public Actor<Go> {
 public:
  HandlerResult ReceiveLocal(Go) { return Handled::kOk; }

 private:
  [[no_unique_address]] Tracked tracked_;
};

class IdleComponent : public ComponentDefinition<IdleComponent> {
 private:
  [[no_unique_address]] Tracked tracked_;
};

template <typename C>
absl::StatusOr<double> MeasureIdle(const KompactSystem& system, int64_t n) {
  std::vector<AnyComponent> components;
  std::vector<Future<void>> started;
  components.reserve(n);
  started.reserve(n);
  const int64_t before = BytesInUse();
  for (int64_t i = 0; i < n; ++i) {
    components.push_back(system.Create<C>());
    started.push_back(system.StartNotify(components.back()));
  }
  absl::Status status = absl::OkStatus();
  for (Future<void>& f : started) status.Update(f.WaitFor(kWaitLimit));
  started.clear();  // frees nothing (reserved before `before`); results were consumed
  const int64_t after = BytesInUse();
  KOMPACT_RETURN_IF_ERROR(Annotate(status, "starting components"));
  int64_t active = 0;
  for (const AnyComponent& c : components) active += c.IsActive() ? 1 : 0;
  KOMPACT_RETURN_IF_ERROR(TeardownAll(system, std::move(components)));
  if (active != n) return WrongResult("IdleMemory", absl::StrCat(active, " of ", n, " components active"));
  return static_cast<double>(after - before) / static_cast<double>(n);
}

}  // namespace

absl::StatusOr<double> RunActorSpawn(const KompactSystem& system, int64_t n) {
  return RunSpawn(n, [&system](std::atomic<int64_t>* handled) -> absl::Status {
    Component<SpawnedActor> c = system.Create<SpawnedActor>(handled);
    system.Start(c);
    if (!c.actor_ref().Tell(Go{})) return absl::InternalError("Spawn: a new component refused its message");
    return absl::OkStatus();
  });
}

absl::StatusOr<double> RunComponentSpawn(const KompactSystem& system, int64_t n) {
  return RunSpawn(n, [&system](std::atomic<int64_t>* handled) -> absl::Status {
    Component<SpawnedComponent> c = system.Create<SpawnedComponent>(handled);
    system.Start(c);
    KOMPACT_ASSIGN_OR_RETURN(ProvidedPortRef<GoPort> port, c.GetProvidedPort<GoPort>());
    return system.TriggerRequest(port, Go{});
  });
}

absl::StatusOr<double> RunIdleMemory(const KompactSystem& system, int64_t n, bool actor) {
  return actor ? MeasureIdle<IdleActor>(system, n) : MeasureIdle<IdleComponent>(system, n);
}

}  // namespace kompact::bench
