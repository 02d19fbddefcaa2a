// main() that replays fuzzer inputs (files named on the command line) through
// LLVMFuzzerTestOneInput, so a crash found by libFuzzer can be reproduced and debugged
// with the Bazel toolchain, e.g.
//   tools/bazel run --config=asan //serialisation/fuzz:deserialise_fuzzer_replay -- crash-*
//   tools/bazel run --config=asan //net/fuzz:frame_replay -- crash-*
// Linked into every *_replay binary (serialisation/fuzz, net/fuzz) next to a fuzzer's
// entry point; libFuzzer builds (run_fuzzer.sh) use libFuzzer's own main instead.
// An input that breaks an invariant aborts inside the entry point, failing the run.
//
// Thread-safety: single-threaded (a program's main). Lifetime: the process.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", argv[i]);
      return 2;
    }
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    std::printf("%s: ok (%zu bytes)\n", argv[i], bytes.size());
  }
  return 0;
}
