// The mandatory randomised fuzz test: thousands of random and mutated inputs per
// target (fuzz_targets.h), deterministic by default. Under --config=asan it proves
// that no deserialiser reads out of bounds on these inputs.
//   KOMPACT_FUZZ_SEED=<n>        another seed (the seed is printed on failure)
//   KOMPACT_FUZZ_ITERATIONS=<n>  inputs per target and kind (default 3000)
#include "serialisation/fuzz/fuzz_targets.h"

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace kompact::serialisation_fuzz {
namespace {

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v == nullptr ? fallback : std::strtoull(v, nullptr, 10);
}

std::vector<uint8_t> Mutate(std::vector<uint8_t> bytes, std::mt19937_64& rng) {
  const int edits = 1 + static_cast<int>(rng() % 3);
  for (int e = 0; e < edits; ++e) {
    const size_t at = bytes.empty() ? 0 : rng() % bytes.size();
    switch (rng() % 7) {
      case 0:  // flip a bit
        if (!bytes.empty()) bytes[at] ^= static_cast<uint8_t>(1u << (rng() % 8));
        break;
      case 1:  // truncate
        bytes.resize(bytes.empty() ? 0 : rng() % bytes.size());
        break;
      case 2:  // append
        for (uint64_t n = 1 + rng() % 4; n > 0; --n) bytes.push_back(static_cast<uint8_t>(rng()));
        break;
      case 3:  // insert
        bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), static_cast<uint8_t>(rng()));
        break;
      case 4:  // delete
        if (!bytes.empty()) bytes.erase(bytes.begin() + static_cast<std::ptrdiff_t>(at));
        break;
      case 5: {  // an interesting byte
        static constexpr uint8_t kInteresting[] = {0x00, 0x01, 0x7f, 0x80, 0xff};
        if (!bytes.empty()) bytes[at] = kInteresting[rng() % 5];
        break;
      }
      default:  // duplicate a slice
        if (!bytes.empty()) {
          const size_t len = 1 + rng() % std::min<size_t>(bytes.size() - at, 8);
          std::vector<uint8_t> slice(bytes.begin() + static_cast<std::ptrdiff_t>(at),
                                     bytes.begin() + static_cast<std::ptrdiff_t>(at + len));
          bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), slice.begin(), slice.end());
        }
        break;
    }
  }
  return bytes;
}

class FuzzTargets : public ::testing::TestWithParam<int> {};

TEST_P(FuzzTargets, SurviveRandomAndMutatedInputs) {
  const int target = GetParam();
  const uint64_t seed = EnvOr("KOMPACT_FUZZ_SEED", 20240501) + static_cast<uint64_t>(target);
  const uint64_t iterations = EnvOr("KOMPACT_FUZZ_ITERATIONS", 3000);
  SCOPED_TRACE(testing::Message() << "target " << TargetName(target) << ", seed " << seed);
  std::mt19937_64 rng(seed);
  int failures = 0;
  auto run = [&](const std::vector<uint8_t>& input) {
    const std::string problem = RunTarget(target, input, rng());
    if (!problem.empty() && ++failures <= 5) ADD_FAILURE() << problem;
  };
  for (uint64_t i = 0; i < iterations; ++i) {
    // Random bytes, mostly short.
    std::vector<uint8_t> random(rng() % ((i % 16 == 0) ? 400 : 24));
    for (uint8_t& b : random) b = static_cast<uint8_t>(rng());
    run(random);
    // A valid encoding, as is and mutated.
    const std::vector<uint8_t> valid = ValidSample(target, rng);
    run(valid);
    run(Mutate(valid, rng));
  }
  EXPECT_EQ(failures, 0);
}

INSTANTIATE_TEST_SUITE_P(AllTargets, FuzzTargets, ::testing::Range(0, TargetCount()),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(TargetName(info.param));
                         });

TEST(FuzzOneInput, UsesTheFirstTwoBytesAsTargetAndSplit) {
  EXPECT_EQ(FuzzOneInput({}), "");
  const uint8_t bool_target_bad_byte[] = {9, 0, 7};
  EXPECT_EQ(FuzzOneInput(bool_target_bad_byte), "");  // kDataLoss is an allowed outcome
  EXPECT_EQ(TargetName(9), "bool");
}

}  // namespace
}  // namespace kompact::serialisation_fuzz
