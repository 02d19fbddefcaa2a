// Writes the network fuzz targets' seeds (seeds.h) to DIR/<target>/<name>:
//   tools/bazel run //net/fuzz:make_seeds -- $PWD/net/fuzz/corpus
// The checked-in corpus is these seeds after libFuzzer's -merge=1 (README.md).
// Exits 2 on a usage error, 1 if a file cannot be written.
//
// Thread-safety: single-threaded. Lifetime: the process.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include "net/fuzz/fuzz_targets.h"
#include "net/fuzz/seeds.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR (seeds go to DIR/<target>/)\n", argv[0]);
    return 2;
  }
  const std::filesystem::path root(argv[1]);
  for (int t = 0; t < kompact::net_fuzz::kTargetCount; ++t) {
    const auto target = static_cast<kompact::net_fuzz::Target>(t);
    const std::filesystem::path dir = root / std::string(kompact::net_fuzz::TargetName(target));
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) {
      std::fprintf(stderr, "cannot create %s: %s\n", dir.c_str(), error.message().c_str());
      return 1;
    }
    int written = 0;
    for (const kompact::net_fuzz::Seed& seed : kompact::net_fuzz::Seeds(target)) {
      const std::filesystem::path file = dir / seed.name;
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(seed.bytes.data()),
                static_cast<std::streamsize>(seed.bytes.size()));
      if (!out) {
        std::fprintf(stderr, "cannot write %s\n", file.c_str());
        return 1;
      }
      ++written;
    }
    std::printf("%s: %d seeds in %s\n", std::string(kompact::net_fuzz::TargetName(target)).c_str(), written,
                dir.c_str());
  }
  return 0;
}
