#include "bench/compare/compare.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/absl_compat.h"

namespace kompact::bench::compare {
namespace {

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

// A minimal reader for the flat JSON objects the harness writes: string and
// number values only.
class FlatJsonReader {
 public:
  explicit FlatJsonReader(std::string_view text) : text_(text) {}

  // Calls `field(key, string_value, is_string)` for each member.
  template <typename F>
  absl::Status Read(F&& field) {
    SkipSpace();
    if (!Consume('{')) return Error("expected '{'");
    SkipSpace();
    if (Consume('}')) return End();
    while (true) {
      SkipSpace();
      std::string key;
      if (absl::Status s = ReadString(key); !s.ok()) return s;
      SkipSpace();
      if (!Consume(':')) return Error("expected ':'");
      SkipSpace();
      std::string value;
      const bool is_string = pos_ < text_.size() && text_[pos_] == '"';
      if (is_string) {
        if (absl::Status s = ReadString(value); !s.ok()) return s;
      } else {
        const size_t start = pos_;
        while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '}' && text_[pos_] != ' ') ++pos_;
        value = std::string(text_.substr(start, pos_ - start));
        if (value.empty()) return Error("expected a value");
      }
      field(key, value, is_string);
      SkipSpace();
      if (Consume(',')) continue;
      if (Consume('}')) return End();
      return Error("expected ',' or '}'");
    }
  }

 private:
  absl::Status End() {
    SkipSpace();
    return pos_ == text_.size() ? absl::OkStatus() : Error("trailing characters");
  }
  absl::Status Error(std::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("not a suite JSON row (", AsAbsl(what), " at offset ",
                                                   pos_, "): ", AsAbsl(text_.substr(0, 200))));
  }
  void SkipSpace() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\r' || text_[pos_] == '\n')) {
      ++pos_;
    }
  }
  bool Consume(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  absl::Status ReadString(std::string& out) {
    if (!Consume('"')) return Error("expected '\"'");
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') return absl::OkStatus();
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= text_.size()) break;
      const char e = text_[pos_++];
      switch (e) {
        case 'n':
          out.push_back('\n');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 'u': {  // ASCII only; anything else becomes '?'
          if (pos_ + 4 > text_.size()) return Error("short \\u escape");
          const long code = std::strtol(std::string(text_.substr(pos_, 4)).c_str(), nullptr, 16);
          out.push_back(code > 0 && code < 128 ? static_cast<char>(code) : '?');
          pos_ += 4;
          break;
        }
        default:
          out.push_back(e);  // \" \\ \/
      }
    }
    return Error("unterminated string");
  }

  std::string_view text_;
  size_t pos_ = 0;
};

std::string XmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string FormatValue(double v) {
  if (v >= 100) return absl::StrFormat("%.0f", v);
  if (v >= 10) return absl::StrFormat("%.1f", v);
  return absl::StrFormat("%.3g", v);
}

std::string Verdict(const Comparison& c) {
  if (!c.paired()) return "-";
  const double a = c.Advantage();
  if (!(a > 0) || !std::isfinite(a)) return "?";
  return a >= 1 ? absl::StrFormat("kompact %.2fx", a) : absl::StrFormat("caf %.2fx", 1 / a);
}

}  // namespace

absl::StatusOr<Row> ParseJsonRow(std::string_view line) {
  Row row;
  std::set<std::string> seen;
  bool bad_number = false;
  std::string bad_key;
  FlatJsonReader reader(line);
  absl::Status status = reader.Read([&](const std::string& key, const std::string& value, bool is_string) {
    seen.insert(key);
    auto number = [&](double& out) {
      if (is_string || !absl::SimpleAtod(value, &out)) {
        bad_number = true;
        bad_key = key;
      }
    };
    if (key == "framework")
      row.framework = value;
    else if (key == "workload")
      row.name = value;
    else if (key == "style")
      row.style = value;
    else if (key == "params")
      row.params = value;
    else if (key == "unit")
      row.unit = value;
    else if (key == "error")
      row.error = value;
    else if (key == "median")
      number(row.median);
    else if (key == "min")
      number(row.min);
    else if (key == "max")
      number(row.max);
    else if (key == "peak_rss_mib")
      number(row.peak_rss_mib);
    else if (key == "runs") {
      double runs = 0;
      number(runs);
      row.runs = static_cast<int>(runs);
    }
  });
  if (!status.ok()) return status;
  if (bad_number) {
    return absl::InvalidArgumentError(
        absl::StrCat("suite JSON row: '", bad_key, "' is not a number: ", AsAbsl(line)));
  }
  for (const char* key : {"framework", "workload", "style", "params", "unit", "runs", "median"}) {
    if (seen.count(key) == 0) {
      return absl::InvalidArgumentError(absl::StrCat("suite JSON row without '", key, "': ", AsAbsl(line)));
    }
  }
  return row;
}

double Comparison::OursMedian() const { return Median(ours); }
double Comparison::CafMedian() const { return Median(caf); }

double Comparison::Ratio() const {
  if (!paired() || CafMedian() == 0) return 0;
  return OursMedian() / CafMedian();
}

double Comparison::Advantage() const {
  const double r = Ratio();
  if (r == 0) return 0;
  return lower_is_better() ? 1 / r : r;
}

void Comparator::AddTo(Side& side, const Row& row) {
  if (side.unit.empty()) side.unit = row.unit;
  side.peak_rss_mib = std::max(side.peak_rss_mib, row.peak_rss_mib);
  if (!row.error.empty()) {
    side.errors.push_back(absl::StrCat(row.framework, ": ", row.error));
  } else if (row.runs > 0) {
    side.medians.push_back(row.median);
  }
}

void Comparator::Add(const Row& row) {
  if (row.framework == kOurs) {
    auto key = std::make_tuple(row.name, row.style, row.params);
    if (ours_.count(key) == 0) ours_order_.push_back(key);
    AddTo(ours_[key], row);
  } else if (row.framework == kCaf) {
    auto key = std::make_pair(row.name, row.params);
    if (caf_.count(key) == 0) caf_order_.push_back(key);
    AddTo(caf_[key], row);
  }
}

void Comparator::AddFailure(std::string_view framework, std::string_view name, std::string_view what) {
  failures_.emplace_back(std::string(name), absl::StrCat(AsAbsl(framework), ": ", AsAbsl(what)));
}

std::vector<Comparison> Comparator::Comparisons() const {
  std::vector<Comparison> out;
  std::set<std::pair<std::string, std::string>> matched;
  auto add_failures = [&](Comparison& c) {
    for (const auto& [name, what] : failures_) {
      if (name == c.name) c.errors.push_back(what);
    }
  };
  for (const auto& key : ours_order_) {
    const Side& ours = ours_.at(key);
    Comparison c{std::get<0>(key),  std::get<1>(key),
                 std::get<2>(key),  ours.unit,
                 ours.medians,      {},
                 ours.peak_rss_mib, 0,
                 ours.errors};
    auto caf = caf_.find({c.name, c.params});
    if (caf != caf_.end()) {
      matched.insert(caf->first);
      c.caf = caf->second.medians;
      c.caf_peak_rss_mib = caf->second.peak_rss_mib;
      c.errors.insert(c.errors.end(), caf->second.errors.begin(), caf->second.errors.end());
      if (caf->second.unit != c.unit) {
        c.errors.push_back(
            absl::StrCat("units differ: kompact '", c.unit, "', caf '", caf->second.unit, "'"));
        c.caf.clear();  // not comparable
      }
    }
    add_failures(c);
    out.push_back(std::move(c));
  }
  for (const auto& key : caf_order_) {
    if (matched.count(key) > 0) continue;
    const Side& caf = caf_.at(key);
    Comparison c{key.first, "actor", key.second, caf.unit, {}, caf.medians, 0, caf.peak_rss_mib, caf.errors};
    add_failures(c);
    out.push_back(std::move(c));
  }
  return out;
}

std::string FormatTable(const std::vector<Comparison>& comparisons) {
  std::string out =
      absl::StrFormat("%-22s %-9s %-24s %-9s %10s %10s %9s %-15s %8s %8s\n", "workload", "style", "params",
                      "unit", "kompact", "caf", "ours/caf", "better", "k MiB", "caf MiB");
  std::vector<std::string> notes;
  for (const Comparison& c : comparisons) {
    const std::string ours = c.ours.empty() ? "-" : FormatValue(c.OursMedian());
    const std::string caf = c.caf.empty() ? "-" : FormatValue(c.CafMedian());
    const std::string ratio = c.paired() ? absl::StrFormat("%.2f", c.Ratio()) : "-";
    out +=
        absl::StrFormat("%-22s %-9s %-24s %-9s %10s %10s %9s %-15s %8.1f %8.1f\n", c.name, c.style, c.params,
                        c.unit, ours, caf, ratio, Verdict(c), c.ours_peak_rss_mib, c.caf_peak_rss_mib);
    for (const std::string& e : c.errors)
      notes.push_back(absl::StrCat(c.name, "/", c.style, " ", c.params, ": ", e));
    if (!c.paired() && c.errors.empty()) {
      notes.push_back(absl::StrCat(c.name, "/", c.style, " ", c.params, ": no ",
                                   c.ours.empty() ? "kompact" : "caf", " row with these params"));
    }
  }
  out +=
      "ours/caf: ratio of the medians (median over rounds of each round's median); 'better' inverts it for\n"
      "memory (B/...), where lower is better.\n";
  for (const std::string& n : notes) absl::StrAppend(&out, "note: ", n, "\n");
  return out;
}

std::string RenderSvg(const std::vector<Comparison>& comparisons, std::string_view subtitle) {
  std::vector<const Comparison*> rows;
  for (const Comparison& c : comparisons) {
    const double a = c.Advantage();
    if (c.paired() && a > 0 && std::isfinite(a)) rows.push_back(&c);
  }
  // Log scale over [lo, hi], always including 0.5x..2x, on a 1-2-5 grid.
  double lo = 0.5, hi = 2;
  for (const Comparison* c : rows) {
    lo = std::min(lo, c->Advantage() / 1.15);
    hi = std::max(hi, c->Advantage() * 1.15);
  }
  std::vector<double> ticks;
  for (int e = -6; e <= 6; ++e) {
    for (double m : {1.0, 2.0, 5.0}) {
      const double t = m * std::pow(10.0, e);
      if (t >= lo / 1.0001 && t <= hi * 1.0001) ticks.push_back(t);
    }
  }
  // Labels are right-aligned against the chart: ~7 px per character at 12 px.
  size_t longest = 20;
  for (const Comparison* c : rows)
    longest = std::max(longest, c->name.size() + c->style.size() + c->params.size() + 2);
  const int label_width = 16 + 7 * static_cast<int>(longest);
  const int chart_width = 520, right_margin = 100, top = 78, row_height = 24;
  const int width = label_width + chart_width + right_margin;
  const int height = top + static_cast<int>(rows.size()) * row_height + 70;
  auto x = [&](double v) {
    return label_width + chart_width * (std::log(v) - std::log(lo)) / (std::log(hi) - std::log(lo));
  };
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
      "<text x=\"12\" y=\"24\" font-size=\"17\" font-weight=\"bold\">kompact-cpp vs CAF 0.17: how many times "
      "better (log scale)</text>\n"
      "<text x=\"12\" y=\"44\" fill=\"#555\">%s</text>\n",
      width, height, width, height, XmlEscape(subtitle));
  const int chart_bottom = top + static_cast<int>(rows.size()) * row_height;
  for (double t : ticks) {
    const double tx = x(t);
    absl::StrAppendFormat(
        &svg,
        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%s\"/>\n"
        "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%sx</text>\n",
        tx, top - 8, tx, chart_bottom, t == 1 ? "#000" : "#ddd", t == 1 ? "1.5" : "1", tx, top - 14,
        absl::StrFormat("%g", t));
  }
  int y = top;
  for (const Comparison* c : rows) {
    const double a = c->Advantage();
    const double x1 = x(1), xa = x(a);
    const bool win = a >= 1;
    absl::StrAppendFormat(
        &svg,
        "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n"
        "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s: kompact %s, "
        "caf %s %s</title></rect>\n"
        "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>\n",
        label_width - 8, y + 16, XmlEscape(absl::StrCat(c->name, "/", c->style, " ", c->params)),
        std::min(x1, xa), y + 4, std::max(std::abs(xa - x1), 1.0), row_height - 8,
        win ? "#2e7d32" : "#c62828", XmlEscape(c->name), FormatValue(c->OursMedian()),
        FormatValue(c->CafMedian()), XmlEscape(c->unit), win ? xa + 4 : xa - 4, y + 16, win ? "start" : "end",
        XmlEscape(absl::StrFormat("%.2fx%s", a, c->lower_is_better() ? " (memory)" : "")));
    y += row_height;
  }
  absl::StrAppendFormat(
      &svg,
      "<text x=\"12\" y=\"%d\" fill=\"#555\">Green: kompact-cpp better by the factor shown; red: CAF "
      "better. Rates: kompact-cpp / CAF; memory (B/comp): CAF / kompact-cpp.</text>\n"
      "<text x=\"12\" y=\"%d\" fill=\"#555\">Medians over alternating rounds (A B A B ...); "
      "generated by //bench:compare.%s</text>\n",
      chart_bottom + 30, chart_bottom + 48,
      rows.size() == comparisons.size()
          ? ""
          : absl::StrCat(" Not shown (unpaired or failed): ", comparisons.size() - rows.size(),
                         " row(s), see the table."));
  if (rows.empty()) {
    absl::StrAppendFormat(&svg, "<text x=\"12\" y=\"%d\">no paired rows</text>\n", top + 16);
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace kompact::bench::compare
