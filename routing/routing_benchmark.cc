// Benchmarks of the lookup table and path-addressed sending (issue 8 targets):
//   - lookup of a named path among 100,000 registered entries: <= 200 ns;
//   - path-addressed local tell (lazy): <= 3x the cost of a plain ActorRef tell.
//
//   tools/bazel run -c opt //routing:routing_benchmark
//
// Tell benchmarks run on a DeterministicSystem: the benchmark thread sends a batch
// and then runs the receiver until idle, so each item is the whole cost of one
// message (send + dispatch + handling) on one core, without scheduler noise. The
// *Threaded variants send from the benchmark thread to a receiver on a 1-thread
// pool (end-to-end throughput).
#include <atomic>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "glog/logging.h"
#include "routing/actor_store.h"
#include "routing/local_dispatcher.h"
#include "routing/policies.h"
#include "runtime/actor_ref.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"
#include "runtime/network_actor.h"
#include "testing/deterministic_system.h"

namespace kompact {
namespace {

// Receives uint64_t both by ref (ReceiveLocal) and by path (ReceiveNetwork).
class Sink : public ComponentDefinition<Sink>, public Actor<uint64_t> {
 public:
  explicit Sink(std::atomic<uint64_t>* received) : received_(received) {}
  HandlerResult ReceiveLocal(uint64_t v) {
    sum_ += v;
    received_->fetch_add(1, std::memory_order_release);
    return Handled::kOk;
  }
  HandlerResult ReceiveNetwork(NetMessage m) {
    if (std::optional<uint64_t> v = m.data().TryTake<uint64_t>()) sum_ += *v;
    received_->fetch_add(1, std::memory_order_release);
    return Handled::kOk;
  }

 private:
  std::atomic<uint64_t>* received_;
  uint64_t sum_ = 0;
};

// ---- lookup among 100,000 entries --------------------------------------------------------
// Two shapes of 100,000 named entries, each in its own table: 100 groups of 1,000
// ("group-7/entry-7123") and one flat level ("flat/e-7123", the worst fan-out).
// Three access patterns: one hot path, a working set of 1,000 paths (cache
// resident), and uniformly random over all 100,000 (cache-miss bound: the table
// and the path objects are tens of MB).

constexpr int kEntries = 100'000;

struct LookupFixture {
  explicit LookupFixture(bool flat) {
    sim = testing::DeterministicSystem::Create().value();
    for (int i = 0; i < 64; ++i) sinks.push_back(sim->system().Create<Sink>(&received));
    for (int i = 0; i < kEntries; ++i) {
      const std::string relative =
          flat ? absl::StrCat("flat/e-", i) : absl::StrCat("group-", i % 100, "/entry-", i);
      CHECK(store.InsertNamed(SplitPath(relative), *sinks[i % sinks.size()].core(), false).ok());
      paths.push_back(*SystemPath().Named(relative));
    }
    std::shuffle(paths.begin(), paths.end(), std::mt19937(1));
    working_set.assign(paths.begin(), paths.begin() + 1000);
    for (auto& s : sinks) {
      CHECK(store.InsertUnique(*s.core()).ok());
      unique_paths.push_back(SystemPath().Unique(s.id()));
    }
  }

  std::atomic<uint64_t> received{0};
  std::unique_ptr<testing::DeterministicSystem> sim;
  std::vector<Component<Sink>> sinks;
  ActorStore store;
  std::vector<ActorPath> paths;
  std::vector<ActorPath> working_set;
  std::vector<ActorPath> unique_paths;
};

LookupFixture& Grouped() {
  static LookupFixture* fixture = new LookupFixture(false);  // built once per process
  return *fixture;
}
LookupFixture& Flat() {
  static LookupFixture* fixture = new LookupFixture(true);
  return *fixture;
}

void RunLookups(benchmark::State& state, const ActorStore& store, const std::vector<ActorPath>& paths) {
  size_t i = 0;
  for (auto _ : state) {
    ActorStore::ReadGuard guard;
    LookupResult r = store.Lookup(paths[i], guard);
    benchmark::DoNotOptimize(r.actor);
    if (++i == paths.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Lookup100kGroupedHot(benchmark::State& state) {
  RunLookups(state, Grouped().store, std::vector<ActorPath>(1, Grouped().paths[0]));
}
BENCHMARK(BM_Lookup100kGroupedHot);
void BM_Lookup100kGroupedWorkingSet1k(benchmark::State& state) {
  RunLookups(state, Grouped().store, Grouped().working_set);
}
BENCHMARK(BM_Lookup100kGroupedWorkingSet1k);
void BM_Lookup100kGroupedRandom(benchmark::State& state) {
  RunLookups(state, Grouped().store, Grouped().paths);
}
BENCHMARK(BM_Lookup100kGroupedRandom);
void BM_Lookup100kFlatHot(benchmark::State& state) {
  RunLookups(state, Flat().store, std::vector<ActorPath>(1, Flat().paths[0]));
}
BENCHMARK(BM_Lookup100kFlatHot);
void BM_Lookup100kFlatWorkingSet1k(benchmark::State& state) {
  RunLookups(state, Flat().store, Flat().working_set);
}
BENCHMARK(BM_Lookup100kFlatWorkingSet1k);
void BM_Lookup100kFlatRandom(benchmark::State& state) { RunLookups(state, Flat().store, Flat().paths); }
BENCHMARK(BM_Lookup100kFlatRandom);
void BM_LookupUnique(benchmark::State& state) { RunLookups(state, Grouped().store, Grouped().unique_paths); }
BENCHMARK(BM_LookupUnique);

// A select lookup of a 1,000-member group (the member list is cached per version).
void BM_LookupGroupSelect(benchmark::State& state) {
  static const ActorPath group = *SystemPath().Named("group-3/?");
  const ActorStore& store = Grouped().store;
  for (auto _ : state) {
    ActorStore::ReadGuard guard;
    LookupResult r = store.Lookup(group, guard);
    benchmark::DoNotOptimize(r.members.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LookupGroupSelect);

// ---- tell by ref vs by path (one core, deterministic) -------------------------------------

constexpr int kBatch = 256;

struct TellFixture {
  TellFixture() {
    sim = testing::DeterministicSystem::Create().value();
    sink = sim->system().Create<Sink>(&received);
    sim->system().Start(sink);
    unique = sim->system().Register(sink).Wait().value();
    named = sim->system().RegisterByAlias(sink, "bench/sink").Wait().value();
    sim->RunUntilIdle();
  }
  ~TellFixture() {
    sink = Component<Sink>();
    CHECK(sim->Shutdown().ok());
  }
  std::atomic<uint64_t> received{0};
  std::unique_ptr<testing::DeterministicSystem> sim;
  Component<Sink> sink;
  ActorPath unique;
  ActorPath named;
};

template <typename Send>
void RunTells(benchmark::State& state, Send send) {
  TellFixture f;
  KompactSystem& system = f.sim->system();
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) send(f, system, static_cast<uint64_t>(i));
    f.sim->RunUntilIdle();
  }
  CHECK_EQ(f.received.load(), state.iterations() * kBatch);
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void BM_TellRef(benchmark::State& state) {
  RunTells(state, [](TellFixture& f, KompactSystem&, uint64_t v) { f.sink.actor_ref().Tell(v); });
}
BENCHMARK(BM_TellRef);

void BM_TellRefStrong(benchmark::State& state) {
  RunTells(state, [ref = ActorRefStrong<uint64_t>()](TellFixture& f, KompactSystem&, uint64_t v) mutable {
    if (!ref) ref = f.sink.actor_ref().Hold();
    ref.Tell(v);
  });
}
BENCHMARK(BM_TellRefStrong);

void BM_TellPathUnique(benchmark::State& state) {
  RunTells(state, [](TellFixture& f, KompactSystem& system, uint64_t v) { f.unique.Tell(v, system); });
}
BENCHMARK(BM_TellPathUnique);

void BM_TellPathNamed(benchmark::State& state) {
  RunTells(state, [](TellFixture& f, KompactSystem& system, uint64_t v) { f.named.Tell(v, system); });
}
BENCHMARK(BM_TellPathNamed);

// ---- threaded: sender thread -> receiver on a pool ---------------------------------------------

template <typename Send>
void RunThreaded(benchmark::State& state, Send send) {
  std::atomic<uint64_t> received{0};
  KompactSystem system = KompactConfig().Threads(1).Build().value();
  Component<Sink> sink = system.Create<Sink>(&received);
  system.Start(sink);
  const ActorPath named = system.RegisterByAlias(sink, "bench/sink").Wait().value();
  uint64_t sent = 0;
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) send(sink, named, system, static_cast<uint64_t>(i));
    sent += kBatch;
    // Bounded queue: wait for the receiver to catch up before the next batch.
    while (received.load(std::memory_order_acquire) + 4 * kBatch < sent) std::this_thread::yield();
  }
  while (received.load(std::memory_order_acquire) < sent) std::this_thread::yield();
  state.SetItemsProcessed(state.iterations() * kBatch);
  sink = Component<Sink>();
  CHECK(system.Shutdown().ok());
}

void BM_TellRefThreaded(benchmark::State& state) {
  RunThreaded(state, [](Component<Sink>& sink, const ActorPath&, KompactSystem&, uint64_t v) {
    sink.actor_ref().Tell(v);
  });
}
BENCHMARK(BM_TellRefThreaded)->UseRealTime();

void BM_TellPathNamedThreaded(benchmark::State& state) {
  RunThreaded(state, [](Component<Sink>&, const ActorPath& named, KompactSystem& system, uint64_t v) {
    named.Tell(v, system);
  });
}
BENCHMARK(BM_TellPathNamedThreaded)->UseRealTime();

}  // namespace
}  // namespace kompact
