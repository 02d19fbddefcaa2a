// How fast this system can admit TLS peers, and what TLS costs per byte, without
// sockets (over net/testing/memory_stream.h, so only the TLS work is timed):
//
//   BM_MutualTlsHandshake   one full TLS 1.3 handshake with mutual certificate
//                           verification (EC P-256, the default suites) and the
//                           allow-list check, client and server on this thread:
//                           handshakes/s ("items_per_second").
//   BM_TlsRecords/<bytes>   <bytes> of application data written by the client and
//                           read by the server on an established pair: bytes/s.
//
//   tools/bazel run -c opt //net/tls:tls_handshake_benchmark
//
// Thread-safety: single-threaded (Google Benchmark's thread).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "base/log.h"
#include "benchmark/benchmark.h"
#include "net/endpoint.h"
#include "net/testing/memory_stream.h"
#include "net/tls/tls_context.h"
#include "net/tls/tls_stream.h"
#include "testing/tls/test_pki.h"

namespace kompact::net {
namespace {

const Endpoint kClientEp{IpAddress::V4(127, 0, 0, 1), 40000};
const Endpoint kServerEp{IpAddress::V4(127, 0, 0, 2), 7000};

// Counts what a stream tells its handler; drains what it can read.
class Sink : public StreamHandler {
 public:
  Stream* stream = nullptr;
  std::optional<absl::Status> connected;
  size_t received = 0;
  bool failed = false;

  void OnConnected(absl::Status status) override { connected = std::move(status); }
  void OnReadable() override {
    if (stream == nullptr) return;
    uint8_t buf[16 * 1024];
    for (int i = 0; i < 10'000; ++i) {
      absl::StatusOr<size_t> n = stream->Read(buf);
      if (!n.ok()) {
        failed = true;
        return;
      }
      if (*n == 0) return;
      received += *n;
    }
  }
  void OnWritable() override {}
  void OnFault(std::string_view) override { failed = true; }
};

// The two contexts (made once: certificates from a throw-away PKI).
struct Contexts {
  std::shared_ptr<const TlsContext> client;
  std::shared_ptr<const TlsContext> server;
};
const Contexts& TheContexts() {
  static const Contexts* contexts = [] {
    auto pki = kompact::testing::TestPki::Create(kompact::testing::TestTmpDir("tls_bench_pki")).value();
    auto server = pki->Issue("server", {.common_name = "server"}).value();
    auto client = pki->Issue("client", {.common_name = "client"}).value();
    TlsConfig server_tls = pki->ConfigFor(server);
    server_tls.allowed_identities = {"CN=client"};
    TlsConfig client_tls = pki->ConfigFor(client);
    client_tls.allowed_identities = {"CN=server"};
    return new Contexts{TlsContext::Create(client_tls, Logger()).value(),
                        TlsContext::Create(server_tls, Logger()).value()};
  }();
  return *contexts;
}

// A client and a server TLS stream over one memory pair.
struct Pair {
  testing::MemoryStreamPair mem{kClientEp, kServerEp, 1 << 20};
  Sink client_sink;
  Sink server_sink;
  std::unique_ptr<TlsStream> client;
  std::unique_ptr<TlsStream> server;

  // Starts both sides and runs the handshake; false if it did not succeed.
  bool Connect() {
    const Contexts& ctx = TheContexts();
    auto c = TlsStream::Client(ctx.client, &client_sink, [&](StreamHandler* inner) {
      return absl::StatusOr<std::unique_ptr<Stream>>(mem.TakeClient(inner));
    });
    auto s = TlsStream::Accept(ctx.server, mem.TakeServer());
    if (!c.ok() || !s.ok()) return false;
    client = *std::move(c);
    server = *std::move(s);
    client_sink.stream = client.get();
    server->SetHandler(&server_sink);
    server_sink.stream = server.get();
    mem.Pump();
    return client_sink.connected.has_value() && client_sink.connected->ok() && !server_sink.failed;
  }
};

void BM_MutualTlsHandshake(benchmark::State& state) {
  (void)TheContexts();
  for (auto _ : state) {
    Pair pair;
    if (!pair.Connect()) {
      state.SkipWithError("the handshake failed");
      return;
    }
    benchmark::DoNotOptimize(pair.client.get());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_MutualTlsHandshake)->Unit(benchmark::kMicrosecond);

void BM_TlsRecords(benchmark::State& state) {
  Pair pair;
  if (!pair.Connect()) {
    state.SkipWithError("the handshake failed");
    return;
  }
  const size_t bytes = static_cast<size_t>(state.range(0));
  std::string payload(bytes, 'k');
  for (auto _ : state) {
    const size_t before = pair.server_sink.received;
    size_t written = 0;
    for (int round = 0; written < bytes && round < 100'000; ++round) {
      const iovec part{payload.data() + written, bytes - written};
      absl::StatusOr<size_t> n = pair.client->Write(std::span<const iovec>(&part, 1));
      if (!n.ok()) {
        state.SkipWithError("a write failed");
        return;
      }
      written += *n;
      pair.mem.Pump();
    }
    pair.mem.Pump();
    if (pair.server_sink.received - before != bytes || pair.server_sink.failed) {
      state.SkipWithError("the server did not read every byte");
      return;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(bytes));
}
BENCHMARK(BM_TlsRecords)->Arg(64)->Arg(4096)->Arg(64 * 1024);

}  // namespace
}  // namespace kompact::net
