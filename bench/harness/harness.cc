#include "bench/harness/harness.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace kompact::bench {
namespace {

std::string JsonEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace

int64_t Options::Scaled(int64_t n, int64_t min) const {
  return std::max<int64_t>(min, static_cast<int64_t>(std::llround(static_cast<double>(n) * scale)));
}

bool Options::Selected(const std::string& name, const std::string& style) const {
  if (workloads.empty()) return true;
  for (const std::string& w : workloads) {
    if (w == name || w == name + "/" + style) return true;
  }
  return false;
}

absl::StatusOr<Options> ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const size_t eq = arg.find('=');
    const std::string key = arg.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : arg.substr(eq + 1);
    if (key == "--workloads") {
      for (absl::string_view w : absl::StrSplit(value, ',', absl::SkipEmpty())) o.workloads.emplace_back(w);
    } else if (key == "--runs" || key == "--warmup") {
      int n = 0;
      if (!absl::SimpleAtoi(value, &n) || n < (key == "--runs" ? 1 : 0)) {
        return absl::InvalidArgumentError(
            absl::StrCat(key, "=", value, ": expected an integer >= ", key == "--runs" ? 1 : 0));
      }
      (key == "--runs" ? o.runs : o.warmup) = n;
    } else if (key == "--scale") {
      double f = 0;
      if (!absl::SimpleAtod(value, &f) || !(f > 0)) {
        return absl::InvalidArgumentError(absl::StrCat("--scale=", value, ": expected a number > 0"));
      }
      o.scale = f;
    } else if (arg == "--json") {
      o.json = true;
    } else if (arg == "--list") {
      o.list = true;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown argument '", arg,
                                                     "' (known: --workloads= --runs= --warmup= --scale= "
                                                     "--json --list)"));
    }
  }
  return o;
}

int64_t PeakRssBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      int64_t kib = 0;
      std::istringstream(line.substr(6)) >> kib;
      return kib * 1024;
    }
  }
  return 0;
}

bool ResetPeakRss() {
  std::ofstream clear("/proc/self/clear_refs");
  if (!clear) return false;
  clear << "5";
  return static_cast<bool>(clear.flush());
}

Row Measure(const std::string& framework, const Workload& workload, const Options& options) {
  Row row;
  row.framework = framework;
  row.name = workload.name;
  row.style = workload.style;
  row.params = workload.params;
  row.unit = workload.unit;
  ResetPeakRss();
  std::vector<double> values;
  const int total = options.warmup + options.runs;
  for (int i = 0; i < total; ++i) {
    const bool warmup = i < options.warmup;
    const absl::Time start = absl::Now();
    absl::StatusOr<double> value = workload.run();
    const absl::Duration took = absl::Now() - start;
    if (!value.ok()) {
      row.error = value.status().ToString();
      std::fprintf(stderr, "[%s] %s/%s run %d/%d FAILED: %s\n", framework.c_str(), workload.name.c_str(),
                   workload.style.c_str(), i + 1, total, row.error.c_str());
      break;
    }
    std::fprintf(stderr, "[%s] %s/%s %s run %d/%d: %.3f %s (%.2f s)%s\n", framework.c_str(),
                 workload.name.c_str(), workload.style.c_str(), workload.params.c_str(), i + 1, total, *value,
                 workload.unit.c_str(), absl::ToDoubleSeconds(took), warmup ? " [warm-up]" : "");
    if (!warmup) values.push_back(*value);
  }
  row.peak_rss_mib = static_cast<double>(PeakRssBytes()) / (1024.0 * 1024.0);
  row.runs = static_cast<int>(values.size());
  if (!values.empty()) {
    std::sort(values.begin(), values.end());
    row.min = values.front();
    row.max = values.back();
    const size_t mid = values.size() / 2;
    row.median = values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  }
  return row;
}

std::string FormatTableHeader() {
  return absl::StrFormat("%-8s %-22s %-9s %-24s %12s %12s %12s %-9s %9s", "suite", "workload", "style",
                         "params", "median", "min", "max", "unit", "peak MiB");
}

std::string FormatTableRow(const Row& r) {
  std::string line =
      absl::StrFormat("%-8s %-22s %-9s %-24s %12.3f %12.3f %12.3f %-9s %9.1f", r.framework, r.name, r.style,
                      r.params, r.median, r.min, r.max, r.unit, r.peak_rss_mib);
  if (!r.error.empty()) absl::StrAppend(&line, "  ERROR: ", r.error);
  return line;
}

std::string FormatJson(const Row& r) {
  return absl::StrFormat(
      "{\"framework\":\"%s\",\"workload\":\"%s\",\"style\":\"%s\",\"params\":\"%s\",\"unit\":\"%s\","
      "\"runs\":%d,\"median\":%.6g,\"min\":%.6g,\"max\":%.6g,\"peak_rss_mib\":%.3f,\"error\":\"%s\"}",
      JsonEscape(r.framework), JsonEscape(r.name), JsonEscape(r.style), JsonEscape(r.params),
      JsonEscape(r.unit), r.runs, r.median, r.min, r.max, r.peak_rss_mib, JsonEscape(r.error));
}

int RunSuite(int argc, char** argv, const std::string& framework,
             const std::function<std::vector<Workload>(const Options&)>& make) {
  absl::StatusOr<Options> options = ParseOptions(argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr, "%s\n", std::string(options.status().message()).c_str());
    return 2;
  }
  std::vector<Workload> workloads = make(*options);
  if (options->list) {
    for (const Workload& w : workloads)
      std::printf("%s/%s %s\n", w.name.c_str(), w.style.c_str(), w.params.c_str());
    return 0;
  }
  bool any_selected = false, failed = false;
  if (!options->json) std::printf("%s\n", FormatTableHeader().c_str());
  for (const Workload& w : workloads) {
    if (!options->Selected(w.name, w.style)) continue;
    any_selected = true;
    Row row = Measure(framework, w, *options);
    failed |= !row.error.empty();
    std::printf("%s\n", (options->json ? FormatJson(row) : FormatTableRow(row)).c_str());
    std::fflush(stdout);
  }
  if (!any_selected) {
    std::fprintf(stderr, "no workload matches --workloads (use --list)\n");
    return 2;
  }
  return failed ? 1 : 0;
}

}  // namespace kompact::bench
