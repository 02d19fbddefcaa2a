#include "bench/suite/throughput_pingpong.h"

#include <memory>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "bench/suite/common.h"
#include "runtime/actor_ref.h"
#include "runtime/channel.h"
#include "runtime/component_definition.h"
#include "runtime/port.h"

namespace kompact::bench {
namespace {

struct Run {};
struct Ping {
  int64_t index;
};
struct Pong {
  int64_t index;
};

// What a pinger observed, read after a run.
struct PingerStats {
  int64_t sent = 0;
  int64_t received = 0;
  int64_t out_of_order = 0;  // pongs whose index was not the next expected one
};

// The pinger's protocol, shared by both styles: `send(index)` emits one ping.
class PingerLogic {
 public:
  PingerLogic(const ThroughputPingPongParams& params, std::shared_ptr<Latch> done)
      : n_(params.messages_per_pair), pipeline_(params.pipeline), done_(std::move(done)) {}

  template <typename Send>
  void Start(Send&& send) {
    for (int64_t i = 0; i < pipeline_ && stats_.sent < n_; ++i) send(stats_.sent++);
  }
  template <typename Send>
  void OnPong(int64_t index, Send&& send) {
    if (index != stats_.received) ++stats_.out_of_order;
    if (++stats_.received < n_) {
      if (stats_.sent < n_) send(stats_.sent++);
    } else {
      done_->CountDown();
    }
  }
  const PingerStats& stats() const { return stats_; }

 private:
  const int64_t n_;
  const int64_t pipeline_;
  std::shared_ptr<Latch> done_;
  PingerStats stats_;
};

// ---- actor style ------------------------------------------------------------------------

using PingerMessage = std::variant<Run, Pong>;
using PingMessage = WithSender<Ping, PingerMessage>;

class Ponger : public ComponentDefinition<Ponger>, public Actor<PingMessage> {
 public:
  HandlerResult ReceiveLocal(PingMessage ping) {
    ++pings_;
    ping.Reply(Pong{ping.request().index});
    return Handled::kOk;
  }
  int64_t pings() const { return pings_; }

 private:
  [[no_unique_address]] Tracked tracked_;
  int64_t pings_ = 0;
};

class Pinger : public ComponentDefinition<Pinger>, public Actor<PingerMessage> {
 public:
  Pinger(const ThroughputPingPongParams& params, std::shared_ptr<Latch> done,
         const ActorRef<PingMessage>& ponger)
      : logic_(params, std::move(done)), ponger_(ponger.Hold()) {}

  HandlerResult ReceiveLocal(PingerMessage message) {
    auto send = [this](int64_t index) { ponger_.Tell(PingMessage(Ping{index}, actor_ref())); };
    if (const Pong* pong = std::get_if<Pong>(&message)) {
      logic_.OnPong(pong->index, send);
    } else {
      logic_.Start(send);
    }
    return Handled::kOk;
  }
  const PingerStats& stats() const { return logic_.stats(); }

 private:
  [[no_unique_address]] Tracked tracked_;
  PingerLogic logic_;
  ActorRefStrong<PingMessage> ponger_;
};

// ---- component style --------------------------------------------------------------------

struct PingPongPort : Port<Requests<Ping>, Indications<Pong>> {};

class PortPonger : public ComponentDefinition<PortPonger> {
 public:
  HandlerResult Handle(const Ping& ping) {
    ++pings_;
    port_.Trigger(Pong{ping.index});
    return Handled::kOk;
  }
  int64_t pings() const { return pings_; }
  static constexpr auto Ports() { return PortList(&PortPonger::port_); }

 private:
  [[no_unique_address]] Tracked tracked_;
  ProvidedPort<PingPongPort> port_;
  int64_t pings_ = 0;
};

class PortPinger : public ComponentDefinition<PortPinger> {
 public:
  PortPinger(const ThroughputPingPongParams& params, std::shared_ptr<Latch> done)
      : logic_(params, std::move(done)) {}

  HandlerResult OnStart() override {
    logic_.Start([this](int64_t index) { port_.Trigger(Ping{index}); });
    return Handled::kOk;
  }
  HandlerResult Handle(const Pong& pong) {
    logic_.OnPong(pong.index, [this](int64_t index) { port_.Trigger(Ping{index}); });
    return Handled::kOk;
  }
  const PingerStats& stats() const { return logic_.stats(); }
  static constexpr auto Ports() { return PortList(&PortPinger::port_); }

 private:
  [[no_unique_address]] Tracked tracked_;
  RequiredPort<PingPongPort> port_;
  PingerLogic logic_;
};

// Checks every pair (read on the components' own threads), tears down, and
// turns the time into M msg/s.
template <typename PingerT, typename PongerT>
absl::StatusOr<double> Finish(const KompactSystem& system, std::vector<Component<PingerT>>& pingers,
                              std::vector<Component<PongerT>>& pongers,
                              const ThroughputPingPongParams& params, double seconds) {
  absl::Status wrong = absl::OkStatus();
  const int64_t n = params.messages_per_pair;
  for (size_t i = 0; i < pingers.size(); ++i) {
    KOMPACT_ASSIGN_OR_RETURN(
        PingerStats s, pingers[i].OnDefinition([](PingerT& p) { return p.stats(); }).WaitFor(kWaitLimit));
    KOMPACT_ASSIGN_OR_RETURN(
        int64_t pings, pongers[i].OnDefinition([](PongerT& p) { return p.pings(); }).WaitFor(kWaitLimit));
    if (s.sent != n || s.received != n || pings != n || s.out_of_order != 0) {
      wrong = WrongResult("ThroughputPingPong",
                          absl::StrCat("pair ", i, ": sent ", s.sent, ", ponged ", pings, ", received ",
                                       s.received, " (", s.out_of_order, " out of order), expected ", n));
    }
  }
  std::vector<AnyComponent> all;
  for (auto& c : pingers) all.push_back(std::move(c));
  for (auto& c : pongers) all.push_back(std::move(c));
  pingers.clear();
  pongers.clear();
  KOMPACT_RETURN_IF_ERROR(TeardownAll(system, std::move(all)));
  KOMPACT_RETURN_IF_ERROR(wrong);
  return Millions(2.0 * static_cast<double>(n * params.pairs), seconds);
}

}  // namespace

absl::StatusOr<double> RunActorThroughputPingPong(const KompactSystem& system,
                                                  const ThroughputPingPongParams& params) {
  auto done = std::make_shared<Latch>(params.pairs);
  std::vector<Component<Pinger>> pingers;
  std::vector<Component<Ponger>> pongers;
  std::vector<AnyComponent> all;
  for (int64_t i = 0; i < params.pairs; ++i) {
    pongers.push_back(system.Create<Ponger>());
    pingers.push_back(system.Create<Pinger>(params, done, pongers.back().actor_ref()));
    all.push_back(pongers.back());
    all.push_back(pingers.back());
  }
  KOMPACT_RETURN_IF_ERROR(StartAll(system, all));
  all.clear();
  std::vector<ActorRef<PingerMessage>> refs;
  for (const auto& p : pingers) refs.push_back(p.actor_ref());

  Stopwatch timer;
  for (const auto& ref : refs) ref.Tell(Run{});
  KOMPACT_RETURN_IF_ERROR(done->Wait());
  const double seconds = timer.Seconds();

  return Finish(system, pingers, pongers, params, seconds);
}

absl::StatusOr<double> RunComponentThroughputPingPong(const KompactSystem& system,
                                                      const ThroughputPingPongParams& params) {
  auto done = std::make_shared<Latch>(params.pairs);
  std::vector<Component<PortPinger>> pingers;
  std::vector<Component<PortPonger>> pongers;
  std::vector<AnyComponent> all_pongers;
  for (int64_t i = 0; i < params.pairs; ++i) {
    pongers.push_back(system.Create<PortPonger>());
    pingers.push_back(system.Create<PortPinger>(params, done));
    KOMPACT_RETURN_IF_ERROR(BiconnectComponents<PingPongPort>(pongers.back(), pingers.back()).status());
    all_pongers.push_back(pongers.back());
  }
  KOMPACT_RETURN_IF_ERROR(StartAll(system, all_pongers));
  all_pongers.clear();

  Stopwatch timer;
  for (const auto& p : pingers) system.Start(p);  // OnStart sends the first W pings
  KOMPACT_RETURN_IF_ERROR(done->Wait());
  const double seconds = timer.Seconds();

  return Finish(system, pingers, pongers, params, seconds);
}

}  // namespace kompact::bench
