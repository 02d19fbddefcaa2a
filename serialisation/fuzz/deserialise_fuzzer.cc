// libFuzzer entry point over fuzz_targets.h. Built with clang by run_fuzzer.sh; under
// Bazel (g++) it links with //testing:fuzz_replay_main, which replays input files.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

#include "serialisation/fuzz/fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string problem = kompact::serialisation_fuzz::FuzzOneInput(std::span<const uint8_t>(data, size));
  if (!problem.empty()) {
    std::fprintf(stderr, "invariant broken: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
