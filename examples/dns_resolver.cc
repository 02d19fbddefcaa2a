// An asynchronous resolver in the style of the Kompact book's DNS example
// ("Async/Await Interaction"), against a fake name service component instead of
// real DNS: the resolver blocks in OnStart until it has opened a session with the
// service (BlockOn), then runs one task per query next to its other work
// (SpawnLocal), so that slow lookups do not hold up fast ones.
//
//   tools/bazel run //examples:dns_resolver [-- "kompics.org, example.com" "localhost"]
#include <cstdint>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "executors/future.h"
#include "executors/spawn.h"
#include "executors/task.h"
#include "glog/logging.h"
#include "runtime/actor_ref.h"
#include "runtime/async.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"
#include "timer/timer.h"

namespace examples {

using kompact::Ask;
using kompact::Handled;
using kompact::HandlerResult;
using kompact::Task;
using kompact::TimerId;

// ---- the fake name service ----------------------------------------------------------

struct OpenSession {};
struct Session {
  uint64_t id;
};
struct Lookup {
  uint64_t session;
  std::string domain;
};
using Addresses = std::vector<std::string>;
using NameServiceMessage = std::variant<Ask<OpenSession, Session>, Ask<Lookup, Addresses>>;

// Answers lookups from a fixed zone, each after the delay its zone entry says
// (with a timer, so the service itself never blocks).
class FakeNameService : public kompact::ComponentDefinition<FakeNameService>,
                        public kompact::Actor<NameServiceMessage> {
 public:
  struct Entry {
    Addresses addresses;
    absl::Duration latency;
  };
  explicit FakeNameService(std::map<std::string, Entry> zone) : zone_(std::move(zone)) {}

  HandlerResult ReceiveLocal(NameServiceMessage msg) {
    if (auto* open = std::get_if<Ask<OpenSession, Session>>(&msg)) {
      return ReplyLater(absl::Milliseconds(50), std::move(*open), Session{++sessions_});
    }
    auto& lookup = std::get<Ask<Lookup, Addresses>>(msg);
    if (lookup.request().session == 0 || lookup.request().session > sessions_) {
      lookup.Reply(absl::PermissionDeniedError("no such session"));
      return Handled::kOk;
    }
    auto entry = zone_.find(lookup.request().domain);
    if (entry == zone_.end()) {
      const std::string domain = lookup.request().domain;
      return ReplyLater(absl::Milliseconds(5), std::move(lookup),
                        absl::NotFoundError(absl::StrCat("no such domain: ", domain)));
    }
    return ReplyLater(entry->second.latency, std::move(lookup), entry->second.addresses);
  }

 private:
  template <typename Q, typename R>
  HandlerResult ReplyLater(absl::Duration delay, Ask<Q, R> ask,
                           std::type_identity_t<absl::StatusOr<R>> reply) {
    absl::StatusOr<TimerId> timer = ScheduleOnce(
        delay, [ask = std::move(ask), reply = std::move(reply)](FakeNameService&, TimerId) mutable {
          ask.Reply(std::move(reply));
          return Handled::kOk;
        });
    return timer.status();
  }

  std::map<std::string, Entry> zone_;
  uint64_t sessions_ = 0;
};

// ---- the resolver ----------------------------------------------------------------------

// [tutorial:messages]
struct DnsRequest {
  std::string domain;
};
struct DnsResponse {
  std::string text;
};
// [end]

// [tutorial:state]
class DnsComponent : public kompact::ComponentDefinition<DnsComponent>,
                     public kompact::Actor<Ask<DnsRequest, DnsResponse>> {
 public:
  explicit DnsComponent(kompact::ActorRef<NameServiceMessage> service) : service_(std::move(service)) {}
  // [end]

  // [tutorial:lifecycle]
  HandlerResult OnStart() override {
    KLOG(log(), INFO) << "Starting...";
    // Nothing else of this component runs until Connect completes; requests wait.
    return kompact::BlockOn(Connect(*this));
  }

  HandlerResult OnStop() override {
    session_.reset();
    return Handled::kOk;
  }

  HandlerResult OnKill() override { return OnStop(); }
  // [end]

  // [tutorial:actor]
  HandlerResult ReceiveLocal(Ask<DnsRequest, DnsResponse> ask) {
    KLOG(log(), INFO) << "Got request for domain: " << ask.request().domain;
    // One task per query, interleaved with the component's other events; its
    // result answers the ask.
    kompact::JoinHandle<DnsResponse> lookup =
        kompact::SpawnLocal(*this, Resolve(*this, ask.request().domain));
    (void)std::move(lookup).Then([promise = ask.TakePromise()](absl::StatusOr<DnsResponse> response) mutable {
      promise.Complete(std::move(response));
    });
    return Handled::kOk;
  }
  // [end]

 private:
  // [tutorial:connect]
  // `self` may be used between co_awaits: the task runs on the component's thread,
  // with exclusive access, every time it resumes.
  static Task<HandlerResult> Connect(DnsComponent& self) {
    absl::StatusOr<Session> session = co_await self.service_.Ask<Session>(OpenSession{});
    if (!session.ok()) co_return session.status();  // a fault: the component cannot work
    self.session_ = *session;
    KLOG(self.log(), INFO) << "Started! (session " << session->id << ")";
    co_return Handled::kOk;
  }
  // [end]

  // [tutorial:resolve]
  static Task<DnsResponse> Resolve(DnsComponent& self, std::string domain) {
    // Ask first, then co_await the named future: GCC 12 miscompiles temporaries
    // with non-trivial members (here the Lookup) inside a co_await expression.
    kompact::Future<Addresses> reply = self.service_.Ask<Addresses>(Lookup{self.session_->id, domain});
    absl::StatusOr<Addresses> addresses = co_await std::move(reply);
    KLOG(self.log(), INFO) << "Got reply for domain: " << domain;
    if (!addresses.ok()) co_return DnsResponse{absl::StrCat(domain, ": ", addresses.status().message())};
    std::string text = absl::StrCat(domain, ":");
    for (size_t i = 0; i < addresses->size(); ++i) absl::StrAppend(&text, "\n    ", i, ". ", (*addresses)[i]);
    co_return DnsResponse{std::move(text)};
  }
  // [end]

  kompact::ActorRef<NameServiceMessage> service_;
  std::optional<Session> session_;
};

}  // namespace examples

// [tutorial:main]
int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  // Each argument is a comma-separated batch of domains to resolve concurrently.
  std::vector<std::string> batches(argv + 1, argv + argc);
  if (batches.empty()) batches = {"kompics.org, example.com, localhost", "nowhere.invalid, example.com"};

  absl::StatusOr<kompact::KompactSystem> system = kompact::KompactConfig().Build();
  if (!system.ok()) {
    LOG(ERROR) << "cannot build the system: " << system.status();
    return 1;
  }
  using Entry = examples::FakeNameService::Entry;
  kompact::Component<examples::FakeNameService> service =
      system->Create<examples::FakeNameService>(std::map<std::string, Entry>{
          {"kompics.org", Entry{{"192.0.2.10", "192.0.2.11"}, absl::Milliseconds(60)}},
          {"example.com", Entry{{"198.51.100.7"}, absl::Milliseconds(20)}},
          {"localhost", Entry{{"127.0.0.1", "::1"}, absl::Milliseconds(1)}},
      });
  system->Start(service);
  kompact::Component<examples::DnsComponent> dns =
      system->Create<examples::DnsComponent>(service.actor_ref());
  // Completes once OnStart's blocking task has: the resolver is connected.
  absl::Status started = system->StartNotify(dns).WaitFor(absl::Seconds(10));
  if (!started.ok()) {
    LOG(ERROR) << "the resolver did not start: " << started;
    return 1;
  }
  std::cout << "System is ready." << std::endl;

  for (const std::string& batch : batches) {
    std::vector<std::pair<std::string, kompact::Future<examples::DnsResponse>>> outstanding;
    for (absl::string_view domain : absl::StrSplit(batch, ',', absl::SkipWhitespace())) {
      std::string name(absl::StripAsciiWhitespace(domain));
      KLOG(system->logger(), INFO) << "Sending request for " << name;
      outstanding.emplace_back(name, dns.actor_ref().Ask(examples::DnsRequest{name}));
    }
    for (auto& [name, reply] : outstanding) {
      absl::StatusOr<examples::DnsResponse> response = reply.WaitFor(absl::Seconds(10));
      std::cout << "Got:\n    " << (response.ok() ? response->text : response.status().ToString())
                << std::endl;
    }
  }

  absl::Status killed = system->KillNotify(dns).WaitFor(absl::Seconds(10));
  absl::Status shutdown = system->Shutdown();
  if (!killed.ok() || !shutdown.ok()) {
    LOG(ERROR) << "shutting down: " << killed << " " << shutdown;
    return 1;
  }
  return 0;
}
// [end]
