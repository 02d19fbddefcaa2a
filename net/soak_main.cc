// Soak: k systems send random bursts to each other for --duration_s seconds while
// every link goes through a FaultProxy that cuts, resets, stalls and delays it at
// random, and systems are restarted on the same (proxied) address. It asserts the
// promises of docs/guarantees.md over the whole run:
//   * no message is delivered twice, and within a session messages arrive in send order;
//   * every message sent is delivered, or counted (a dead letter of some incarnation),
//     or lost on a broken session within the unacknowledged count it reported;
//   * file descriptors and RSS are flat from after the warm-up to the end (slack:
//     16 fds, 64 MiB).
// Prints one summary line (a row of docs/guarantees.md) and exits 0 only if all hold.
//
//   tools/bazel run //net:soak -- --duration_s=60 --seed=7
#include <dirent.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/build_config.h"
#include "glog/logging.h"
#include "net/network_dispatcher.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"
#include "testing/fault_proxy.h"

namespace {

using kompact::ActorPath;
using kompact::Component;
using kompact::Handled;
using kompact::HandlerResult;
using kompact::KompactSystem;
using kompact::NetMessage;
using kompact::SessionId;
using kompact::testing::FaultProxy;

constexpr int kSystems = 3;

// What every sink received, checked as it arrives (thread-safe).
class Ledger {
 public:
  void Sent(int src, int dst, uint64_t seq) {
    std::lock_guard<std::mutex> lock(mu_);
    Pair& p = pairs_[{src, dst}];
    p.sent = std::max(p.sent, seq + 1);
  }
  void Received(int src, int dst, uint64_t seq, std::optional<SessionId> session) {
    std::lock_guard<std::mutex> lock(mu_);
    Pair& p = pairs_[{src, dst}];
    if (p.seen.size() <= seq) p.seen.resize(seq + 1, false);
    if (p.seen[seq]) ++duplicates_;
    p.seen[seq] = true;
    ++delivered_;
    const SessionId s = session.value_or(0);
    auto [it, first] = p.last_in_session.try_emplace(s, seq);
    if (!first) {
      if (seq <= it->second) ++out_of_order_;
      it->second = seq;
    }
  }
  uint64_t delivered() const {
    std::lock_guard<std::mutex> lock(mu_);
    return delivered_;
  }
  uint64_t sent() const {
    std::lock_guard<std::mutex> lock(mu_);
    uint64_t n = 0;
    for (const auto& [k, p] : pairs_) n += p.sent;
    return n;
  }
  uint64_t duplicates() const {
    std::lock_guard<std::mutex> lock(mu_);
    return duplicates_;
  }
  uint64_t out_of_order() const {
    std::lock_guard<std::mutex> lock(mu_);
    return out_of_order_;
  }

 private:
  struct Pair {
    uint64_t sent = 0;
    std::vector<bool> seen;
    std::map<SessionId, uint64_t> last_in_session;
  };
  mutable std::mutex mu_;
  std::map<std::pair<int, int>, Pair> pairs_;
  uint64_t delivered_ = 0, duplicates_ = 0, out_of_order_ = 0;
};

// Payload "src:seq".
class Sink : public kompact::ComponentDefinition<Sink> {
 public:
  Sink(int self, std::shared_ptr<Ledger> ledger) : self_(self), ledger_(std::move(ledger)) {}
  HandlerResult ReceiveNetwork(NetMessage message) {
    absl::StatusOr<std::string> text = message.TryDeserialise<std::string>();
    if (!text.ok()) return HandlerResult::Benign(text.status());
    const size_t colon = text->find(':');
    int src = 0;
    uint64_t seq = 0;
    if (colon == std::string::npos || !absl::SimpleAtoi(text->substr(0, colon), &src) ||
        !absl::SimpleAtoi(text->substr(colon + 1), &seq)) {
      return HandlerResult::Benign(absl::DataLossError(absl::StrCat("unexpected payload ", *text)));
    }
    ledger_->Received(src, self_, seq, message.session());
    return Handled::kOk;
  }

 private:
  const int self_;
  std::shared_ptr<Ledger> ledger_;
};

size_t OpenFds() {
  size_t n = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d) != nullptr) ++n;
    closedir(d);
  }
  return n;
}

uint64_t RssBytes() {
  std::ifstream in("/proc/self/statm");
  uint64_t pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

struct Node {
  std::unique_ptr<FaultProxy> proxy;
  std::optional<KompactSystem> system;
  Component<Sink> sink;
  ActorPath path;  // <proxied system>/sink
};

class Soak {
 public:
  explicit Soak(uint64_t seed) : rng_(seed), ledger_(std::make_shared<Ledger>()) {}

  bool Start() {
    for (int i = 0; i < kSystems; ++i) {
      absl::StatusOr<std::unique_ptr<FaultProxy>> proxy = FaultProxy::Create("127.0.0.1", "127.0.0.1", 0);
      if (!proxy.ok()) return Fail(proxy.status().ToString());
      nodes_[i].proxy = *std::move(proxy);
      if (!Boot(i)) return false;
    }
    return true;
  }

  // A (new) incarnation of system i behind its proxy.
  bool Boot(int i) {
    Node& n = nodes_[i];
    kompact::net::NetworkConfig c;
    c.advertised_port = n.proxy->port();
    c.retry_interval = absl::Milliseconds(50);
    c.max_retry_attempts = 40;  // 2 s: long enough to ride out a restart
    c.heartbeat_interval = absl::Milliseconds(50);
    c.heartbeat_timeout = absl::Seconds(2);
    c.handshake_timeout = absl::Seconds(1);
    c.shutdown_timeout = absl::Seconds(1);
    absl::StatusOr<KompactSystem> s = kompact::KompactConfig()
                                          .Label(absl::StrCat("soak-", i))
                                          .Threads(1)
                                          .SetDispatcher(kompact::net::NetworkDispatcher::Factory(c))
                                          .Build();
    if (!s.ok()) return Fail(s.status().ToString());
    n.system = *std::move(s);
    n.proxy->SetTarget("127.0.0.1", kompact::net::NetworkDispatcher::Of(*n.system)->bound_port());
    n.sink = n.system->Create<Sink>(i, ledger_);
    n.system->Start(n.sink);
    absl::StatusOr<ActorPath> path = n.system->RegisterByAlias(n.sink, "sink").WaitFor(absl::Seconds(5));
    if (!path.ok()) return Fail(path.status().ToString());
    n.path = *path;
    return true;
  }

  // Retires system i's incarnation, keeping what it counted.
  void Retire(int i) {
    Node& n = nodes_[i];
    n.sink = Component<Sink>();
    (void)n.system->Shutdown();
    Account(*n.system);
    n.system.reset();
  }

  void Account(const KompactSystem& s) {
    const kompact::net::NetworkStats& st = kompact::net::NetworkDispatcher::Of(s)->stats();
    counted_ += s.dead_letters();
    unacknowledged_ += st.unacknowledged_at_loss.load();
    restarts_seen_ += st.network_thread_restarts.load();
  }

  void Traffic() {
    std::uniform_int_distribution<int> pick(0, kSystems - 1), burst(1, 40);
    const int src = pick(rng_);
    int dst = pick(rng_);
    if (dst == src) dst = (dst + 1) % kSystems;
    const int n = burst(rng_);
    for (int k = 0; k < n; ++k) {
      const uint64_t seq = next_seq_[{src, dst}]++;
      ledger_->Sent(src, dst, seq);
      nodes_[dst].path.Tell(absl::StrCat(src, ":", seq), *nodes_[src].system);
    }
  }

  void Fault() {
    std::uniform_int_distribution<int> what(0, 5), node(0, kSystems - 1);
    const int i = node(rng_);
    FaultProxy& p = *nodes_[i].proxy;
    switch (what(rng_)) {
      case 0:
        p.CutAll();
        ++faults_["cut"];
        break;
      case 1:
        p.ResetAll();
        ++faults_["reset"];
        break;
      case 2:
        p.SetPaused(FaultProxy::kUpstream, true);
        absl::SleepFor(absl::Milliseconds(150));
        p.SetPaused(FaultProxy::kUpstream, false);
        ++faults_["stall"];
        break;
      case 3:
        p.SetLatency(FaultProxy::kUpstream, absl::Milliseconds(20));
        absl::SleepFor(absl::Milliseconds(200));
        p.SetLatency(FaultProxy::kUpstream, absl::ZeroDuration());
        ++faults_["latency"];
        break;
      case 4:
        p.CutAfter(FaultProxy::kUpstream, 13);
        ++faults_["cut-mid-frame"];
        break;
      case 5:
        Retire(i);
        Boot(i);
        ++faults_["restart"];
        break;
    }
  }

  int Run(absl::Duration duration) {
    const absl::Time start = absl::Now();
    const absl::Time warm = start + std::min(duration / 10, absl::Seconds(5));
    std::optional<size_t> fds_warm;
    std::optional<uint64_t> rss_warm;
    absl::Time next_fault = start + absl::Milliseconds(300);
    std::uniform_int_distribution<int> gap(200, 600);
    while (absl::Now() - start < duration) {
      Traffic();
      absl::SleepFor(absl::Microseconds(500));
      if (!fds_warm && absl::Now() >= warm) {
        fds_warm = OpenFds();
        rss_warm = RssBytes();
      }
      if (absl::Now() >= next_fault) {
        Fault();
        next_fault = absl::Now() + absl::Milliseconds(gap(rng_));
      }
    }
    // Heal and let everything settle: delivered stops changing for 1 s (at most 30 s).
    for (Node& n : nodes_) {
      n.proxy->SetPaused(FaultProxy::kUpstream, false);
      n.proxy->SetLatency(FaultProxy::kUpstream, absl::ZeroDuration());
    }
    const absl::Time settle_deadline = absl::Now() + absl::Seconds(30);
    uint64_t last = ~uint64_t{0};
    absl::Time stable_since = absl::Now();
    while (absl::Now() < settle_deadline) {
      const uint64_t d = ledger_->delivered();
      if (d != last) {
        last = d;
        stable_since = absl::Now();
      } else if (absl::Now() - stable_since > absl::Seconds(1)) {
        break;
      }
      absl::SleepFor(absl::Milliseconds(50));
    }
    const size_t fds_end = OpenFds();
    const uint64_t rss_end = RssBytes();
    for (int i = 0; i < kSystems; ++i) Retire(i);
    const uint64_t sent = ledger_->sent();
    const uint64_t delivered = ledger_->delivered() - ledger_->duplicates();
    const int64_t uncounted = static_cast<int64_t>(sent) - static_cast<int64_t>(delivered) -
                              static_cast<int64_t>(counted_) - static_cast<int64_t>(unacknowledged_);
    std::string faults;
    for (const auto& [name, count] : faults_)
      absl::StrAppend(&faults, faults.empty() ? "" : ", ", count, " ", name);
    std::cout << "| soak, " << kSystems << " systems, " << absl::FormatDuration(duration) << " | " << faults
              << " | " << sent << " | " << delivered << " | " << counted_ << " | "
              << (sent > delivered + counted_ ? sent - delivered - counted_ : 0) << " (<= " << unacknowledged_
              << " unacknowledged) | " << std::max<int64_t>(0, uncounted) << " |" << std::endl;
    std::cout << "duplicates " << ledger_->duplicates() << ", out of order within a session "
              << ledger_->out_of_order() << ", fds " << fds_warm.value_or(0) << " -> " << fds_end << ", RSS "
              << rss_warm.value_or(0) / (1 << 20) << " MiB -> " << rss_end / (1 << 20) << " MiB" << std::endl;
    bool ok = true;
    if (ledger_->duplicates() != 0) ok = Fail("messages delivered twice");
    if (ledger_->out_of_order() != 0) ok = Fail("messages out of order within a session");
    if (uncounted > 0) ok = Fail(absl::StrCat(uncounted, " messages lost without a count"));
    if (fds_warm && fds_end > *fds_warm + 16) ok = Fail("file descriptors grew by more than 16");
    // Not under ASan/TSan: their quarantine and shadow memory make RSS meaningless
    // for leaks (ASan's leak check covers them there).
    const bool rss_meaningful = kompact::kSanitizer != kompact::Sanitizer::kAddress &&
                                kompact::kSanitizer != kompact::Sanitizer::kThread;
    if (rss_meaningful && rss_warm && rss_end > *rss_warm + (64u << 20))
      ok = Fail("RSS grew by more than 64 MiB");
    return ok ? 0 : 1;
  }

 private:
  bool Fail(const std::string& why) {
    std::cerr << "soak: FAILED: " << why << std::endl;
    return false;
  }

  std::mt19937_64 rng_;
  std::shared_ptr<Ledger> ledger_;
  Node nodes_[kSystems];
  std::map<std::pair<int, int>, uint64_t> next_seq_;
  std::map<std::string, int> faults_;
  uint64_t counted_ = 0, unacknowledged_ = 0, restarts_seen_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  FLAGS_minloglevel = 2;  // errors only: the faults are the point
  google::InitGoogleLogging(argv[0]);
  int64_t duration_s = 60;
  uint64_t seed = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--duration_s=", 0) == 0 && absl::SimpleAtoi(arg.substr(13), &duration_s) &&
        duration_s > 0 && duration_s <= 3600) {
      continue;
    }
    if (arg.rfind("--seed=", 0) == 0 && absl::SimpleAtoi(arg.substr(7), &seed)) continue;
    std::cerr << "usage: soak [--duration_s=1..3600] [--seed=N]; bad argument " << arg << std::endl;
    return 2;
  }
  std::cout << "soak: seed " << seed << ", " << duration_s << " s" << std::endl;
  Soak soak(seed);
  if (!soak.Start()) return 1;
  return soak.Run(absl::Seconds(duration_s));
}
