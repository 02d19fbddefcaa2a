#include "bench/suite/chameneos.h"

#include <memory>
#include <optional>
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

ChameneosColour ChameneosColourFor(int64_t i) {
  static constexpr ChameneosColour kColours[] = {ChameneosColour::kRed, ChameneosColour::kYellow,
                                                 ChameneosColour::kBlue};
  return kColours[i % 3];
}

ChameneosColour Complement(ChameneosColour a, ChameneosColour b) {
  if (a == ChameneosColour::kFaded || b == ChameneosColour::kFaded) return ChameneosColour::kFaded;
  if (a == b) return a;
  // The third colour: red, yellow and blue are 0, 1 and 2.
  return static_cast<ChameneosColour>(3 - static_cast<int>(a) - static_cast<int>(b));
}

namespace {

// ---- messages -----------------------------------------------------------------------------

struct MeetOther;  // creature -> creature: "you met me"
struct Change {    // creature -> creature: "this is my new colour"
  ChameneosColour colour;
};
struct Exit {};  // mall -> creature: no more meetings
using CreatureMessage = std::variant<MeetOther, Change, Exit>;
struct MeetOther {
  ChameneosColour colour;
  ActorRefStrong<CreatureMessage> creature;
};

struct Meet {  // creature -> mall
  ChameneosColour colour;
  ActorRefStrong<CreatureMessage> creature;
};
struct MeetingCount {  // creature -> mall, when sent away
  int64_t meetings;
};
using MallMessage = std::variant<Meet, MeetingCount>;

// The mall's bookkeeping, shared by both styles. `send_away(creature)` tells one
// creature that there are no more meetings.
class MallLogic {
 public:
  MallLogic(int64_t creatures, int64_t meetings, std::shared_ptr<Latch> done)
      : creatures_(creatures), meetings_(meetings), done_(std::move(done)) {}

  template <typename SendAway>
  void OnMeet(Meet meet, SendAway&& send_away) {
    if (arranged_ >= meetings_) {
      send_away(std::move(meet.creature));
    } else if (waiting_) {
      ++arranged_;
      std::exchange(waiting_, std::nullopt)->Tell(MeetOther{meet.colour, std::move(meet.creature)});
    } else {
      waiting_ = std::move(meet.creature);
    }
  }
  void OnCount(MeetingCount count) {
    reported_ += count.meetings;
    if (++faded_ == creatures_) done_->CountDown();
  }
  std::string Problems() const {
    if (faded_ == creatures_ && reported_ == 2 * meetings_) return "";
    return absl::StrCat(faded_, " of ", creatures_, " creatures reported ", reported_, " meetings, expected ",
                        2 * meetings_);
  }

 private:
  const int64_t creatures_;
  const int64_t meetings_;
  std::shared_ptr<Latch> done_;
  std::optional<ActorRefStrong<CreatureMessage>> waiting_;
  int64_t arranged_ = 0;
  int64_t faded_ = 0;
  int64_t reported_ = 0;
};

// A creature's behaviour, shared by both styles. `to_mall(MallMessage)` reaches
// the mall.
class CreatureLogic {
 public:
  explicit CreatureLogic(ChameneosColour colour) : colour_(colour) {}

  template <typename ToMall>
  void Start(const ActorRef<CreatureMessage>& self, ToMall&& to_mall) {
    to_mall(Meet{colour_, self.Hold()});
  }
  // Returns true when the creature must die.
  template <typename ToMall>
  bool OnMessage(CreatureMessage message, const ActorRef<CreatureMessage>& self, ToMall&& to_mall) {
    if (MeetOther* other = std::get_if<MeetOther>(&message)) {
      colour_ = Complement(colour_, other->colour);
      ++meetings_;
      other->creature.Tell(Change{colour_});
      to_mall(Meet{colour_, self.Hold()});
    } else if (const Change* change = std::get_if<Change>(&message)) {
      colour_ = change->colour;
      ++meetings_;
      to_mall(Meet{colour_, self.Hold()});
    } else {
      return OnExit(std::forward<ToMall>(to_mall));
    }
    return false;
  }
  template <typename ToMall>
  bool OnExit(ToMall&& to_mall) {
    colour_ = ChameneosColour::kFaded;
    to_mall(MeetingCount{meetings_});
    return true;
  }

 private:
  ChameneosColour colour_;
  int64_t meetings_ = 0;
};

// ---- actor style ------------------------------------------------------------------------

// Reaches the mall through its actor ref.
struct ToMallRef {
  const ActorRefStrong<MallMessage>& mall;
  template <typename M>
  void operator()(M message) const {
    mall.Tell(std::move(message));
  }
};

class Mall : public ComponentDefinition<Mall>, public Actor<MallMessage> {
 public:
  Mall(int64_t creatures, int64_t meetings, std::shared_ptr<Latch> done)
      : logic_(creatures, meetings, std::move(done)) {}
  HandlerResult ReceiveLocal(MallMessage message) {
    if (Meet* meet = std::get_if<Meet>(&message)) {
      logic_.OnMeet(std::move(*meet), [](ActorRefStrong<CreatureMessage> c) { c.Tell(Exit{}); });
    } else {
      logic_.OnCount(std::get<MeetingCount>(message));
    }
    return Handled::kOk;
  }
  std::string Problems() const { return logic_.Problems(); }

 private:
  [[no_unique_address]] Tracked tracked_;
  MallLogic logic_;
};

class Creature : public ComponentDefinition<Creature>, public Actor<CreatureMessage> {
 public:
  Creature(ChameneosColour colour, const ActorRef<MallMessage>& mall) : logic_(colour), mall_(mall.Hold()) {}
  HandlerResult OnStart() override {
    logic_.Start(actor_ref(), ToMallRef{mall_});
    return Handled::kOk;
  }
  HandlerResult ReceiveLocal(CreatureMessage message) {
    if (logic_.OnMessage(std::move(message), actor_ref(), ToMallRef{mall_})) Suicide();
    return Handled::kOk;
  }

 private:
  [[no_unique_address]] Tracked tracked_;
  CreatureLogic logic_;
  ActorRefStrong<MallMessage> mall_;
};

// ---- mixed style --------------------------------------------------------------------------

struct MallPort : Port<Requests<Meet, MeetingCount>, Indications<Exit>> {};

// Reaches the mall through the required port.
struct ToMallPort {
  RequiredPort<MallPort>& port;
  template <typename M>
  void operator()(M message) const {
    port.Trigger(std::move(message));
  }
};

class PortMall : public ComponentDefinition<PortMall> {
 public:
  PortMall(int64_t creatures, int64_t meetings, std::shared_ptr<Latch> done)
      : logic_(creatures, meetings, std::move(done)), creatures_(creatures) {}
  HandlerResult Handle(Meet meet) {
    // Exit goes to every creature at once, over the port, once all of them are
    // back at the mall. (Kompact's version broadcasts at the first Meet after the
    // last meeting; a creature can then see Exit before a Change still on its way
    // to it — port events and actor messages are not ordered with each other —
    // and report one meeting too few.)
    logic_.OnMeet(std::move(meet), [this](ActorRefStrong<CreatureMessage>) {
      if (++back_ == creatures_) port_.Trigger(Exit{});
    });
    return Handled::kOk;
  }
  HandlerResult Handle(const MeetingCount& count) {
    logic_.OnCount(count);
    return Handled::kOk;
  }
  std::string Problems() const { return logic_.Problems(); }
  static constexpr auto Ports() { return PortList(&PortMall::port_); }

 private:
  [[no_unique_address]] Tracked tracked_;
  ProvidedPort<MallPort> port_;
  MallLogic logic_;
  const int64_t creatures_;
  int64_t back_ = 0;  // creatures that asked for a meeting after the last one
};

class PortCreature : public ComponentDefinition<PortCreature>, public Actor<CreatureMessage> {
 public:
  explicit PortCreature(ChameneosColour colour) : logic_(colour) {}
  HandlerResult OnStart() override {
    logic_.Start(actor_ref(), ToMallPort{port_});
    return Handled::kOk;
  }
  HandlerResult ReceiveLocal(CreatureMessage message) {
    if (logic_.OnMessage(std::move(message), actor_ref(), ToMallPort{port_})) Suicide();
    return Handled::kOk;
  }
  HandlerResult Handle(const Exit&) {
    if (logic_.OnExit(ToMallPort{port_})) Suicide();
    return Handled::kOk;
  }
  static constexpr auto Ports() { return PortList(&PortCreature::port_); }

 private:
  [[no_unique_address]] Tracked tracked_;
  RequiredPort<MallPort> port_;
  CreatureLogic logic_;
};

template <typename MallT>
absl::StatusOr<double> Finish(const KompactSystem& system, Component<MallT> mall, int64_t meetings,
                              double seconds) {
  KOMPACT_ASSIGN_OR_RETURN(std::string problems,
                           mall.OnDefinition([](MallT& m) { return m.Problems(); }).WaitFor(kWaitLimit));
  KOMPACT_RETURN_IF_ERROR(Teardown(system, std::move(mall)));  // the creatures killed themselves
  if (!problems.empty()) return WrongResult("Chameneos", problems);
  return Millions(static_cast<double>(meetings), seconds);
}

}  // namespace

absl::StatusOr<double> RunActorChameneos(const KompactSystem& system, int64_t creatures, int64_t meetings) {
  auto done = std::make_shared<Latch>(1);
  Component<Mall> mall = system.Create<Mall>(creatures, meetings, done);
  KOMPACT_RETURN_IF_ERROR(StartAll(system, {mall}));
  std::vector<Component<Creature>> all;
  for (int64_t i = 0; i < creatures; ++i)
    all.push_back(system.Create<Creature>(ChameneosColourFor(i), mall.actor_ref()));

  Stopwatch timer;
  for (auto& c : all) system.Start(c);
  all.clear();  // started creatures are kept alive by their supervisor until they die
  KOMPACT_RETURN_IF_ERROR(done->Wait());
  const double seconds = timer.Seconds();

  return Finish(system, std::move(mall), meetings, seconds);
}

absl::StatusOr<double> RunMixedChameneos(const KompactSystem& system, int64_t creatures, int64_t meetings) {
  auto done = std::make_shared<Latch>(1);
  Component<PortMall> mall = system.Create<PortMall>(creatures, meetings, done);
  KOMPACT_RETURN_IF_ERROR(StartAll(system, {mall}));
  std::vector<Component<PortCreature>> all;
  for (int64_t i = 0; i < creatures; ++i) {
    all.push_back(system.Create<PortCreature>(ChameneosColourFor(i)));
    KOMPACT_RETURN_IF_ERROR(BiconnectComponents<MallPort>(mall, all.back()).status());
  }

  Stopwatch timer;
  for (auto& c : all) system.Start(c);
  all.clear();
  KOMPACT_RETURN_IF_ERROR(done->Wait());
  const double seconds = timer.Seconds();

  return Finish(system, std::move(mall), meetings, seconds);
}

}  // namespace kompact::bench
