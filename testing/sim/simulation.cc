#include "testing/sim/simulation.h"

#include <cmath>
#include <exception>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/absl_compat.h"
#include "base/internal/uuid_seed.h"
#include "base/status.h"
#include "glog/logging.h"
#include "net/network_dispatcher.h"
#include "runtime/internal/system_core.h"
#include "runtime/kompact_config.h"
#include "testing/sim/sim_executor.h"
#include "testing/sim/sim_timer.h"

namespace kompact::sim {
namespace {

constexpr uint16_t kPort = 7000;

// Forwards log lines to glog with the virtual time in front.
class SimLogSink final : public LogSink {
 public:
  explicit SimLogSink(const Scheduler* scheduler) : scheduler_(scheduler), glog_(GlogSink()) {}
  void Send(const LogRecord& record) override {
    const std::string message = absl::StrFormat(
        "[sim t=%.6fms] %s", static_cast<double>(scheduler_->now()) / 1e6, std::string(record.message));
    LogRecord copy = record;
    copy.message = message;
    glog_->Send(copy);
  }

 private:
  const Scheduler* scheduler_;
  std::shared_ptr<LogSink> glog_;
};

}  // namespace

struct Simulation::Slot {
  SystemId id = kNoSystem;
  SystemSpec spec;
  IpAddress ip;
  double rate = 1.0;
  int incarnation = 0;
  std::unique_ptr<KompactSystem> system;
  SimTimer* timer = nullptr;
};

absl::StatusOr<std::unique_ptr<Simulation>> Simulation::Create(SimOptions options) {
  KOMPACT_RETURN_IF_ERROR(Annotate(options.link.Validate(), "SimOptions.link"));
  if (options.max_steps == 0) return absl::InvalidArgumentError("SimOptions.max_steps must be > 0");
  if (options.max_virtual_time <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("SimOptions.max_virtual_time must be > 0");
  }
  if (!ParseLogLevel(options.log_level).has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("SimOptions.log_level '", options.log_level, "' is not a level"));
  }
  std::unique_ptr<Simulation> sim(new Simulation(std::move(options)));
  if (!sim->options_.trace_file.empty()) {
    sim->trace_file_ = std::make_unique<std::ofstream>(sim->options_.trace_file);
    if (!*sim->trace_file_) {
      return absl::InvalidArgumentError(absl::StrCat("cannot write the trace to ", sim->options_.trace_file));
    }
    sim->scheduler_->SetTraceSink(sim->trace_file_.get());
  }
  return sim;
}

Simulation::Simulation(SimOptions options)
    : options_(std::move(options)),
      scheduler_(std::make_unique<Scheduler>(options_.seed, options_.trace_tail)),
      network_(std::make_unique<SimNetwork>(*scheduler_, options_.link)),
      log_sink_(std::make_shared<SimLogSink>(scheduler_.get())) {
  // Component and incarnation ids come from this thread's generator: seeded, they
  // are the same in every run of this seed.
  base_internal::SeedUuidsOnThisThread(scheduler_->ForkRng(0x0DDBA11).Next());
}

Simulation::~Simulation() {
  for (auto& s : slots_) {
    if (s->system != nullptr) {
      absl::Status stopped = Stop(s->id);
      if (!stopped.ok()) LOG(WARNING) << "simulation: stopping system " << s->id << ": " << stopped;
    }
  }
  base_internal::ReseedUuidsOnThisThreadRandomly();
}

absl::StatusOr<SystemId> Simulation::AddSystem(SystemSpec spec) {
  const net::NetworkConfig defaults;
  if (spec.network.bind_address != defaults.bind_address || spec.network.port != 0 ||
      !spec.network.advertised_address.empty() || spec.network.advertised_port != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("SystemSpec '", spec.name,
                     "': the simulator assigns every system's address (127.77.0.<id + 1>:7000); leave "
                     "network.bind_address, port and advertised_* unset"));
  }
  if (spec.config_toml.find("kompact.net") != std::string::npos ||
      spec.config_toml.find("[net") != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("SystemSpec '", spec.name,
                     "': kompact.net.* settings in config_toml would be ignored; set SystemSpec.network"));
  }
  if (slots_.size() >= 250) return absl::ResourceExhaustedError("a simulation has at most 250 systems");
  KOMPACT_RETURN_IF_ERROR(Annotate(spec.network.Validate(), absl::StrCat("SystemSpec '", spec.name, "'")));
  auto slot = std::make_unique<Slot>();
  slot->id = scheduler_->AddSystem();
  slot->ip = IpAddress::V4(127, 77, 0, static_cast<uint8_t>(slot->id + 1));
  if (spec.name.empty()) spec.name = absl::StrCat("sim-", slot->id);
  slot->spec = std::move(spec);
  slots_.push_back(std::move(slot));
  Slot& s = *slots_.back();
  KOMPACT_RETURN_IF_ERROR(Build(s));
  return s.id;
}

absl::Status Simulation::Build(Slot& slot) {
  KompactConfig config;
  config.SetConfigValue(config_keys::kLogLevel, options_.log_level);
  config.Label(slot.spec.name);
  if (!slot.spec.config_toml.empty()) {
    config.LoadConfigString(slot.spec.config_toml, absl::StrCat(slot.spec.name, " config_toml"));
  }
  config.SetLogSink(log_sink_);
  Slot* raw = &slot;
  config.SetExecutor([this, raw](size_t) -> absl::StatusOr<std::unique_ptr<Executor>> {
    return std::unique_ptr<Executor>(std::make_unique<SimExecutor>(*scheduler_, raw->id));
  });
  config.SetTimer([this, raw]() -> absl::StatusOr<std::unique_ptr<Timer>> {
    auto timer = std::make_unique<SimTimer>(*scheduler_, raw->id, raw->rate);
    raw->timer = timer.get();
    return std::unique_ptr<Timer>(std::move(timer));
  });
  net::NetworkConfig network = slot.spec.network;
  network.bind_address = slot.ip.ToString();
  network.port = kPort;
  config.SetDispatcher(net::NetworkDispatcher::Factory(
      network,
      [this, raw](const DispatcherContext& context,
                  const net::NetworkConfig&) -> absl::StatusOr<std::unique_ptr<net::Transport>> {
        return std::unique_ptr<net::Transport>(network_->MakeTransport(raw->id, raw->ip, context.logger()));
      }));
  absl::StatusOr<KompactSystem> system = config.Build();
  if (!system.ok()) return Annotate(system.status(), absl::StrCat("simulated system ", slot.spec.name));
  slot.system = std::make_unique<KompactSystem>(*std::move(system));
  // The system components start (no time passes).
  while (scheduler_->has_ready()) scheduler_->Step();
  if (slot.spec.setup) {
    const SystemInfo info{slot.id, slot.incarnation, slot.system->SystemPath(), this};
    absl::Status set_up;
    try {
      set_up = slot.spec.setup(*slot.system, info);
    } catch (const std::exception& e) {
      set_up = absl::InternalError(absl::StrCat("setup threw: ", e.what()));
    }
    if (!set_up.ok()) {
      return Annotate(set_up, absl::StrCat("setup of simulated system ", slot.spec.name, " (incarnation ",
                                           slot.incarnation, ")"));
    }
  }
  return absl::OkStatus();
}

bool Simulation::alive(SystemId id) const {
  return id >= 0 && static_cast<size_t>(id) < slots_.size() &&
         slots_[static_cast<size_t>(id)]->system != nullptr;
}

KompactSystem& Simulation::system(SystemId id) {
  CHECK(alive(id)) << "simulated system " << id << " is not alive (killed or stopped)";
  return *slot(id).system;
}

SystemPath Simulation::path(SystemId id) const {
  return SystemPath(kompact::Transport::kTcp, slots_[static_cast<size_t>(id)]->ip, kPort);
}

int Simulation::incarnation(SystemId id) const { return slots_[static_cast<size_t>(id)]->incarnation; }

void Simulation::Partition(const std::vector<SystemId>& a, const std::vector<SystemId>& b) {
  network_->Partition(a, b, /*both_ways=*/true);
}

void Simulation::PartitionOneWay(const std::vector<SystemId>& from, const std::vector<SystemId>& to) {
  network_->Partition(from, to, /*both_ways=*/false);
}

void Simulation::Heal() { network_->Heal(); }

absl::Status Simulation::Kill(SystemId id) {
  if (!alive(id)) return absl::FailedPreconditionError(absl::StrCat("Kill: system ", id, " is not alive"));
  Slot& s = slot(id);
  network_->KillHost(id);
  // What was ready runs once more, frozen in time and cut off (the executor drains
  // it so no component is left scheduled); then nothing of it runs again.
  absl::Status killed = s.system->core()->Kill();
  s.system.reset();
  s.timer = nullptr;
  scheduler_->BumpGeneration(id);
  return killed;
}

absl::Status Simulation::Stop(SystemId id) {
  if (!alive(id)) return absl::FailedPreconditionError(absl::StrCat("Stop: system ", id, " is not alive"));
  Slot& s = slot(id);
  absl::Status stopped = s.system->core()->Shutdown([this] { return scheduler_->Step(); });
  s.system.reset();
  s.timer = nullptr;
  scheduler_->BumpGeneration(id);
  return stopped;
}

absl::Status Simulation::Restart(SystemId id) {
  if (id < 0 || static_cast<size_t>(id) >= slots_.size()) {
    return absl::InvalidArgumentError(absl::StrCat("Restart: no system ", id));
  }
  if (alive(id)) {
    return absl::FailedPreconditionError(
        absl::StrCat("Restart: system ", id, " is alive; Kill or Stop it first"));
  }
  Slot& s = slot(id);
  ++s.incarnation;
  return Build(s);
}

void Simulation::Pause(SystemId id, absl::Duration d) {
  scheduler_->Pause(id, scheduler_->now() + ToSimTime(d));
}

absl::Status Simulation::SetClockRate(SystemId id, double rate) {
  if (!(rate > 0) || !std::isfinite(rate)) {
    return absl::InvalidArgumentError(absl::StrCat("SetClockRate: rate ", rate, " must be finite and > 0"));
  }
  Slot& s = slot(id);
  s.rate = rate;
  if (s.timer != nullptr) s.timer->SetRate(rate);
  return absl::OkStatus();
}

absl::Status Simulation::SetLink(SystemId from, SystemId to, LinkConfig link) {
  return network_->SetLink(from, to, std::move(link));
}

void Simulation::At(absl::Duration at, std::function<absl::Status(Simulation&)> action) {
  scheduler_->At(ToSimTime(at), kNoSystem, EventKind::kAction, 0, [this, action = std::move(action)] {
    absl::Status s;
    try {
      s = action(*this);
    } catch (const std::exception& e) {
      s = absl::InternalError(absl::StrCat("a scheduled action threw: ", e.what()));
    }
    if (!s.ok()) (void)Fail(Annotate(s, absl::StrCat("scheduled action at ", absl::FormatDuration(Now()))));
  });
}

absl::Status Simulation::Fail(absl::Status status) {
  if (failure_.ok()) failure_ = std::move(status);
  return failure_;
}

void Simulation::AddInvariant(std::string name, std::function<absl::Status()> check, uint64_t every) {
  invariants_.push_back(Invariant{std::move(name), std::move(check), every == 0 ? 1 : every});
}

absl::Status Simulation::CheckInvariants() {
  const uint64_t step = scheduler_->steps();
  for (Invariant& inv : invariants_) {
    if (step % inv.every != 0) continue;
    absl::Status s;
    try {
      s = inv.check();
    } catch (const std::exception& e) {
      s = absl::InternalError(absl::StrCat("threw: ", e.what()));
    }
    if (!s.ok()) {
      return Fail(absl::FailedPreconditionError(absl::StrCat("invariant '", inv.name,
                                                             "' failed at t=", absl::FormatDuration(Now()),
                                                             ", step ", step, ": ", s.ToString())));
    }
  }
  return absl::OkStatus();
}

absl::Status Simulation::Run(SimTime until, const std::function<bool()>* done) {
  const SimTime budget_end = ToSimTime(options_.max_virtual_time);
  while (true) {
    if (!failure_.ok()) return failure_;
    if (done != nullptr && (*done)()) return absl::OkStatus();
    if (scheduler_->steps() >= options_.max_steps) {
      return Fail(absl::ResourceExhaustedError(
          absl::StrCat("the step budget (SimOptions.max_steps = ", options_.max_steps,
                       ") is exhausted at t=", absl::FormatDuration(Now()))));
    }
    if (!scheduler_->has_ready()) {
      const std::optional<SimTime> next = scheduler_->NextEventTime();
      if (!next.has_value() || *next > until) {
        if (until > budget_end && (!next.has_value() || *next > budget_end)) {
          scheduler_->AdvanceTo(budget_end);
        } else {
          scheduler_->AdvanceTo(until);
        }
        if (done == nullptr) return absl::OkStatus();
        return absl::DeadlineExceededError(
            absl::StrCat("not done by t=", absl::FormatDuration(Now()), " of virtual time"));
      }
      if (*next > budget_end) {
        return Fail(absl::DeadlineExceededError(
            absl::StrCat("the virtual-time budget (SimOptions.max_virtual_time = ",
                         absl::FormatDuration(options_.max_virtual_time), ") is exhausted")));
      }
    }
    scheduler_->Step();
    if (!invariants_.empty()) KOMPACT_RETURN_IF_ERROR(CheckInvariants());
  }
}

absl::Status Simulation::RunFor(absl::Duration d) {
  if (d < absl::ZeroDuration()) return absl::InvalidArgumentError("RunFor: negative duration");
  return Run(scheduler_->now() + ToSimTime(d), nullptr);
}

absl::Status Simulation::RunUntil(const std::function<bool()>& done, absl::Duration max) {
  if (max < absl::ZeroDuration()) return absl::InvalidArgumentError("RunUntil: negative duration");
  return Run(scheduler_->now() + ToSimTime(max), &done);
}

std::string Simulation::DigestHex() const { return absl::StrFormat("%016x", scheduler_->digest()); }

std::string Simulation::TraceTail() const {
  std::string out;
  for (const TraceRecord& r : scheduler_->tail()) absl::StrAppend(&out, r.ToString(), "\n");
  return out;
}

}  // namespace kompact::sim
