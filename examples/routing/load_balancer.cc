// Load balancer: path routing inside one process (the Kompact book, "Path
// Routing"). Servers share a read-only "database" of strings and answer queries
// (all entries containing a pattern); clients send queries to a round-robin
// *select* path over the servers, and name a *broadcast* path over all clients as
// the reply address, so every answer reaches every client's cache.
//
//   tools/bazel run //examples/routing:load_balancer [-- REQUESTS_PER_CLIENT]   (default 50)
//
// Exits non-zero unless every client finished and round-robin spread the queries
// evenly (server counts differ by at most one).
#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "glog/logging.h"
#include "kompact.h"

namespace examples {

using kompact::ActorPath;
using kompact::Buf;
using kompact::BufMut;
using kompact::Handled;
using kompact::HandlerResult;
using kompact::NetMessage;
using kompact::Uuid;

// [tutorial:messages]
struct Query {
  static constexpr kompact::SerId kSerId = kompact::MakeSerId<142>();
  Uuid id;
  std::string pattern;

  size_t SizeHint() const { return 16 + 1 + pattern.size(); }
  absl::Status Serialise(BufMut& buf) const {
    buf.PutU64(id.high());
    buf.PutU64(id.low());
    buf.PutString(pattern);
    return absl::OkStatus();
  }
  static absl::StatusOr<Query> Deserialise(Buf& buf) {
    const uint64_t high = buf.GetU64();
    const uint64_t low = buf.GetU64();
    Query q{.id = Uuid(high, low), .pattern = buf.GetString()};
    if (!buf.ok()) return buf.status();
    return q;
  }
};

struct QueryResponse {
  static constexpr kompact::SerId kSerId = kompact::MakeSerId<143>();
  Uuid id;
  std::string pattern;
  std::vector<std::string> matches;

  size_t SizeHint() const { return 16 + 1 + pattern.size() + 1 + matches.size() * 21; }
  absl::Status Serialise(BufMut& buf) const {
    buf.PutU64(id.high());
    buf.PutU64(id.low());
    buf.PutString(pattern);
    buf.PutVarU64(matches.size());
    for (const std::string& m : matches) buf.PutString(m);
    return absl::OkStatus();
  }
  static absl::StatusOr<QueryResponse> Deserialise(Buf& buf) {
    const uint64_t high = buf.GetU64();
    const uint64_t low = buf.GetU64();
    QueryResponse r{.id = Uuid(high, low), .pattern = buf.GetString(), .matches = {}};
    const size_t n = buf.GetLength();
    for (size_t i = 0; i < n && buf.ok(); ++i) r.matches.push_back(buf.GetString());
    if (!buf.ok()) return buf.status();
    return r;
  }
};
// [end]

// [tutorial:constants]
constexpr int kEntryLength = 20;
constexpr int kPatternLength = 2;

constexpr char kBalancerPath[] = "server";
constexpr char kClientPath[] = "client";

constexpr int kNumServers = 3;
constexpr int kNumClients = 12;
constexpr int kDatabaseSize = 5000;
// [end]

std::string RandomString(std::mt19937_64& rng, int length) {
  static constexpr std::string_view kAlphanumeric =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string s(static_cast<size_t>(length), ' ');
  for (char& c : s) c = kAlphanumeric[rng() % kAlphanumeric.size()];
  return s;
}

// Counts clients that are done, for main to wait on (bounded).
class Latch {
 public:
  explicit Latch(int count) : count_(count) {}
  void CountDown() {
    std::lock_guard<std::mutex> lock(mu_);
    if (--count_ == 0) cv_.notify_all();
  }
  bool WaitFor(absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [this] { return count_ <= 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int count_;
};

// [tutorial:server]
class QueryServer : public kompact::ComponentDefinition<QueryServer> {
 public:
  explicit QueryServer(std::shared_ptr<const std::vector<std::string>> database)
      : database_(std::move(database)) {}

  HandlerResult OnKill() override {
    KLOG(log(), INFO) << "Shutting down a Server that handled " << handled_requests_ << " requests";
    return Handled::kOk;
  }

  // Path-addressed messages arrive here; the sender is the clients' broadcast path.
  HandlerResult ReceiveNetwork(NetMessage msg) {
    return kompact::MatchDeser(kompact::On<Query>([&](Query query) -> HandlerResult {
                                 QueryResponse response{.id = query.id,
                                                        .pattern = query.pattern,
                                                        .matches = FindMatches(query.pattern)};
                                 msg.sender().Tell(std::move(response), *this);
                                 ++handled_requests_;
                                 return Handled::kOk;
                               }),
                               kompact::OnError([](const absl::Status& e) -> HandlerResult {
                                 return HandlerResult::Benign(e);
                               }),
                               kompact::OnDefault([]() -> HandlerResult { return Handled::kOk; }))
        .Match(msg.data());
  }

  int handled_requests() const { return handled_requests_; }

 private:
  std::vector<std::string> FindMatches(const std::string& pattern) const {
    std::vector<std::string> out;
    for (const std::string& entry : *database_) {
      if (entry.find(pattern) != std::string::npos) out.push_back(entry);
    }
    return out;
  }

  std::shared_ptr<const std::vector<std::string>> database_;
  int handled_requests_ = 0;
};
// [end]

class Client : public kompact::ComponentDefinition<Client> {
 public:
  Client(ActorPath server_path, ActorPath broadcast_path, int requests, uint64_t seed,
         std::shared_ptr<Latch> done)
      : server_path_(std::move(server_path)),
        broadcast_path_(std::move(broadcast_path)),
        requests_(requests),
        rng_(seed),
        done_(std::move(done)) {}

  HandlerResult OnStart() override {
    SendRequest();
    return Handled::kOk;
  }

  HandlerResult OnKill() override {
    KLOG(log(), INFO) << "Shutting down a Client that ran " << request_count_ << " requests with "
                      << cache_hits_ << " cache hits";
    return Handled::kOk;
  }

  HandlerResult ReceiveNetwork(NetMessage msg) {
    absl::StatusOr<QueryResponse> response = msg.TryDeserialise<QueryResponse>();
    if (!response.ok()) return HandlerResult::Benign(response.status());
    if (current_query_ && current_query_->id == response->id) {
      KLOG(log(), DEBUG) << "Got " << response->matches.size() << " matches for " << current_query_->pattern;
      current_query_.reset();
      SendRequest();
    }
    // In any case, cache it (every client sees every answer: the reply was broadcast).
    cache_[response->pattern] = response->matches.size();
    return Handled::kOk;
  }

 private:
  void SendRequest() {
    while (!current_query_) {
      if (request_count_ == requests_) {
        if (!finished_) done_->CountDown();
        finished_ = true;
        return;
      }
      const std::string pattern = RandomString(rng_, kPatternLength);
      ++request_count_;
      if (cache_.contains(pattern)) {
        ++cache_hits_;
        continue;
      }
      Query query{.id = Uuid::Random(), .pattern = pattern};
      current_query_ = query;
      // [tutorial:client_send]
      server_path_.Tell(std::move(query), broadcast_path_.Via(*this));
      // [end]
    }
  }

  ActorPath server_path_;
  ActorPath broadcast_path_;
  int requests_;
  std::mt19937_64 rng_;
  std::shared_ptr<Latch> done_;
  std::unordered_map<std::string, size_t> cache_;
  std::optional<Query> current_query_;
  int request_count_ = 0;
  int cache_hits_ = 0;
  bool finished_ = false;
};

std::shared_ptr<const std::vector<std::string>> GenerateDatabase(int size) {
  std::mt19937_64 rng(42);
  auto data = std::make_shared<std::vector<std::string>>();
  for (int i = 0; i < size; ++i) data->push_back(RandomString(rng, kEntryLength));
  return data;
}

int Run(int requests_per_client) {
  kompact::KompactSystem system = kompact::KompactConfig().Build().value();
  const absl::Duration timeout = absl::Seconds(30);

  // [tutorial:policies_setup]
  // Implicit routing: `client/*` broadcasts to everything registered below `client`
  // without any setup. Builds with --//routing:implicit_routes=false (the DoS
  // defence) need an explicit policy there.
  const ActorPath broadcast_path = system.SystemPath().Named(absl::StrCat(kClientPath, "/*")).value();
  if (!kompact::kImplicitRoutes) {
    CHECK(system.SetRoutingPolicy(kompact::BroadcastRouting(), kClientPath).WaitFor(timeout).ok());
  }
  // Explicit routing: round-robin over the servers at `server`.
  const ActorPath balancer_path =
      system.SetRoutingPolicy(kompact::RoundRobinRouting(), kBalancerPath).WaitFor(timeout).value();
  // [end]

  const auto database = GenerateDatabase(kDatabaseSize);

  // [tutorial:server_setup]
  std::vector<kompact::Component<QueryServer>> servers;
  for (int i = 0; i < kNumServers; ++i) {
    servers.push_back(system.Create<QueryServer>(database));
    CHECK(system.RegisterByAlias(servers.back(), absl::StrCat(kBalancerPath, "/server-", i))
              .WaitFor(timeout)
              .ok());
  }
  // [end]

  // [tutorial:client_setup]
  auto done = std::make_shared<Latch>(kNumClients);
  std::vector<kompact::Component<Client>> clients;
  for (int i = 0; i < kNumClients; ++i) {
    clients.push_back(
        system.Create<Client>(balancer_path, broadcast_path, requests_per_client, 1000 + i, done));
    CHECK(system.RegisterByAlias(clients.back(), absl::StrCat(kClientPath, "/client-", i))
              .WaitFor(timeout)
              .ok());
  }
  // [end]

  // [tutorial:running]
  for (auto& s : servers) CHECK(system.StartNotify(s).WaitFor(timeout).ok());
  for (auto& c : clients) CHECK(system.StartNotify(c).WaitFor(timeout).ok());
  // Let them work until every client ran its requests.
  if (!done->WaitFor(timeout)) {
    LOG(ERROR) << "the clients did not finish in time";
    return 1;
  }
  for (auto& c : clients) CHECK(system.KillNotify(c).WaitFor(timeout).ok());
  std::vector<int> handled;
  for (auto& s : servers) {
    handled.push_back(s.OnDefinition([](QueryServer& server) { return server.handled_requests(); })
                          .WaitFor(timeout)
                          .value());
    CHECK(system.KillNotify(s).WaitFor(timeout).ok());
  }
  CHECK(system.Shutdown().ok());
  // [end]

  const auto [least, most] = std::minmax_element(handled.begin(), handled.end());
  std::cout << "queries per server:";
  for (int h : handled) std::cout << " " << h;
  std::cout << std::endl;
  if (*most - *least > 1) {
    LOG(ERROR) << "round-robin should spread queries evenly";
    return 1;
  }
  std::cout << "balanced" << std::endl;
  return 0;
}

}  // namespace examples

int main(int argc, char** argv) {
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  int requests = 50;
  if (argc > 1 && (!absl::SimpleAtoi(argv[1], &requests) || requests < 1)) {
    std::cerr << "usage: " << argv[0] << " [REQUESTS_PER_CLIENT]" << std::endl;
    return 2;
  }
  return examples::Run(requests);
}
