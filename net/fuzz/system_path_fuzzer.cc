// libFuzzer entry point of the system_path target (fuzz_targets.h: RunSystemPath). Built with
// clang by net/fuzz/run_fuzzer.sh system_path; under Bazel it links with
// //testing:fuzz_replay_main as //net/fuzz:system_path_replay. A broken invariant aborts
// (libFuzzer saves the input as a crash).
//
// Thread-safety: as RunSystemPath (no shared state).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

#include "net/fuzz/fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string problem = kompact::net_fuzz::RunSystemPath(std::span<const uint8_t>(data, size));
  if (!problem.empty()) {
    std::fprintf(stderr, "system_path invariant broken: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
