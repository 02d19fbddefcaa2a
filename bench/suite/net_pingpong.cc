#include "bench/suite/net_pingpong.h"

#include <stdlib.h>  // mkdtemp

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "bench/suite/common.h"
#include "net/network_dispatcher.h"
#include "net/tls_config.h"
#include "runtime/actor_ref.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"
#include "serialisation/ser_id.h"
#include "testing/tls/test_pki.h"

namespace kompact::bench {
namespace {

struct NetPing {
  uint64_t index;
};
struct NetPong {
  uint64_t index;
};

// Eight bytes each, as in the Kompact anchor.
template <typename M, SerId kId>
struct U64Serialiser {
  static constexpr SerId kSerId = kId;
  static size_t SizeHint(const M&) { return 8; }
  static absl::Status Serialise(const M& m, BufMut& buf) {
    buf.PutU64(m.index);
    return absl::OkStatus();
  }
  static absl::StatusOr<M> Deserialise(Buf& buf) {
    M m{buf.GetU64()};
    if (!buf.ok()) return buf.status();
    return m;
  }
};
using PingSerialiser = U64Serialiser<NetPing, MakeSerId<150>()>;
using PongSerialiser = U64Serialiser<NetPong, MakeSerId<151>()>;

struct Run {};

class NetPonger : public ComponentDefinition<NetPonger> {
 public:
  HandlerResult ReceiveNetwork(NetMessage message) {
    absl::StatusOr<NetPing> ping = message.TryDeserialise<NetPing, PingSerialiser>();
    if (!ping.ok()) return HandlerResult::Benign(ping.status());
    ++pings_;
    return HandlerResult(
        message.sender().TellSerialised<NetPong, PongSerialiser>(NetPong{ping->index}, *this));
  }
  int64_t pings() const { return pings_; }

 private:
  [[no_unique_address]] Tracked tracked_;
  int64_t pings_ = 0;
};

struct PingerStats {
  int64_t sent = 0;
  int64_t received = 0;
  int64_t out_of_order = 0;
  absl::Status error;
};

class NetPinger : public ComponentDefinition<NetPinger>, public Actor<Run> {
 public:
  NetPinger(ActorPath ponger, const NetPingPongParams& params, std::shared_ptr<Latch> done)
      : ponger_(std::move(ponger)),
        n_(params.messages_per_pair),
        pipeline_(params.pipeline),
        done_(std::move(done)) {}

  HandlerResult ReceiveLocal(Run) {
    stats_ = PingerStats();
    for (int64_t i = 0; i < pipeline_ && stats_.sent < n_; ++i) Send();
    return Handled::kOk;
  }
  HandlerResult ReceiveNetwork(NetMessage message) {
    absl::StatusOr<NetPong> pong = message.TryDeserialise<NetPong, PongSerialiser>();
    if (!pong.ok()) {
      stats_.error = pong.status();
      done_->CountDown();
      return Handled::kOk;
    }
    if (static_cast<int64_t>(pong->index) != stats_.received) ++stats_.out_of_order;
    if (++stats_.received < n_) {
      if (stats_.sent < n_) Send();
    } else {
      done_->CountDown();
    }
    return Handled::kOk;
  }
  const PingerStats& stats() const { return stats_; }

 private:
  void Send() {
    absl::Status s =
        ponger_.TellSerialised<NetPing, PingSerialiser>(NetPing{static_cast<uint64_t>(stats_.sent++)}, *this);
    if (!s.ok() && stats_.error.ok()) stats_.error = s;
  }

  [[no_unique_address]] Tracked tracked_;
  const ActorPath ponger_;
  const int64_t n_;
  const int64_t pipeline_;
  std::shared_ptr<Latch> done_;
  PingerStats stats_;
};

// The two systems of the network rows: one pair over plaintext TCP, one over TLS.
struct NetSystems {
  KompactSystem a;  // pingers
  KompactSystem b;  // pongers
};
std::optional<NetSystems> systems[2];  // [tls]

// The throw-away PKI of the TLS pair: a CA and one certificate per system, in a
// fresh temp dir under $TMPDIR (or /tmp), left there: throw-away keys, a few KiB per process.
absl::StatusOr<std::pair<net::TlsConfig, net::TlsConfig>> BenchPki() {
  const char* tmp = std::getenv("TMPDIR");
  std::string dir = absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/kompact-bench-pki-XXXXXX");
  if (mkdtemp(dir.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("cannot make a temp dir for the TLS certificates: ", dir));
  }
  KOMPACT_ASSIGN_OR_RETURN(std::unique_ptr<kompact::testing::TestPki> pki,
                           kompact::testing::TestPki::Create(dir));
  KOMPACT_ASSIGN_OR_RETURN(kompact::testing::TestCert a, pki->Issue("net-a", {.common_name = "net-a"}));
  KOMPACT_ASSIGN_OR_RETURN(kompact::testing::TestCert b, pki->Issue("net-b", {.common_name = "net-b"}));
  return std::make_pair(pki->ConfigFor(a), pki->ConfigFor(b));
}

absl::StatusOr<KompactSystem> Build(const std::string& label, int64_t threads,
                                    std::optional<net::TlsConfig> tls) {
  net::NetworkConfig config;
  config.bind_address = "127.0.0.1";
  config.port = 0;
  if (tls.has_value()) config.tls = *std::move(tls);
  return KompactConfig()
      .Label(label)
      .Threads(threads)
      .SetDispatcher(net::NetworkDispatcher::Factory(config))
      .Build();
}

absl::Status EnsureSystems(int64_t threads, bool tls) {
  std::optional<NetSystems>& pair = systems[tls ? 1 : 0];
  if (pair.has_value()) return absl::OkStatus();
  std::optional<net::TlsConfig> tls_a, tls_b;
  if (tls) {
    KOMPACT_ASSIGN_OR_RETURN(auto configs, BenchPki());
    tls_a = std::move(configs.first);
    tls_b = std::move(configs.second);
  }
  KOMPACT_ASSIGN_OR_RETURN(KompactSystem a, Build(tls ? "net-tls-a" : "net-a", threads, std::move(tls_a)));
  KOMPACT_ASSIGN_OR_RETURN(KompactSystem b, Build(tls ? "net-tls-b" : "net-b", threads, std::move(tls_b)));
  pair.emplace(NetSystems{std::move(a), std::move(b)});
  return absl::OkStatus();
}

absl::StatusOr<double> RunPairs(const NetPingPongParams& params, bool round_trips) {
  KOMPACT_RETURN_IF_ERROR(EnsureSystems(params.threads, params.tls));
  const KompactSystem& a = systems[params.tls ? 1 : 0]->a;
  const KompactSystem& b = systems[params.tls ? 1 : 0]->b;
  auto done = std::make_shared<Latch>(params.pairs);
  std::vector<Component<NetPonger>> pongers;
  std::vector<Component<NetPinger>> pingers;
  std::vector<AnyComponent> on_a, on_b;
  for (int64_t i = 0; i < params.pairs; ++i) {
    pongers.push_back(b.Create<NetPonger>());
    on_b.push_back(pongers.back());
  }
  KOMPACT_RETURN_IF_ERROR(StartAll(b, on_b));
  for (int64_t i = 0; i < params.pairs; ++i) {
    KOMPACT_ASSIGN_OR_RETURN(ActorPath ponger, b.UpdateAliasRegistration(pongers[static_cast<size_t>(i)],
                                                                         absl::StrCat("ponger-", i))
                                                   .WaitFor(kWaitLimit));
    pingers.push_back(a.Create<NetPinger>(ponger, params, done));
    on_a.push_back(pingers.back());
    KOMPACT_RETURN_IF_ERROR(a.Register(pingers.back()).WaitFor(kWaitLimit).status());
  }
  KOMPACT_RETURN_IF_ERROR(StartAll(a, on_a));

  Stopwatch timer;
  for (const auto& p : pingers) p.actor_ref().Tell(Run{});
  absl::Status waited = done->Wait();
  const double seconds = timer.Seconds();

  absl::Status wrong = waited;
  const int64_t n = params.messages_per_pair;
  for (size_t i = 0; i < pingers.size() && wrong.ok(); ++i) {
    KOMPACT_ASSIGN_OR_RETURN(
        PingerStats s, pingers[i].OnDefinition([](NetPinger& p) { return p.stats(); }).WaitFor(kWaitLimit));
    KOMPACT_ASSIGN_OR_RETURN(
        int64_t pings, pongers[i].OnDefinition([](NetPonger& p) { return p.pings(); }).WaitFor(kWaitLimit));
    if (!s.error.ok()) {
      wrong = s.error;
    } else if (s.sent != n || s.received != n || s.out_of_order != 0) {
      wrong = WrongResult("NetThroughputPingPong",
                          absl::StrCat("pair ", i, ": sent ", s.sent, ", received ", s.received, " (",
                                       s.out_of_order, " out of order), expected ", n));
    }
    (void)pings;  // cumulative over runs (pongers are re-registered, not reset)
  }
  std::vector<AnyComponent> pinger_handles(pingers.begin(), pingers.end());
  std::vector<AnyComponent> ponger_handles(pongers.begin(), pongers.end());
  pingers.clear();
  pongers.clear();
  on_a.clear();
  on_b.clear();
  KOMPACT_RETURN_IF_ERROR(KillAll(a, pinger_handles));
  KOMPACT_RETURN_IF_ERROR(KillAll(b, ponger_handles));
  pinger_handles.clear();
  ponger_handles.clear();
  KOMPACT_RETURN_IF_ERROR(LiveComponents::AwaitNone());
  KOMPACT_RETURN_IF_ERROR(wrong);
  const double count = round_trips ? static_cast<double>(n) : 2.0 * static_cast<double>(n * params.pairs);
  return count / seconds / 1e3;
}

}  // namespace

absl::StatusOr<double> RunNetPingPong(const NetPingPongParams& params) {
  NetPingPongParams p = params;
  p.pipeline = 1;
  p.pairs = 1;
  return RunPairs(p, /*round_trips=*/true);
}

absl::StatusOr<double> RunNetThroughputPingPong(const NetPingPongParams& params) {
  return RunPairs(params, /*round_trips=*/false);
}

absl::Status ShutdownNetSystems() {
  absl::Status result;
  for (std::optional<NetSystems>& pair : systems) {
    if (!pair.has_value()) continue;
    absl::Status a = pair->a.Shutdown();
    absl::Status b = pair->b.Shutdown();
    pair.reset();
    result.Update(a);
    result.Update(b);
  }
  return result;
}

}  // namespace kompact::bench
