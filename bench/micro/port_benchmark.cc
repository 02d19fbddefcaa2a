// Cost of port events (FEATURES.md C1-C4, C11).
//
//   tools/bazel run -c opt //bench/micro:port_benchmark
//
//   BM_TriggerFromOutside      KompactSystem::TriggerRequest into a started
//                              component's provided port (Kompact's "bench trigger
//                              Port"); batches of kBatch timed, handling drained untimed
//   BM_PortTrigger/peers:N     a component's port_.Trigger inside its handler, to N
//                              connected providers (a broadcast copies the event for
//                              all but the last); only the triggering handler is timed
//   BM_PortTriggerAndHandle/N  the same plus the providers handling every event
// All single-threaded on a deterministic system.
#include <cstdint>
#include <memory>
#include <vector>

#include "bench/micro/fixtures.h"
#include "benchmark/benchmark.h"
#include "glog/logging.h"
#include "runtime/channel.h"

namespace kompact::bench {
namespace {

void SetCounters(benchmark::State& state, int64_t events) {
  state.SetItemsProcessed(events);
  state.counters["per_event"] = benchmark::Counter(static_cast<double>(events),
                                                   benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_TriggerFromOutside(benchmark::State& state) {
  auto sim = MakeDeterministicSystem();
  Component<Counter> counter = sim->system().Create<Counter>();
  sim->system().Start(counter);
  sim->RunUntilIdle();
  const ProvidedPortRef<MsgPort> port = counter.GetProvidedPort<MsgPort>().value();
  int64_t sent = 0;
  for (auto _ : state) {
    for (int64_t i = 0; i < kBatch; ++i) {
      if (!sim->system().TriggerRequest(port, Msg{i}).ok()) state.SkipWithError("trigger refused");
    }
    sent += kBatch;
    state.PauseTiming();
    sim->RunUntilIdle();
    state.ResumeTiming();
  }
  if (counter.definition().count() != sent) state.SkipWithError("events were lost");
  SetCounters(state, sent);
}
BENCHMARK(BM_TriggerFromOutside);

struct Go {};

// Triggers kBatch requests on its required port per Go message.
class Driver : public ComponentDefinition<Driver>, public Actor<Go> {
 public:
  HandlerResult ReceiveLocal(Go) {
    for (int64_t i = 0; i < kBatch; ++i) port_.Trigger(Msg{i});
    return Handled::kOk;
  }
  // Nothing arrives on port_ (MsgPort has no indications).
  static constexpr auto Ports() { return PortList(Ignore(&Driver::port_)); }

 private:
  RequiredPort<MsgPort> port_;
};

// One driver connected to `peers` counters, all started.
struct Broadcast {
  explicit Broadcast(int64_t peers) : sim(MakeDeterministicSystem()) {
    KompactSystem& system = sim->system();
    driver = system.Create<Driver>();
    for (int64_t i = 0; i < peers; ++i) {
      counters.push_back(system.Create<Counter>());
      CHECK(BiconnectComponents<MsgPort>(counters.back(), driver).ok());
      system.Start(counters.back());
    }
    system.Start(driver);
    sim->RunUntilIdle();
    go = driver.actor_ref().Hold();
  }
  int64_t Received() const {
    int64_t n = 0;
    for (const auto& c : counters) n += c.definition().count();
    return n;
  }

  std::unique_ptr<testing::DeterministicSystem> sim;
  Component<Driver> driver;
  std::vector<Component<Counter>> counters;
  ActorRefStrong<Go> go;
};

void BM_PortTrigger(benchmark::State& state) {
  Broadcast b(state.range(0));
  int64_t triggered = 0;
  for (auto _ : state) {
    state.PauseTiming();
    b.go.Tell(Go{});
    state.ResumeTiming();
    b.sim->RunOne();  // the driver's handler: kBatch triggers
    triggered += kBatch;
    state.PauseTiming();
    b.sim->RunUntilIdle();
    state.ResumeTiming();
  }
  if (b.Received() != triggered * state.range(0)) state.SkipWithError("events were lost");
  SetCounters(state, triggered);
}
BENCHMARK(BM_PortTrigger)->ArgName("peers")->Arg(1)->Arg(4);

void BM_PortTriggerAndHandle(benchmark::State& state) {
  Broadcast b(state.range(0));
  int64_t triggered = 0;
  for (auto _ : state) {
    b.go.Tell(Go{});
    b.sim->RunUntilIdle();
    triggered += kBatch;
  }
  if (b.Received() != triggered * state.range(0)) state.SkipWithError("events were lost");
  SetCounters(state, triggered);
}
BENCHMARK(BM_PortTriggerAndHandle)->ArgName("peers")->Arg(1)->Arg(4);

}  // namespace
}  // namespace kompact::bench
