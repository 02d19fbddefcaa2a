// The network fuzz targets' logic under gtest (fuzz_targets.h): every seed
// (seeds.h), mutations of the seeds and random inputs, for each target; plus checks
// that the seeds reach the states they are meant to (so the corpus is worth its
// name). Deterministic by default; under --config=asan it proves the decoders stay
// in bounds on these inputs.
//   KOMPACT_FUZZ_SEED=<n>        another seed (printed on failure)
//   KOMPACT_FUZZ_ITERATIONS=<n>  random and mutated inputs per target (default 2000)
#include "net/fuzz/fuzz_targets.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "net/frame.h"
#include "net/fuzz/seeds.h"
#include "net/proto/wire.pb.h"

namespace kompact::net_fuzz {
namespace {

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v == nullptr ? fallback : std::strtoull(v, nullptr, 10);
}

std::vector<uint8_t> Mutate(std::vector<uint8_t> bytes, std::mt19937_64& rng) {
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    const size_t at = bytes.empty() ? 0 : rng() % bytes.size();
    switch (rng() % 6) {
      case 0:  // flip a bit
        if (!bytes.empty()) bytes[at] ^= static_cast<uint8_t>(1u << (rng() % 8));
        break;
      case 1:  // truncate
        bytes.resize(bytes.empty() ? 0 : rng() % bytes.size());
        break;
      case 2:  // insert a byte
        bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), static_cast<uint8_t>(rng()));
        break;
      case 3:  // delete a byte
        if (!bytes.empty()) bytes.erase(bytes.begin() + static_cast<std::ptrdiff_t>(at));
        break;
      case 4: {  // an interesting byte
        static constexpr uint8_t kInteresting[] = {0x00, 0x01, 0x7f, 0x80, 0xff};
        if (!bytes.empty()) bytes[at] = kInteresting[rng() % 5];
        break;
      }
      default:  // duplicate a slice (repeats frames)
        if (!bytes.empty()) {
          const size_t len = 1 + rng() % std::min<size_t>(bytes.size() - at, 64);
          const std::vector<uint8_t> slice(bytes.begin() + static_cast<std::ptrdiff_t>(at),
                                           bytes.begin() + static_cast<std::ptrdiff_t>(at + len));
          bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), slice.begin(), slice.end());
        }
        break;
    }
  }
  return bytes;
}

class NetFuzzTargets : public ::testing::TestWithParam<int> {
 protected:
  Target target() const { return static_cast<Target>(GetParam()); }
};

TEST_P(NetFuzzTargets, SeedsHoldEveryInvariant) {
  const std::vector<Seed> seeds = Seeds(target());
  ASSERT_FALSE(seeds.empty());
  EXPECT_LE(seeds.size(), 30u);
  for (const Seed& seed : seeds) {
    EXPECT_EQ(RunTarget(target(), seed.bytes), "") << "seed " << seed.name;
  }
}

TEST_P(NetFuzzTargets, SurviveRandomAndMutatedInputs) {
  const uint64_t seed = EnvOr("KOMPACT_FUZZ_SEED", 20240816) + static_cast<uint64_t>(GetParam());
  const uint64_t iterations = EnvOr("KOMPACT_FUZZ_ITERATIONS", 2000);
  SCOPED_TRACE(testing::Message() << "target " << TargetName(target()) << ", seed " << seed);
  std::mt19937_64 rng(seed);
  const std::vector<Seed> seeds = Seeds(target());
  int failures = 0;
  auto run = [&](const std::vector<uint8_t>& input) {
    const std::string problem = RunTarget(target(), input);
    if (!problem.empty() && ++failures <= 5) ADD_FAILURE() << problem;
  };
  for (uint64_t i = 0; i < iterations; ++i) {
    std::vector<uint8_t> random(rng() % ((i % 16 == 0) ? 600 : 40));
    for (uint8_t& b : random) b = static_cast<uint8_t>(rng());
    run(random);
    run(Mutate(seeds[rng() % seeds.size()].bytes, rng));
  }
  EXPECT_EQ(failures, 0);
}

INSTANTIATE_TEST_SUITE_P(AllTargets, NetFuzzTargets, ::testing::Range(0, kTargetCount),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(TargetName(static_cast<Target>(info.param)));
                         });

TEST(NetFuzzTargets, NamesRoundTrip) {
  for (int t = 0; t < kTargetCount; ++t) {
    const auto target = static_cast<Target>(t);
    EXPECT_EQ(TargetNamed(TargetName(target)), target);
  }
  EXPECT_EQ(TargetNamed("tls_handshake"), std::nullopt);
}

// The connection seeds reach the states their names promise.
TEST(ConnectionSeeds, ReachTheirStates) {
  for (const Seed& seed : Seeds(Target::kConnection)) {
    SCOPED_TRACE(seed.name);
    const ConnectionRun run = RunConnectionDetailed(seed.bytes);
    EXPECT_EQ(run.problem, "");
    const bool refused = seed.name.find("refused") != std::string::npos;
    const bool broken = seed.name.find("broken") != std::string::npos;
    const bool early = seed.name.find("before-hello") != std::string::npos ||
                       seed.name.find("version-2") != std::string::npos;
    const bool too_large = seed.name.find("small-limit") != std::string::npos;
    if (too_large) {  // established, then the frame above the limit closes it
      EXPECT_TRUE(run.established);
      EXPECT_TRUE(run.closed);
      EXPECT_FALSE(run.graceful);
      EXPECT_EQ(run.messages, 0u);
    } else if (refused || broken || early) {
      EXPECT_FALSE(run.established);
      EXPECT_TRUE(run.closed);
      EXPECT_FALSE(run.graceful);
      EXPECT_EQ(run.messages, 0u);
    } else {
      EXPECT_TRUE(run.established);
    }
    if (seed.name.find("-data-bye") != std::string::npos || seed.name.find("chunks") != std::string::npos) {
      EXPECT_EQ(run.messages, 4u);
      EXPECT_TRUE(run.closed);
      EXPECT_TRUE(run.graceful);
    }
    if (seed.name == "acceptor-large-frame") {
      EXPECT_EQ(run.messages, 1u);
    }
  }
}

// A dialler over a stream that ends after the handshake closes, not gracefully.
TEST(ConnectionTarget, EndOfStreamWithoutByeClosesUngracefully) {
  std::vector<uint8_t> input = {0, 0, 0x7F, 0};
  const std::vector<uint8_t> peer = PeerStream(false, 1);
  input.insert(input.end(), peer.begin(), peer.begin() + static_cast<std::ptrdiff_t>(peer.size() / 2));
  const ConnectionRun run = RunConnectionDetailed(input);
  EXPECT_EQ(run.problem, "");
  EXPECT_TRUE(run.closed);
  EXPECT_FALSE(run.graceful);
}

// Regression 4f418399 (regressions/connection/bye-before-handshake-4f418399, found by
// the connection fuzzer): a Bye before the Hello put the acceptor into kClosing
// without a handshake, and the Data frames after it reached OnMessage before any
// OnEstablished. A Bye before the handshake is now a protocol error.
TEST(ConnectionTarget, Regression4f418399ByeBeforeTheHandshake) {
  // An acceptor whose writes never complete (so the Bye reply cannot finish the close).
  const uint8_t flags = ConnectionInput::kAcceptor | (2 << ConnectionInput::kWriteModeShift);
  std::vector<uint8_t> input = {flags, 0, 0x7F, 0};
  net::wire::Bye bye;
  bye.set_reason("before the handshake");
  std::vector<uint8_t> peer;
  net::AppendControlFrame(net::FrameType::kBye, bye, peer);  // the Bye first
  const std::vector<uint8_t> rest = PeerStream(true, 2);     // Hello, 2 Data, Heartbeat, Bye
  const absl::StatusOr<net::FrameHeader> hello = net::DecodeFrameHeader(rest, 1u << 20);
  ASSERT_TRUE(hello.ok()) << hello.status();
  // Then the Data frames, without the Hello.
  peer.insert(peer.end(), rest.begin() + static_cast<std::ptrdiff_t>(net::kFrameHeaderSize + hello->length),
              rest.end());
  input.insert(input.end(), peer.begin(), peer.end());
  const ConnectionRun run = RunConnectionDetailed(input);
  EXPECT_EQ(run.problem, "");
  EXPECT_FALSE(run.established);
  EXPECT_EQ(run.messages, 0u);
  EXPECT_TRUE(run.closed);
  EXPECT_FALSE(run.graceful);
}

// Regression (found by the connection fuzzer): an acceptor refused by Admit whose
// Error frame cannot be written (the stream is broken) closes with the refusal, not
// with the write error (the first close reason is the one reported). The target
// checks the close status of every refusal, broken streams included.
TEST(ConnectionTarget, ARefusalOverABrokenStreamClosesWithTheRefusal) {
  for (const uint8_t limit : {uint8_t{0}, ConnectionInput::kRefuseWithLimit}) {
    std::vector<uint8_t> input = {
        static_cast<uint8_t>(ConnectionInput::kAcceptor | limit | (3 << ConnectionInput::kWriteModeShift)), 0,
        0x7F, 1};
    const std::vector<uint8_t> peer = PeerStream(true, 1);
    input.insert(input.end(), peer.begin(), peer.end());
    const ConnectionRun run = RunConnectionDetailed(input);
    EXPECT_EQ(run.problem, "") << "limit " << int{limit};
    EXPECT_FALSE(run.admitted);
    EXPECT_FALSE(run.established);
    EXPECT_TRUE(run.closed);
    EXPECT_FALSE(run.graceful);
  }
}

// Inputs shorter than the connection target's prefix do nothing.
TEST(ConnectionTarget, ShortInputsAreIgnored) {
  EXPECT_EQ(RunConnection({}), "");
  const uint8_t two[] = {1, 15};
  const ConnectionRun run = RunConnectionDetailed(two);
  EXPECT_FALSE(run.admitted);
  EXPECT_FALSE(run.closed);
}

}  // namespace
}  // namespace kompact::net_fuzz
