#include "bench/suite/pingpong.h"

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
struct Ping {};
struct Pong {};

// Round trips counted by each side, read after a run.
struct Counts {
  int64_t pings = 0;
  int64_t pongs = 0;
};

absl::StatusOr<double> Check(double seconds, int64_t n, const Counts& counts) {
  if (counts.pings != n || counts.pongs != n) {
    return WrongResult("PingPong",
                       absl::StrCat(counts.pings, " pings and ", counts.pongs, " pongs, expected ", n));
  }
  return Millions(static_cast<double>(n), seconds);
}

// ---- actor style ------------------------------------------------------------------------

using PingerMessage = std::variant<Run, Pong>;
using PingMessage = WithSender<Ping, PingerMessage>;

class Ponger : public ComponentDefinition<Ponger>, public Actor<PingMessage> {
 public:
  HandlerResult ReceiveLocal(PingMessage ping) {
    ++pings_;
    ping.Reply(Pong{});
    return Handled::kOk;
  }
  int64_t pings() const { return pings_; }

 private:
  [[no_unique_address]] Tracked tracked_;
  int64_t pings_ = 0;
};

class Pinger : public ComponentDefinition<Pinger>, public Actor<PingerMessage> {
 public:
  Pinger(int64_t n, std::shared_ptr<Latch> done, const ActorRef<PingMessage>& ponger)
      : n_(n), done_(std::move(done)), ponger_(ponger.Hold()) {}

  HandlerResult ReceiveLocal(PingerMessage message) {
    if (std::holds_alternative<Pong>(message)) {
      if (++pongs_ == n_) {
        done_->CountDown();
        return Handled::kOk;
      }
    }
    ponger_.Tell(PingMessage(Ping{}, actor_ref()));
    return Handled::kOk;
  }
  int64_t pongs() const { return pongs_; }

 private:
  [[no_unique_address]] Tracked tracked_;
  const int64_t n_;
  int64_t pongs_ = 0;
  std::shared_ptr<Latch> done_;
  ActorRefStrong<PingMessage> ponger_;
};

// ---- component style --------------------------------------------------------------------

struct PingPongPort : Port<Requests<Ping>, Indications<Pong>> {};

class PortPonger : public ComponentDefinition<PortPonger> {
 public:
  HandlerResult Handle(const Ping&) {
    ++pings_;
    port_.Trigger(Pong{});
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
  PortPinger(int64_t n, std::shared_ptr<Latch> done) : n_(n), done_(std::move(done)) {}

  HandlerResult OnStart() override {
    port_.Trigger(Ping{});
    return Handled::kOk;
  }
  HandlerResult Handle(const Pong&) {
    if (++pongs_ == n_) {
      done_->CountDown();
    } else {
      port_.Trigger(Ping{});
    }
    return Handled::kOk;
  }
  int64_t pongs() const { return pongs_; }
  static constexpr auto Ports() { return PortList(&PortPinger::port_); }

 private:
  [[no_unique_address]] Tracked tracked_;
  RequiredPort<PingPongPort> port_;
  const int64_t n_;
  int64_t pongs_ = 0;
  std::shared_ptr<Latch> done_;
};

// Reads both counters on the components' own threads.
template <typename PingerT, typename PongerT>
absl::StatusOr<Counts> ReadCounts(const Component<PingerT>& pinger, const Component<PongerT>& ponger) {
  Counts counts;
  KOMPACT_ASSIGN_OR_RETURN(counts.pongs,
                           pinger.OnDefinition([](PingerT& p) { return p.pongs(); }).WaitFor(kWaitLimit));
  KOMPACT_ASSIGN_OR_RETURN(counts.pings,
                           ponger.OnDefinition([](PongerT& p) { return p.pings(); }).WaitFor(kWaitLimit));
  return counts;
}

}  // namespace

absl::StatusOr<double> RunActorPingPong(const KompactSystem& system, int64_t n) {
  auto done = std::make_shared<Latch>(1);
  Component<Ponger> ponger = system.Create<Ponger>();
  Component<Pinger> pinger = system.Create<Pinger>(n, done, ponger.actor_ref());
  KOMPACT_RETURN_IF_ERROR(StartAll(system, {ponger, pinger}));

  Stopwatch timer;
  pinger.actor_ref().Tell(Run{});
  KOMPACT_RETURN_IF_ERROR(done->Wait());
  const double seconds = timer.Seconds();

  KOMPACT_ASSIGN_OR_RETURN(Counts counts, ReadCounts(pinger, ponger));
  KOMPACT_RETURN_IF_ERROR(Teardown(system, std::move(pinger), std::move(ponger)));
  return Check(seconds, n, counts);
}

absl::StatusOr<double> RunComponentPingPong(const KompactSystem& system, int64_t n) {
  auto done = std::make_shared<Latch>(1);
  Component<PortPonger> ponger = system.Create<PortPonger>();
  Component<PortPinger> pinger = system.Create<PortPinger>(n, done);
  KOMPACT_RETURN_IF_ERROR(BiconnectComponents<PingPongPort>(ponger, pinger).status());
  KOMPACT_RETURN_IF_ERROR(StartAll(system, {ponger}));

  Stopwatch timer;
  system.Start(pinger);  // OnStart sends the first ping
  KOMPACT_RETURN_IF_ERROR(done->Wait());
  const double seconds = timer.Seconds();

  KOMPACT_ASSIGN_OR_RETURN(Counts counts, ReadCounts(pinger, ponger));
  KOMPACT_RETURN_IF_ERROR(Teardown(system, std::move(pinger), std::move(ponger)));
  return Check(seconds, n, counts);
}

}  // namespace kompact::bench
