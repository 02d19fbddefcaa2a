// Deserialisation fuzz targets for every built-in serialiser and for the Buf, NetData
// and MatchDeser read paths (issue 5 item 10). Shared by the randomised gtest
// (fuzz_targets_test.cc, always run, also under ASan) and the libFuzzer entry point
// (deserialise_fuzzer.cc, built with clang by run_fuzzer.sh).
//
// Invariants checked for arbitrary input bytes:
//   - decoding never crashes or reads out of bounds (ASan), and fails only with
//     kDataLoss;
//   - the result is the same whether the bytes are one span or split into segments;
//   - the encoding is canonical: a value decoded from bytes re-encodes to exactly
//     those bytes.
//
// Thread-safety: stateless; safe to call from several threads.
#ifndef KOMPACT_SERIALISATION_FUZZ_FUZZ_TARGETS_H_
#define KOMPACT_SERIALISATION_FUZZ_FUZZ_TARGETS_H_

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kompact::serialisation_fuzz {

// Number of targets; a target is an int in [0, kTargetCount).
int TargetCount();
std::string_view TargetName(int target);

// Decodes `payload` with `target`, reading it also as segments chosen by
// `split_seed`. Returns "" if every invariant holds, else what broke.
std::string RunTarget(int target, std::span<const uint8_t> payload, uint64_t split_seed);

// libFuzzer's view: data[0] picks the target, data[1] the segmentation, the rest is
// the payload. Returns what broke, or "".
std::string FuzzOneInput(std::span<const uint8_t> data);

// The encoding of a random valid value for `target` (a seed for mutations).
std::vector<uint8_t> ValidSample(int target, std::mt19937_64& rng);

}  // namespace kompact::serialisation_fuzz

#endif  // KOMPACT_SERIALISATION_FUZZ_FUZZ_TARGETS_H_
