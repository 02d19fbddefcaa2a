// Frame codec micro-benchmarks: one Data frame encoded into a reused vector
// (AppendDataFrameHead + an 8-byte payload), then its frame header and Data header
// decoded, as the network thread does per message:
//   - Compressed: both paths as ids (the steady state of a connection), decoded with
//     DecodeDataHeader (a DecodedDataHeader);
//   - CompressedView: the same as the connection does it (AppendDataFrame, then
//     DecodeDataHeaderView: nothing allocated, paths left as ids);
//   - CompressedWithTables: CompressedView plus the path tables' Find/Commit and Resolve;
//   - UniquePaths / NamedPaths: both paths in full (UDP, or a connection's first frame).
//
// Run: tools/bazel run -c opt //net:frame_benchmark
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "benchmark/benchmark.h"
#include "net/frame.h"
#include "net/path_table.h"
#include "runtime/actor_path.h"

namespace kompact::net {
namespace {

constexpr uint32_t kMaxFrame = 16 << 20;
constexpr uint8_t kPayload[8] = {1, 2, 3, 4, 5, 6, 7, 8};

const SystemPath kSystemA(kompact::Transport::kTcp, IpAddress::V4(10, 0, 0, 1), 7000);
const SystemPath kSystemB(kompact::Transport::kTcp, IpAddress::V4(10, 0, 0, 2), 7001);

// Encodes and decodes one frame; false (and the benchmark stops) on any error.
bool RoundTrip(benchmark::State& state, const DataFrameHead& head, std::vector<uint8_t>& out,
               DecodedDataHeader* decoded = nullptr) {
  out.clear();
  if (absl::Status s = AppendDataFrameHead(head, sizeof(kPayload), kMaxFrame, out); !s.ok()) {
    state.SkipWithError(std::string(s.message()).c_str());
    return false;
  }
  out.insert(out.end(), std::begin(kPayload), std::end(kPayload));
  absl::StatusOr<FrameHeader> h = DecodeFrameHeader(out, kMaxFrame);
  if (!h.ok()) {
    state.SkipWithError(std::string(h.status().message()).c_str());
    return false;
  }
  absl::StatusOr<DecodedDataHeader> d =
      DecodeDataHeader(std::span<const uint8_t>(out).subspan(kFrameHeaderSize, h->length));
  if (!d.ok()) {
    state.SkipWithError(std::string(d.status().message()).c_str());
    return false;
  }
  benchmark::DoNotOptimize(d->payload_offset);
  benchmark::DoNotOptimize(d->receiver);
  benchmark::DoNotOptimize(d->sender);
  if (decoded != nullptr) *decoded = *std::move(d);
  return true;
}

void RunFullPaths(benchmark::State& state, const ActorPath& receiver, const ActorPath& sender) {
  std::vector<uint8_t> out;
  DataFrameHead head{{0, &receiver}, {0, &sender}, 42, 0};
  for (auto _ : state) {
    ++head.seq;
    if (!RoundTrip(state, head, out)) break;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["frame_bytes"] = static_cast<double>(out.size());
}

void BM_EncodeDecodeCompressed(benchmark::State& state) {
  std::vector<uint8_t> out;
  DataFrameHead head{{1, nullptr}, {2, nullptr}, 42, 0};
  for (auto _ : state) {
    ++head.seq;
    if (!RoundTrip(state, head, out)) break;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["frame_bytes"] = static_cast<double>(out.size());
}
BENCHMARK(BM_EncodeDecodeCompressed);

// What a connection does per message (Connection::Encode / HandleDataInPlace): one
// AppendDataFrame, the frame header, the Data header decoded in place as a view.
bool RoundTripView(benchmark::State& state, const DataFrameHead& head, std::vector<uint8_t>& out,
                   DataHeaderView& view) {
  out.clear();
  if (absl::Status s = AppendDataFrame(head, kPayload, kMaxFrame, out); !s.ok()) {
    state.SkipWithError(std::string(s.message()).c_str());
    return false;
  }
  absl::StatusOr<FrameHeader> h = DecodeFrameHeader(out, kMaxFrame);
  if (!h.ok()) {
    state.SkipWithError(std::string(h.status().message()).c_str());
    return false;
  }
  if (absl::Status s =
          DecodeDataHeaderView(std::span<const uint8_t>(out).subspan(kFrameHeaderSize, h->length), view);
      !s.ok()) {
    state.SkipWithError(std::string(s.message()).c_str());
    return false;
  }
  benchmark::DoNotOptimize(view);
  return true;
}

void BM_EncodeDecodeCompressedView(benchmark::State& state) {
  std::vector<uint8_t> out;
  DataFrameHead head{{1, nullptr}, {2, nullptr}, 42, 0};
  DataHeaderView view;
  for (auto _ : state) {
    ++head.seq;
    if (!RoundTripView(state, head, out, view)) break;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["frame_bytes"] = static_cast<double>(out.size());
}
BENCHMARK(BM_EncodeDecodeCompressedView);

// The steady state of a connection, tables included: encoder Find/Commit (the
// recent-path cache hits), the view decode, and both paths resolved to the decoder
// table's entries (pointers, no copy).
void BM_EncodeDecodeCompressedWithTables(benchmark::State& state) {
  const ActorPath receiver = ActorPath::Unique(kSystemA, Uuid(1, 2));
  const ActorPath sender = ActorPath::Unique(kSystemB, Uuid(3, 4));
  PathEncoderTable encoder;
  PathDecoderTable decoder;
  ActorPath scratch[2];
  std::vector<uint8_t> out;
  uint64_t seq = 0;
  DataHeaderView d;
  for (auto _ : state) {
    const PathEncoderTable::Ref r = encoder.Find(receiver);
    const PathEncoderTable::Ref s = encoder.Find(sender);
    const DataFrameHead head{
        {r.id, r.known ? nullptr : r.path}, {s.id, s.known ? nullptr : s.path}, 42, ++seq};
    if (!RoundTripView(state, head, out, d)) break;
    encoder.Commit(r);
    encoder.Commit(s);
    const ActorPath* to = nullptr;
    const ActorPath* from = nullptr;
    if (!decoder.Resolve(d.receiver, scratch[0], to).ok() ||
        !decoder.Resolve(d.sender, scratch[1], from).ok()) {
      state.SkipWithError("path resolution failed");
      break;
    }
    benchmark::DoNotOptimize(to);
    benchmark::DoNotOptimize(from);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EncodeDecodeCompressedWithTables);

void BM_EncodeDecodeUniquePaths(benchmark::State& state) {
  RunFullPaths(state, ActorPath::Unique(kSystemA, Uuid(0x0123456789ABCDEF, 0xFEDCBA9876543210)),
               ActorPath::Unique(kSystemB, Uuid(0x1111111111111111, 0x2222222222222222)));
}
BENCHMARK(BM_EncodeDecodeUniquePaths);

void BM_EncodeDecodeNamedPaths(benchmark::State& state) {
  absl::StatusOr<ActorPath> receiver = ActorPath::Named(kSystemA, {"servers", "db", "shard-7"});
  absl::StatusOr<ActorPath> sender = ActorPath::Named(kSystemB, {"clients", "worker_12"});
  if (!receiver.ok() || !sender.ok()) {
    state.SkipWithError("invalid named path");
    return;
  }
  RunFullPaths(state, *receiver, *sender);
}
BENCHMARK(BM_EncodeDecodeNamedPaths);

}  // namespace
}  // namespace kompact::net
