// //bench:compare: runs kompact-cpp's suite and the CAF peer suite alternately
// (for each workload: ours, CAF, ours, CAF, ... for --rounds rounds, each a fresh
// process with --json), pairs the rows and prints both medians and the ratio
// ours/CAF per workload; writes a bar chart of the ratios as SVG.
//
//   tools/bazel run -c opt //bench:compare -- --workloads=PingPong,FanIn --rounds=3
//
// Flags:
//   --ours=PATH --caf=PATH   the suite binaries (set by the BUILD target)
//   --workloads=A,B/style    as the suites' flag (default: every workload of either)
//   --rounds=N               alternations per workload (default 3)
//   --runs=N --warmup=N --scale=F --threads=N   passed to both suites
//   --svg=PATH               the chart (default: bench/results/compare.svg in the
//                            workspace under `bazel run`, else the test output
//                            directory or the current directory)
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/absl_compat.h"
#include "bench/compare/compare.h"

namespace kompact::bench::compare {
namespace {

struct Flags {
  std::string ours;
  std::string caf;
  std::vector<std::string> workloads;  // as given: "Name" or "Name/style"
  int rounds = 3;
  std::vector<std::string> passthrough;  // --runs= --warmup= --scale= --threads=
  std::string svg;
};

absl::StatusOr<Flags> ParseFlags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const size_t eq = arg.find('=');
    const std::string key = arg.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : arg.substr(eq + 1);
    if (key == "--ours") {
      f.ours = value;
    } else if (key == "--caf") {
      f.caf = value;
    } else if (key == "--workloads") {
      for (absl::string_view w : absl::StrSplit(value, ',', absl::SkipEmpty())) f.workloads.emplace_back(w);
    } else if (key == "--rounds") {
      if (!absl::SimpleAtoi(value, &f.rounds) || f.rounds < 1) {
        return absl::InvalidArgumentError(absl::StrCat("--rounds=", value, ": expected an integer >= 1"));
      }
    } else if (key == "--runs" || key == "--warmup" || key == "--scale" || key == "--threads") {
      f.passthrough.push_back(arg);
    } else if (key == "--svg") {
      f.svg = value;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown argument '", arg,
                       "' (known: --ours= --caf= --workloads= --rounds= --runs= "
                       "--warmup= --scale= --threads= --svg=)"));
    }
  }
  if (f.ours.empty() || f.caf.empty()) return absl::InvalidArgumentError("--ours= and --caf= are required");
  return f;
}

struct Output {
  int exit_code = 0;
  std::string out;
};

// Runs `path args...` with stdout captured (stderr, the progress lines, passes through).
absl::StatusOr<Output> Run(const std::string& path, const std::vector<std::string>& args) {
  int fds[2];
  if (pipe(fds) != 0) return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  std::vector<std::string> argv_storage = {path};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    execv(path.c_str(), argv.data());
    std::fprintf(stderr, "compare: cannot run %s: %s\n", path.c_str(), std::strerror(errno));
    _exit(127);
  }
  close(fds[1]);
  Output output;
  char buffer[4096];
  while (true) {
    const ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n > 0) {
      output.out.append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return absl::InternalError(absl::StrCat("waitpid: ", std::strerror(errno)));
  }
  output.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return output;
}

// Workload names in the order the suites list them (ours first).
absl::StatusOr<std::vector<std::string>> ListNames(const Flags& flags) {
  std::vector<std::string> names;
  for (const std::string* binary : {&flags.ours, &flags.caf}) {
    absl::StatusOr<Output> listed = Run(*binary, {"--list"});
    if (!listed.ok()) return listed.status();
    if (listed->exit_code != 0) {
      return absl::FailedPreconditionError(absl::StrCat(*binary, " --list exited with ", listed->exit_code));
    }
    for (absl::string_view line : absl::StrSplit(listed->out, '\n', absl::SkipEmpty())) {
      const std::string name(line.substr(0, line.find_first_of("/ ")));
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  return names;
}

std::string DefaultSvgPath() {
  if (const char* ws = std::getenv("BUILD_WORKSPACE_DIRECTORY"))
    return absl::StrCat(ws, "/bench/results/compare.svg");
  if (const char* out = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR")) return absl::StrCat(out, "/compare.svg");
  return "compare.svg";
}

std::string MachineDescription() {
  std::string model = "unknown CPU";
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0 && line.find(':') != std::string::npos) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  return absl::StrCat(std::thread::hardware_concurrency(), " vCPUs, ", model);
}

int Main(int argc, char** argv) {
  absl::StatusOr<Flags> flags = ParseFlags(argc, argv);
  if (!flags.ok()) {
    std::fprintf(stderr, "compare: %s\n", std::string(flags.status().message()).c_str());
    return 2;
  }
  absl::StatusOr<std::vector<std::string>> names = ListNames(*flags);
  if (!names.ok()) {
    std::fprintf(stderr, "compare: %s\n", std::string(names.status().message()).c_str());
    return 2;
  }
  // Per workload name: our filter (the requested entries for it) and CAF's (the name).
  std::vector<std::pair<std::string, std::string>> plan;
  for (const std::string& name : *names) {
    std::vector<std::string> entries;
    for (const std::string& w : flags->workloads) {
      if (w == name || w.rfind(name + "/", 0) == 0) entries.push_back(w);
    }
    if (flags->workloads.empty()) entries.push_back(name);
    if (!entries.empty()) plan.emplace_back(name, absl::StrJoin(entries, ","));
  }
  for (const std::string& w : flags->workloads) {
    const std::string name = w.substr(0, w.find('/'));
    if (std::find(names->begin(), names->end(), name) == names->end()) {
      std::fprintf(stderr, "compare: no suite has a workload '%s'\n", w.c_str());
      return 2;
    }
  }

  Comparator comparator;
  bool failed = false;
  for (const auto& [name, ours_filter] : plan) {
    for (int round = 1; round <= flags->rounds; ++round) {
      for (const bool ours : {true, false}) {
        const std::string& binary = ours ? flags->ours : flags->caf;
        const std::string framework(ours ? kOurs : kCaf);
        std::vector<std::string> args = {"--json", absl::StrCat("--workloads=", ours ? ours_filter : name)};
        args.insert(args.end(), flags->passthrough.begin(), flags->passthrough.end());
        std::fprintf(stderr, "[compare] %s round %d/%d: %s\n", name.c_str(), round, flags->rounds,
                     framework.c_str());
        absl::StatusOr<Output> output = Run(binary, args);
        if (!output.ok()) {
          comparator.AddFailure(framework, name, AsStd(output.status().message()));
          failed = true;
          continue;
        }
        int rows = 0, row_errors = 0;
        for (absl::string_view line : absl::StrSplit(output->out, '\n', absl::SkipEmpty())) {
          absl::StatusOr<Row> row = ParseJsonRow(AsStd(line));
          if (!row.ok()) {
            comparator.AddFailure(framework, name, AsStd(row.status().message()));
            failed = true;
            continue;
          }
          row_errors += row->error.empty() ? 0 : 1;
          comparator.Add(*row);
          ++rows;
        }
        failed |= row_errors > 0;
        // A failed row explains the exit code itself. Exit code 2 with no rows:
        // the suite has no such workload, which shows as an unpaired row.
        if (output->exit_code != 0 && row_errors == 0 && !(output->exit_code == 2 && rows == 0)) {
          comparator.AddFailure(framework, name, absl::StrCat("exited with ", output->exit_code));
          failed = true;
        }
      }
    }
  }

  const std::vector<Comparison> comparisons = comparator.Comparisons();
  std::printf("%s", FormatTable(comparisons).c_str());
  const std::string svg_path = flags->svg.empty() ? DefaultSvgPath() : flags->svg;
  const std::string subtitle = absl::StrCat(
      absl::FormatTime("%Y-%m-%d %H:%M %Z", absl::Now(), absl::LocalTimeZone()), "; ", MachineDescription(),
      "; ", flags->rounds, " rounds",
      flags->passthrough.empty() ? "" : absl::StrCat(", ", absl::StrJoin(flags->passthrough, " ")));
  std::error_code ignored;  // a missing directory shows as a failed write below
  std::filesystem::create_directories(std::filesystem::path(svg_path).parent_path(), ignored);
  std::ofstream svg(svg_path);
  svg << RenderSvg(comparisons, subtitle);
  svg.close();
  if (!svg) {
    std::fprintf(stderr, "compare: cannot write %s\n", svg_path.c_str());
    return 1;
  }
  std::printf("chart: %s\n", svg_path.c_str());
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace kompact::bench::compare

int main(int argc, char** argv) { return kompact::bench::compare::Main(argc, argv); }
