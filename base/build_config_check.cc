// Checks that the build configuration reached the code: compares the constants of
// base/build_config.h (and the log floor derived from them) with expectations on
// the command line. Run by the kompact_config_test targets in base/BUILD.bazel,
// each under a different configuration.
//
// usage: build_config_check --low_latency=0|1 --thread_pinning=0|1
//                           --silent_logging=0|1 --log_floor=TRACE|INFO|ERROR
#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include "base/build_config.h"
#include "base/log.h"

int main(int argc, char** argv) {
  const std::map<std::string, std::string> actual = {
      {"low_latency", kompact::kLowLatency ? "1" : "0"},
      {"thread_pinning", kompact::kThreadPinning ? "1" : "0"},
      {"silent_logging", kompact::kSilentLogging ? "1" : "0"},
      {"log_floor", std::string(kompact::LogLevelName(kompact::kCompiledLogFloor))},
  };
  int checked = 0, failed = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    const size_t eq = arg.find('=');
    if (arg.rfind("--", 0) != 0 || eq == std::string::npos) {
      std::fprintf(stderr, "bad argument '%s' (want --key=value)\n", argv[i]);
      return 2;
    }
    const std::string key = arg.substr(2, eq - 2), want = arg.substr(eq + 1);
    auto it = actual.find(key);
    if (it == actual.end()) {
      std::fprintf(stderr, "unknown key '%s'\n", key.c_str());
      return 2;
    }
    ++checked;
    if (it->second != want) {
      ++failed;
      std::fprintf(stderr, "FAIL %s: build has %s, expected %s\n", key.c_str(), it->second.c_str(),
                   want.c_str());
    } else {
      std::printf("ok   %s = %s\n", key.c_str(), want.c_str());
    }
  }
  if (checked == 0) {
    std::fprintf(stderr, "no expectations given\n");
    return 2;
  }
  return failed == 0 ? 0 : 1;
}
