// Serialisation micro-benchmarks (issue 5 item 11):
//   - a small message (Ping: u64 + 5-byte string, 14 bytes) and a ~1 kB protobuf,
//     serialised to a fresh vector, into a fixed span, into pooled chunks (the
//     TellSerialised path), and deserialised;
//   - protobuf's own SerializeToArray/ParseFromArray as the baseline of the adapter;
//   - NetData delivery to a local receiver: lazy (boxed, taken back by MatchDeser)
//     against eager (serialised, deserialised by MatchDeser). The lazy benchmarks
//     report a `serialisations` counter, which must stay 0.
//
// Run: tools/bazel run -c opt //serialisation:serialisation_benchmark
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "benchmark/benchmark.h"
#include "glog/logging.h"
#include "serialisation/buf.h"
#include "serialisation/encode_buffer.h"
#include "serialisation/match_deser.h"
#include "serialisation/net_data.h"
#include "serialisation/protobuf_serialiser.h"
#include "serialisation/serialisable.h"
#include "serialisation/test_types.h"
#include "serialisation/testdata/test_messages.pb.h"

namespace kompact {
namespace {

using serialisation_test::Ping;
using serialisation_test::Telemetry;
using TelemetrySerialiser = ProtobufSerialiser<Telemetry, 61>;

// Ping with a serialisation counter, for the lazy-delivery benchmarks.
struct CountedPing {
  static constexpr SerId kSerId = MakeSerId<70>();
  static inline std::atomic<int64_t> serialisations{0};
  Ping ping;

  size_t SizeHint() const { return ping.SizeHint(); }
  absl::Status Serialise(BufMut& buf) const {
    serialisations.fetch_add(1, std::memory_order_relaxed);
    return ping.Serialise(buf);
  }
  static absl::StatusOr<CountedPing> Deserialise(Buf& buf) {
    absl::StatusOr<Ping> p = Ping::Deserialise(buf);
    if (!p.ok()) return p.status();
    return CountedPing{*std::move(p)};
  }
};

Ping SmallMessage() { return Ping{.seq = 123456789, .who = "alice"}; }

Telemetry KilobyteProto() {
  Telemetry t;
  t.set_sequence(987654321);
  t.set_timestamp_us(1700000000000000);
  t.set_source("sensor-0042.rack-7.example.org");
  for (int i = 0; i < 32; ++i) t.add_samples(i * 1.25);
  for (int i = 0; i < 8; ++i) t.add_tags("tag-" + std::to_string(i));
  t.set_payload(std::string(560, '\x5a'));
  t.mutable_owner()->set_name("Ada Lovelace");
  t.mutable_owner()->set_id(1815);
  t.mutable_owner()->add_emails("ada@example.org");
  return t;
}

EncodeBuffer MakeEncodeBuffer() {
  absl::StatusOr<EncodeBuffer> b = EncodeBuffer::Create(BufferConfig{});
  CHECK(b.ok()) << b.status();
  return *std::move(b);
}

template <typename T, typename S>
void SerialiseToVector(benchmark::State& state, const T& value) {
  for (auto _ : state) {
    absl::StatusOr<std::vector<uint8_t>> bytes = SerialiseToBytes<T, S>(value);
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["bytes"] = static_cast<double>(S::SizeHint(value));
}

template <typename T, typename S>
void SerialiseToSpan(benchmark::State& state, const T& value) {
  std::vector<uint8_t> storage(S::SizeHint(value) + 64);
  for (auto _ : state) {
    SpanBufMut out{std::span<uint8_t>(storage)};
    absl::Status s = SerialiseInto<T, S>(value, out);
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(storage.data());
  }
  state.SetItemsProcessed(state.iterations());
}

template <typename T, typename S>
void SerialiseToPool(benchmark::State& state, const T& value) {
  EncodeBuffer buffer = MakeEncodeBuffer();
  for (auto _ : state) {
    absl::StatusOr<ChunkLease> lease = EncodeInto<T, S>(value, buffer);
    benchmark::DoNotOptimize(lease);
  }
  state.SetItemsProcessed(state.iterations());
}

template <typename T, typename S>
void Deserialise(benchmark::State& state, const T& value) {
  absl::StatusOr<std::vector<uint8_t>> bytes = SerialiseToBytes<T, S>(value);
  CHECK(bytes.ok());
  for (auto _ : state) {
    absl::StatusOr<T> back = DeserialiseBytes<T, S>(*bytes);
    benchmark::DoNotOptimize(back);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Small_SerialiseToVector(benchmark::State& s) {
  SerialiseToVector<Ping, DefaultSerialiser<Ping>>(s, SmallMessage());
}
void BM_Small_SerialiseToSpan(benchmark::State& s) {
  SerialiseToSpan<Ping, DefaultSerialiser<Ping>>(s, SmallMessage());
}
void BM_Small_SerialiseToPool(benchmark::State& s) {
  SerialiseToPool<Ping, DefaultSerialiser<Ping>>(s, SmallMessage());
}
void BM_Small_Deserialise(benchmark::State& s) {
  Deserialise<Ping, DefaultSerialiser<Ping>>(s, SmallMessage());
}
BENCHMARK(BM_Small_SerialiseToVector);
BENCHMARK(BM_Small_SerialiseToSpan);
BENCHMARK(BM_Small_SerialiseToPool);
BENCHMARK(BM_Small_Deserialise);

void BM_Proto1k_SerialiseToVector(benchmark::State& s) {
  SerialiseToVector<Telemetry, TelemetrySerialiser>(s, KilobyteProto());
}
void BM_Proto1k_SerialiseToSpan(benchmark::State& s) {
  SerialiseToSpan<Telemetry, TelemetrySerialiser>(s, KilobyteProto());
}
void BM_Proto1k_SerialiseToPool(benchmark::State& s) {
  SerialiseToPool<Telemetry, TelemetrySerialiser>(s, KilobyteProto());
}
void BM_Proto1k_Deserialise(benchmark::State& s) {
  Deserialise<Telemetry, TelemetrySerialiser>(s, KilobyteProto());
}
BENCHMARK(BM_Proto1k_SerialiseToVector);
BENCHMARK(BM_Proto1k_SerialiseToSpan);
BENCHMARK(BM_Proto1k_SerialiseToPool);
BENCHMARK(BM_Proto1k_Deserialise);

// Baselines: protobuf's own calls, to show the adapter's overhead.
void BM_Proto1k_RawSerializeToArray(benchmark::State& state) {
  const Telemetry t = KilobyteProto();
  std::vector<uint8_t> storage(t.ByteSizeLong());
  for (auto _ : state) {
    const bool ok = t.SerializeToArray(storage.data(), static_cast<int>(storage.size()));
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(storage.data());
  }
  state.SetItemsProcessed(state.iterations());
}
void BM_Proto1k_RawParseFromArray(benchmark::State& state) {
  const std::string bytes = KilobyteProto().SerializeAsString();
  for (auto _ : state) {
    Telemetry t;
    const bool ok = t.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(t);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Proto1k_RawSerializeToArray);
BENCHMARK(BM_Proto1k_RawParseFromArray);

// The receiving side used by the delivery benchmarks.
auto MakeReceiver() {
  return MatchDeser(On<CountedPing>([](CountedPing p) { return p.ping.seq; }),
                    OnError([] { return uint64_t{0}; }), OnDefault([] { return uint64_t{0}; }));
}

// Lazy local delivery: box on the sender, take back on the receiver; no bytes.
void BM_Delivery_LazyLocal(benchmark::State& state) {
  auto receiver = MakeReceiver();
  const CountedPing msg{SmallMessage()};
  CountedPing::serialisations = 0;
  for (auto _ : state) {
    NetData data = NetData::Box(msg);
    benchmark::DoNotOptimize(receiver.Match(data));
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["serialisations"] = static_cast<double>(CountedPing::serialisations.load());
}
BENCHMARK(BM_Delivery_LazyLocal);

// The same delivery if the message were serialised eagerly (owned bytes).
void BM_Delivery_EagerBytes(benchmark::State& state) {
  auto receiver = MakeReceiver();
  const CountedPing msg{SmallMessage()};
  for (auto _ : state) {
    absl::StatusOr<NetData> data = NetData::Serialise(msg);
    benchmark::DoNotOptimize(receiver.Match(*data));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Delivery_EagerBytes);

// ... and serialised into pooled chunks (TellSerialised).
void BM_Delivery_EagerPooled(benchmark::State& state) {
  auto receiver = MakeReceiver();
  EncodeBuffer buffer = MakeEncodeBuffer();
  const CountedPing msg{SmallMessage()};
  for (auto _ : state) {
    absl::StatusOr<NetData> data = NetData::Serialise(msg, buffer);
    benchmark::DoNotOptimize(receiver.Match(*data));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Delivery_EagerPooled);

// A boxed value that must leave the process: TrySerialise into pooled chunks.
void BM_Delivery_LazyThenRemote(benchmark::State& state) {
  EncodeBuffer buffer = MakeEncodeBuffer();
  const CountedPing msg{SmallMessage()};
  for (auto _ : state) {
    NetData data = NetData::Box(msg);
    absl::Status s = data.TrySerialise(buffer);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Delivery_LazyThenRemote);

}  // namespace
}  // namespace kompact
