// The side-by-side comparison of kompact-cpp's suite and the CAF peer suite
// (//bench:compare): parsing the suites' `--json` rows, pairing them by workload
// and params (each of our styles against CAF's actor style), aggregating the
// rounds, and rendering the result as a text table and an SVG bar chart.
//
// Plain values and pure functions; not synchronised.
#ifndef KOMPACT_BENCH_COMPARE_COMPARE_H_
#define KOMPACT_BENCH_COMPARE_COMPARE_H_

#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/harness/harness.h"

namespace kompact::bench::compare {

// The framework names the suites report (RunSuite's `framework`).
inline constexpr std::string_view kOurs = "kompact";
inline constexpr std::string_view kCaf = "caf";

// One row of a suite's --json output (harness FormatJson) back into a Row.
// InvalidArgument if `line` is not such an object or a field is missing.
[[nodiscard]] absl::StatusOr<Row> ParseJsonRow(std::string_view line);

// One line of our table: one workload, params and style of ours against CAF's
// actor style, over all rounds.
struct Comparison {
  std::string name;
  std::string style;  // our style (CAF has only "actor")
  std::string params;
  std::string unit;
  std::vector<double> ours;  // per-round medians
  std::vector<double> caf;
  double ours_peak_rss_mib = 0;  // the largest over the rounds
  double caf_peak_rss_mib = 0;
  std::vector<std::string> errors;  // "kompact: ..." / "caf: ..." from failed rounds

  bool paired() const { return !ours.empty() && !caf.empty(); }
  // Lower is better for memory units ("B/comp").
  bool lower_is_better() const { return unit.rfind("B/", 0) == 0; }
  double OursMedian() const;  // median of the per-round medians; 0 if none
  double CafMedian() const;
  // ours / CAF (0 unless paired).
  double Ratio() const;
  // How many times better ours is: the ratio, inverted for memory units; > 1
  // means kompact-cpp wins. 0 unless paired.
  double Advantage() const;
};

// Collects rows from both suites over the rounds and pairs them up.
class Comparator {
 public:
  // Rows of another framework than kOurs/kCaf are ignored.
  void Add(const Row& row);
  // A failed suite process (no rows); shown under every comparison of `name`.
  void AddFailure(std::string_view framework, std::string_view name, std::string_view what);

  // In first-seen order: our rows (each style), then CAF rows nothing of ours
  // matched (so missing workloads are visible).
  std::vector<Comparison> Comparisons() const;

 private:
  struct Side {
    std::string unit;
    std::vector<double> medians;
    double peak_rss_mib = 0;
    std::vector<std::string> errors;
  };
  static void AddTo(Side& side, const Row& row);

  // Keyed by (name, style, params) for ours, (name, params) for CAF; the order
  // vectors keep the order rows were first seen.
  std::vector<std::tuple<std::string, std::string, std::string>> ours_order_;
  std::map<std::tuple<std::string, std::string, std::string>, Side> ours_;
  std::vector<std::pair<std::string, std::string>> caf_order_;
  std::map<std::pair<std::string, std::string>, Side> caf_;
  std::vector<std::pair<std::string, std::string>> failures_;  // name, "framework: what"
};

// The table: one line per comparison with both medians, the ratio ours/CAF, who
// wins by how much, and both peak RSS figures.
std::string FormatTable(const std::vector<Comparison>& comparisons);

// A horizontal bar chart (log scale, centred on 1x) of Advantage() per paired
// comparison: bars to the right where kompact-cpp is better, to the left where
// CAF is. `subtitle` is printed under the title (e.g. date and machine).
std::string RenderSvg(const std::vector<Comparison>& comparisons, std::string_view subtitle);

}  // namespace kompact::bench::compare

#endif  // KOMPACT_BENCH_COMPARE_COMPARE_H_
