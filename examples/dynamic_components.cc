// Dynamic components: a manager creates arithmetic units of types it does not
// know (type-erased creation), finds out at run time which ports each provides
// (dynamic port lookup), connects, starts and kills them, all from inside its
// handlers (the Kompact book, "Dynamic Components").
//
// main is a small REPL: each line of standard input is a command, sent to the
// manager as an ask; the manager answers once every unit concerned has handled it.
//   spawn adder | spawn multiplier | spawn linear
//   set offset X | set scale X | compute X | kill all | quit
//
//   tools/bazel run //examples:dynamic_components
//   tools/bazel run //examples:dynamic_components < examples/dynamic_components_commands.txt
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "base/absl_compat.h"
#include "glog/logging.h"
#include "runtime/actor_ref.h"
#include "runtime/channel.h"
#include "runtime/component.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"
#include "runtime/port.h"
#include "runtime/port_fields.h"

namespace examples {

using kompact::Ask;
using kompact::Handled;
using kompact::HandlerResult;
using kompact::InfoLifecycle;
using kompact::Provided;
using kompact::ProvidedPort;

// [tutorial:ports]
// The services an arithmetic unit may provide. Each answers every request with an
// indication, so the manager knows when all units have handled it.
struct Compute {
  float value;
};
struct Computed {
  std::string unit;
  float result;
};
struct ComputePort : kompact::Port<kompact::Requests<Compute>, kompact::Indications<Computed>> {};

struct Applied {};
struct SetOffset : kompact::Port<kompact::Requests<float>, kompact::Indications<Applied>> {};
struct SetScale : kompact::Port<kompact::Requests<float>, kompact::Indications<Applied>> {};
// [end]

// [tutorial:simple_components]
class Adder : public InfoLifecycle<Adder> {
 public:
  HandlerResult Handle(const Compute& compute) {
    const float result = compute.value + offset_;
    KLOG(log(), INFO) << "Adder result = " << result;
    compute_.Trigger(Computed{"Adder", result});
    return Handled::kOk;
  }
  HandlerResult Handle(float offset) {
    offset_ = offset;
    set_offset_.Trigger(Applied{});
    return Handled::kOk;
  }

  static constexpr auto Ports() { return kompact::PortList(&Adder::compute_, &Adder::set_offset_); }

 private:
  ProvidedPort<ComputePort> compute_;
  ProvidedPort<SetOffset> set_offset_;
  float offset_ = 0;
};

class Multiplier : public InfoLifecycle<Multiplier> {
 public:
  HandlerResult Handle(const Compute& compute) {
    const float result = compute.value * scale_;
    KLOG(log(), INFO) << "Multiplier result = " << result;
    compute_.Trigger(Computed{"Multiplier", result});
    return Handled::kOk;
  }
  HandlerResult Handle(float scale) {
    scale_ = scale;
    set_scale_.Trigger(Applied{});
    return Handled::kOk;
  }

  static constexpr auto Ports() { return kompact::PortList(&Multiplier::compute_, &Multiplier::set_scale_); }

 private:
  ProvidedPort<ComputePort> compute_;
  ProvidedPort<SetScale> set_scale_;
  float scale_ = 1;
};
// [end]

// [tutorial:linear]
// Both setting ports carry a float: the port fields come first, so that the
// handlers can name them in their tags.
class Linear : public InfoLifecycle<Linear> {
  ProvidedPort<ComputePort> compute_;
  ProvidedPort<SetScale> set_scale_;
  ProvidedPort<SetOffset> set_offset_;

 public:
  HandlerResult Handle(const Compute& compute) {
    const float result = compute.value * scale_ + offset_;
    KLOG(log(), INFO) << "Linear result = " << result;
    compute_.Trigger(Computed{"Linear", result});
    return Handled::kOk;
  }
  HandlerResult Handle(Provided<&Linear::set_scale_>, float scale) {
    scale_ = scale;
    set_scale_.Trigger(Applied{});
    return Handled::kOk;
  }
  HandlerResult Handle(Provided<&Linear::set_offset_>, float offset) {
    offset_ = offset;
    set_offset_.Trigger(Applied{});
    return Handled::kOk;
  }

  static constexpr auto Ports() {
    return kompact::PortList(&Linear::compute_, &Linear::set_scale_, &Linear::set_offset_);
  }

 private:
  float scale_ = 1;
  float offset_ = 0;
};
// [end]

// [tutorial:commands]
// Creates a unit of type C; the manager only sees the type-erased result.
using UnitFactory = kompact::AnyComponent (*)(const kompact::KompactSystem&);
template <typename C>
kompact::AnyComponent CreateUnit(const kompact::KompactSystem& system) {
  return system.CreateErased<C>();
}

struct Spawn {
  UnitFactory create;
};
struct ComputeAll {
  float value;
};
struct SetOffsets {
  float offset;
};
struct SetScales {
  float scale;
};
struct KillAll {};
struct Quit {};
using Command = std::variant<Spawn, ComputeAll, SetOffsets, SetScales, KillAll, Quit>;
// [end]

// [tutorial:storage]
class DynamicManager : public kompact::ComponentDefinition<DynamicManager>,
                       public kompact::Actor<Ask<Command, std::string>> {
 public:
  HandlerResult ReceiveLocal(Ask<Command, std::string> ask) {
    return std::visit([&](auto& command) { return Run(command, ask); }, ask.request());
  }
  // [end]

  // [tutorial:replies]
  HandlerResult Handle(const Computed& computed) {
    results_.push_back(absl::StrCat(computed.unit, " = ", computed.result));
    return Answered();
  }
  // From either setting port.
  HandlerResult Handle(const Applied&) { return Answered(); }
  // [end]

  static constexpr auto Ports() {
    return kompact::PortList(&DynamicManager::compute_, &DynamicManager::set_offsets_,
                             &DynamicManager::set_scales_);
  }

 private:
  // [tutorial:storage]
  struct Unit {
    kompact::AnyComponent component;
    bool computes = false;  // provides ComputePort
    bool offsets = false;   // provides SetOffset
    bool scales = false;    // provides SetScale
  };
  // [end]

  // [tutorial:creation]
  HandlerResult Run(Spawn& spawn, Ask<Command, std::string>& ask) {
    Unit unit{.component = spawn.create(system())};
    // Connect every port of ours that the new unit provides.
    absl::StatusOr<bool> computes = ConnectIfProvided(unit.component, compute_);
    absl::StatusOr<bool> offsets = ConnectIfProvided(unit.component, set_offsets_);
    absl::StatusOr<bool> scales = ConnectIfProvided(unit.component, set_scales_);
    for (const absl::StatusOr<bool>* connected : {&computes, &offsets, &scales}) {
      if (!connected->ok()) return connected->status();
    }
    unit.computes = *computes;
    unit.offsets = *offsets;
    unit.scales = *scales;
    system().Start(unit.component);
    ask.Reply(absl::StrCat("spawned ", kompact::AsAbsl(unit.component.type_name())));
    units_.push_back(std::move(unit));
    return Handled::kOk;
  }

  // Connects `required` to the unit's provided port of the same type, if it has one.
  template <typename P>
  static absl::StatusOr<bool> ConnectIfProvided(const kompact::AnyComponent& unit,
                                                kompact::RequiredPort<P>& required) {
    absl::StatusOr<kompact::ProvidedPortRef<P>> provided = unit.GetProvidedPort<P>();
    if (absl::IsNotFound(provided.status())) return false;
    if (!provided.ok()) return provided.status();
    absl::StatusOr<kompact::Channel<P>> channel = kompact::ConnectPorts(*provided, required.Share());
    if (!channel.ok()) return channel.status();
    return true;
  }
  // [end]

  // [tutorial:broadcast]
  HandlerResult Run(ComputeAll& compute, Ask<Command, std::string>& ask) {
    compute_.Trigger(Compute{compute.value});
    return AwaitAnswers(&Unit::computes, ask);
  }
  HandlerResult Run(SetOffsets& set, Ask<Command, std::string>& ask) {
    set_offsets_.Trigger(set.offset);
    return AwaitAnswers(&Unit::offsets, ask);
  }
  HandlerResult Run(SetScales& set, Ask<Command, std::string>& ask) {
    set_scales_.Trigger(set.scale);
    return AwaitAnswers(&Unit::scales, ask);
  }

  // The request was triggered to every unit providing the port: wait for as many
  // answers (Handle(const Computed&), Handle(const Applied&)).
  HandlerResult AwaitAnswers(bool Unit::*provides, Ask<Command, std::string>& ask) {
    awaiting_ = std::count_if(units_.begin(), units_.end(), [&](const Unit& u) { return u.*provides; });
    answered_ = 0;
    pending_ = std::move(ask);
    return Answered(/*answers=*/0);
  }

  HandlerResult Answered(size_t answers = 1) {
    if (!pending_.has_value()) return Handled::kOk;
    awaiting_ -= std::min(awaiting_, answers);
    answered_ += answers;
    if (awaiting_ > 0) return Handled::kOk;
    std::sort(results_.begin(), results_.end());
    pending_->Reply(results_.empty() ? absl::StrCat("applied by ", answered_, " unit(s)")
                                     : absl::StrJoin(results_, ", "));
    pending_.reset();
    results_.clear();
    return Handled::kOk;
  }
  // [end]

  // [tutorial:kill]
  HandlerResult Run(KillAll&, Ask<Command, std::string>& ask) {
    ask.Reply(absl::StrCat("killing ", units_.size(), " unit(s)"));
    KillAllUnits();
    return Handled::kOk;
  }
  HandlerResult Run(Quit&, Ask<Command, std::string>& ask) {
    KillAllUnits();
    ask.Reply("bye");
    system().ShutdownAsync();
    return Handled::kOk;
  }

  void KillAllUnits() {
    // Their links from our ports are pruned the next time we trigger.
    for (const Unit& unit : units_) system().Kill(unit.component);
    units_.clear();
  }
  // [end]

  // [tutorial:storage]
  kompact::RequiredPort<ComputePort> compute_;
  kompact::RequiredPort<SetOffset> set_offsets_;
  kompact::RequiredPort<SetScale> set_scales_;
  std::vector<Unit> units_;
  std::optional<Ask<Command, std::string>> pending_;  // the command waiting for answers
  size_t awaiting_ = 0;
  size_t answered_ = 0;
  std::vector<std::string> results_;
};
// [end]

// [tutorial:parse]
absl::StatusOr<Command> Parse(std::string_view input) {
  const absl::string_view line = absl::StripAsciiWhitespace(kompact::AsAbsl(input));
  float value = 0;
  if (line == "spawn adder") return Spawn{&CreateUnit<Adder>};
  if (line == "spawn multiplier") return Spawn{&CreateUnit<Multiplier>};
  if (line == "spawn linear") return Spawn{&CreateUnit<Linear>};
  if (line == "kill all") return KillAll{};
  if (line == "quit") return Quit{};
  absl::string_view rest = line;
  if (absl::ConsumePrefix(&rest, "set offset ") && absl::SimpleAtof(rest, &value)) return SetOffsets{value};
  if (absl::ConsumePrefix(&rest, "set scale ") && absl::SimpleAtof(rest, &value)) return SetScales{value};
  if (absl::ConsumePrefix(&rest, "compute ") && absl::SimpleAtof(rest, &value)) return ComputeAll{value};
  return absl::InvalidArgumentError(absl::StrCat("unknown command: ", line));
}
// [end]

}  // namespace examples

// [tutorial:repl]
int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  absl::StatusOr<kompact::KompactSystem> system = kompact::KompactConfig().Build();
  if (!system.ok()) {
    LOG(ERROR) << "cannot build the system: " << system.status();
    return 1;
  }
  kompact::Component<examples::DynamicManager> manager = system->Create<examples::DynamicManager>();
  system->Start(manager);
  kompact::ActorRef<kompact::Ask<examples::Command, std::string>> manager_ref = manager.actor_ref();

  const bool echo = !isatty(STDIN_FILENO);  // show commands read from a file
  std::string line;
  bool quit = false;
  while (!quit && std::getline(std::cin, line)) {
    if (echo) std::cout << "> " << line << std::endl;
    absl::StatusOr<examples::Command> command = examples::Parse(line);
    if (!command.ok()) {
      std::cout << command.status().message() << std::endl;
      continue;
    }
    quit = std::holds_alternative<examples::Quit>(*command);
    absl::StatusOr<std::string> reply = manager_ref.Ask(*std::move(command)).WaitFor(absl::Seconds(10));
    std::cout << (reply.ok() ? *reply : reply.status().ToString()) << std::endl;
  }
  if (!quit) manager_ref.Ask(examples::Command(examples::Quit{})).WaitFor(absl::Seconds(10)).IgnoreError();
  system->AwaitTermination();
  return 0;
}
// [end]
