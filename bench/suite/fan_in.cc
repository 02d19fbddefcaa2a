#include "bench/suite/fan_in.h"

#include <algorithm>
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
struct Credit {
  int64_t amount;
};
struct Data {
  int64_t source;
  int64_t seq;
};
using SourceMessage = std::variant<Run, Credit>;

// Messages each source sends.
int64_t Share(const FanInParams& p, int64_t source) {
  return p.messages / p.senders + (source < p.messages % p.senders ? 1 : 0);
}

// The sink's bookkeeping, shared by both styles.
class SinkLogic {
 public:
  SinkLogic(const FanInParams& params, std::shared_ptr<Latch> done)
      : total_(params.messages), expected_(params.senders, 0), done_(std::move(done)) {}

  // Returns the new count of messages from `data.source`.
  int64_t OnData(const Data& data) {
    int64_t& next = expected_[data.source];
    if (data.seq != next) ++out_of_order_;
    ++next;
    if (++received_ == total_) done_->CountDown();
    return next;
  }
  // Empty if all was well.
  std::string Problems() const {
    if (received_ == total_ && out_of_order_ == 0) return "";
    return absl::StrCat("received ", received_, " of ", total_, " messages, ", out_of_order_,
                        " out of order");
  }

 private:
  const int64_t total_;
  std::vector<int64_t> expected_;
  int64_t received_ = 0;
  int64_t out_of_order_ = 0;
  std::shared_ptr<Latch> done_;
};

// ---- actor style ------------------------------------------------------------------------

class Sink : public ComponentDefinition<Sink>, public Actor<Data> {
 public:
  Sink(const FanInParams& params, std::shared_ptr<Latch> done)
      : logic_(params, std::move(done)),
        ack_(std::max<int64_t>(1, params.window / 10)),
        bounded_(params.window > 0) {}

  // Bounded variant: where to send credits back.
  void SetSources(std::vector<ActorRef<SourceMessage>> sources) { sources_ = std::move(sources); }

  HandlerResult ReceiveLocal(Data data) {
    const int64_t count = logic_.OnData(data);
    if (bounded_ && count % ack_ == 0) sources_[data.source].Tell(Credit{ack_});
    return Handled::kOk;
  }
  std::string Problems() const { return logic_.Problems(); }

 private:
  [[no_unique_address]] Tracked tracked_;
  SinkLogic logic_;
  const int64_t ack_;
  const bool bounded_;
  std::vector<ActorRef<SourceMessage>> sources_;  // weak: sources hold the sink strongly
};

class Source : public ComponentDefinition<Source>, public Actor<SourceMessage> {
 public:
  Source(const FanInParams& params, int64_t index, const ActorRef<Data>& sink)
      : index_(index), left_(Share(params, index)), window_(params.window), sink_(sink.Hold()) {}

  HandlerResult ReceiveLocal(SourceMessage message) {
    if (window_ == 0) {  // unbounded: everything at once
      Send(left_);
      return Handled::kOk;
    }
    credits_ += std::holds_alternative<Run>(message) ? window_ : std::get<Credit>(message).amount;
    Send(std::min(left_, credits_));
    return Handled::kOk;
  }

 private:
  void Send(int64_t k) {
    for (int64_t i = 0; i < k; ++i) sink_.Tell(Data{index_, seq_++});
    left_ -= k;
    credits_ -= k;
  }

  [[no_unique_address]] Tracked tracked_;
  const int64_t index_;
  int64_t left_;
  const int64_t window_;
  int64_t credits_ = 0;
  int64_t seq_ = 0;
  ActorRefStrong<Data> sink_;
};

// ---- component style --------------------------------------------------------------------

struct FanInPort : Port<Requests<Data>, Indications<>> {};

class PortSink : public ComponentDefinition<PortSink> {
 public:
  PortSink(const FanInParams& params, std::shared_ptr<Latch> done) : logic_(params, std::move(done)) {}
  HandlerResult Handle(const Data& data) {
    logic_.OnData(data);
    return Handled::kOk;
  }
  std::string Problems() const { return logic_.Problems(); }
  static constexpr auto Ports() { return PortList(&PortSink::port_); }

 private:
  [[no_unique_address]] Tracked tracked_;
  ProvidedPort<FanInPort> port_;
  SinkLogic logic_;
};

class PortSource : public ComponentDefinition<PortSource> {
 public:
  PortSource(const FanInParams& params, int64_t index) : index_(index), count_(Share(params, index)) {}
  HandlerResult OnStart() override {
    for (int64_t seq = 0; seq < count_; ++seq) port_.Trigger(Data{index_, seq});
    return Handled::kOk;
  }
  // Nothing arrives on port_ (FanInPort has no indications).
  static constexpr auto Ports() { return PortList(Ignore(&PortSource::port_)); }

 private:
  [[no_unique_address]] Tracked tracked_;
  RequiredPort<FanInPort> port_;
  const int64_t index_;
  const int64_t count_;
};

template <typename SinkT>
absl::StatusOr<double> Finish(const KompactSystem& system, Component<SinkT> sink,
                              std::vector<AnyComponent> sources, const FanInParams& params, double seconds) {
  KOMPACT_ASSIGN_OR_RETURN(std::string problems,
                           sink.OnDefinition([](SinkT& s) { return s.Problems(); }).WaitFor(kWaitLimit));
  sources.push_back(std::move(sink));
  KOMPACT_RETURN_IF_ERROR(TeardownAll(system, std::move(sources)));
  if (!problems.empty()) return WrongResult("FanIn", problems);
  return Millions(static_cast<double>(params.messages), seconds);
}

}  // namespace

absl::StatusOr<double> RunActorFanIn(const KompactSystem& system, const FanInParams& params) {
  auto done = std::make_shared<Latch>(1);
  Component<Sink> sink = system.Create<Sink>(params, done);
  std::vector<AnyComponent> sources;
  std::vector<ActorRef<SourceMessage>> source_refs;
  for (int64_t i = 0; i < params.senders; ++i) {
    Component<Source> source = system.Create<Source>(params, i, sink.actor_ref());
    source_refs.push_back(source.actor_ref());
    sources.push_back(std::move(source));
  }
  if (params.window > 0) sink.definition().SetSources(source_refs);  // not started yet: safe
  std::vector<AnyComponent> all = sources;
  all.push_back(sink);
  KOMPACT_RETURN_IF_ERROR(StartAll(system, all));
  all.clear();

  Stopwatch timer;
  for (const auto& ref : source_refs) ref.Tell(Run{});
  KOMPACT_RETURN_IF_ERROR(done->Wait());
  const double seconds = timer.Seconds();

  source_refs.clear();
  return Finish(system, std::move(sink), std::move(sources), params, seconds);
}

absl::StatusOr<double> RunComponentFanIn(const KompactSystem& system, const FanInParams& params) {
  auto done = std::make_shared<Latch>(1);
  Component<PortSink> sink = system.Create<PortSink>(params, done);
  std::vector<AnyComponent> sources;
  for (int64_t i = 0; i < params.senders; ++i) {
    Component<PortSource> source = system.Create<PortSource>(params, i);
    KOMPACT_RETURN_IF_ERROR(BiconnectComponents<FanInPort>(sink, source).status());
    sources.push_back(std::move(source));
  }
  KOMPACT_RETURN_IF_ERROR(StartAll(system, {sink}));

  Stopwatch timer;
  for (const auto& source : sources) system.Start(source);  // OnStart sends everything
  KOMPACT_RETURN_IF_ERROR(done->Wait());
  const double seconds = timer.Seconds();

  return Finish(system, std::move(sink), std::move(sources), params, seconds);
}

}  // namespace kompact::bench
