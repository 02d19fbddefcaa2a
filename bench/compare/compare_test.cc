#include "bench/compare/compare.h"

#include <string>
#include <vector>

#include "bench/harness/harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace kompact::bench::compare {
namespace {

using ::kompact::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

Row MakeRow(std::string framework, std::string name, std::string style, std::string params, std::string unit,
            double median, double peak = 1, std::string error = "") {
  return Row{framework, name,   style,  params, unit, error.empty() ? 5 : 0,
             median,    median, median, peak,   error};
}

TEST(ParseJsonRow, ReadsWhatTheHarnessWrites) {
  const Row row{"caf",        "Throughput\"PingPong\\",
                "actor",      "n=1000000 w=500 p=1",
                "M msg/s",    5,
                3.96,         3.5,
                4.25,         123.5,
                "INTERNAL: x"};
  ASSERT_OK_AND_ASSIGN(Row parsed, ParseJsonRow(FormatJson(row)));
  EXPECT_EQ(parsed.framework, "caf");
  EXPECT_EQ(parsed.name, row.name);
  EXPECT_EQ(parsed.style, "actor");
  EXPECT_EQ(parsed.params, "n=1000000 w=500 p=1");
  EXPECT_EQ(parsed.unit, "M msg/s");
  EXPECT_EQ(parsed.runs, 5);
  EXPECT_DOUBLE_EQ(parsed.median, 3.96);
  EXPECT_DOUBLE_EQ(parsed.min, 3.5);
  EXPECT_DOUBLE_EQ(parsed.max, 4.25);
  EXPECT_DOUBLE_EQ(parsed.peak_rss_mib, 123.5);
  EXPECT_EQ(parsed.error, "INTERNAL: x");
}

TEST(ParseJsonRow, RejectsOtherLinesAndMissingFields) {
  EXPECT_THAT(ParseJsonRow("suite    workload   style"), StatusIs(absl::StatusCode::kInvalidArgument, "'{'"));
  EXPECT_THAT(ParseJsonRow("{\"framework\":\"caf\"}"),
              StatusIs(absl::StatusCode::kInvalidArgument, "workload"));
  EXPECT_THAT(ParseJsonRow("{\"framework\":\"caf\",\"median\":\"fast\"}"),
              StatusIs(absl::StatusCode::kInvalidArgument, "median"));
  EXPECT_THAT(ParseJsonRow("{\"framework\":\"caf\""), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(Comparator, PairsEachOfOurStylesWithCafsActorRowAndTakesMediansOverRounds) {
  Comparator c;
  for (double v : {10.0, 14.0, 12.0})
    c.Add(MakeRow("kompact", "PingPong", "actor", "n=1000000", "M rt/s", v));
  for (double v : {9.0, 8.0, 7.0})
    c.Add(MakeRow("kompact", "PingPong", "component", "n=1000000", "M rt/s", v, 40));
  for (double v : {1.0, 2.0, 1.5}) c.Add(MakeRow("caf", "PingPong", "actor", "n=1000000", "M rt/s", v, 30));
  const std::vector<Comparison> all = c.Comparisons();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].style, "actor");
  EXPECT_TRUE(all[0].paired());
  EXPECT_DOUBLE_EQ(all[0].OursMedian(), 12.0);
  EXPECT_DOUBLE_EQ(all[0].CafMedian(), 1.5);
  EXPECT_DOUBLE_EQ(all[0].Ratio(), 8.0);
  EXPECT_DOUBLE_EQ(all[0].Advantage(), 8.0);
  EXPECT_EQ(all[1].style, "component");
  EXPECT_DOUBLE_EQ(all[1].Ratio(), 8.0 / 1.5);
  EXPECT_DOUBLE_EQ(all[1].ours_peak_rss_mib, 40);
  EXPECT_DOUBLE_EQ(all[1].caf_peak_rss_mib, 30);
}

TEST(Comparator, DifferentParamsDoNotPairAndUnmatchedCafRowsAreKept) {
  Comparator c;
  c.Add(MakeRow("kompact", "FanIn", "actor", "senders=8 n=4000000", "M msg/s", 40));
  c.Add(MakeRow("caf", "FanIn", "actor", "n=4000000", "M msg/s", 4));
  c.Add(MakeRow("caf", "Spawn", "actor", "n=100000", "k comp/s", 400));
  c.Add(MakeRow("akka", "Spawn", "actor", "n=100000", "k comp/s", 1));
  const std::vector<Comparison> all = c.Comparisons();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_FALSE(all[0].paired());
  EXPECT_EQ(all[0].Ratio(), 0);
  EXPECT_EQ(all[1].params, "n=4000000");
  EXPECT_TRUE(all[1].ours.empty());
  EXPECT_EQ(all[2].name, "Spawn");
  EXPECT_EQ(all[2].caf.size(), 1u);
  const std::string table = FormatTable(all);
  EXPECT_THAT(table, HasSubstr("FanIn/actor senders=8 n=4000000: no caf row"));
  EXPECT_THAT(table, HasSubstr("Spawn/actor n=100000: no kompact row"));
}

TEST(Comparator, MemoryIsBetterWhenLower) {
  Comparator c;
  c.Add(MakeRow("kompact", "IdleMemory", "actor", "n=100000", "B/comp", 250));
  c.Add(MakeRow("caf", "IdleMemory", "actor", "n=100000", "B/comp", 1250));
  const Comparison m = c.Comparisons().at(0);
  EXPECT_TRUE(m.lower_is_better());
  EXPECT_DOUBLE_EQ(m.Ratio(), 0.2);
  EXPECT_DOUBLE_EQ(m.Advantage(), 5.0);
  EXPECT_THAT(FormatTable({m}), HasSubstr("kompact 5.00x"));
}

TEST(Comparator, FailedRunsAndUnitMismatchesAreReportedNotCompared) {
  Comparator c;
  c.Add(MakeRow("kompact", "Spawn", "actor", "n=100000", "M comp/s", 2));
  c.Add(MakeRow("caf", "Spawn", "actor", "n=100000", "k comp/s", 400));
  c.Add(MakeRow("kompact", "Chameneos", "actor", "c=8", "M meet/s", 0, 1, "DEADLINE_EXCEEDED: stuck"));
  c.Add(MakeRow("caf", "Chameneos", "actor", "c=8", "M meet/s", 0.4));
  c.AddFailure("kompact", "Chameneos", "exited with 1");
  const std::vector<Comparison> all = c.Comparisons();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_FALSE(all[0].paired());
  EXPECT_THAT(all[0].errors, ::testing::Contains(HasSubstr("units differ")));
  EXPECT_FALSE(all[1].paired());
  EXPECT_THAT(all[1].errors, ::testing::Contains(HasSubstr("kompact: DEADLINE_EXCEEDED: stuck")));
  EXPECT_THAT(all[1].errors, ::testing::Contains(HasSubstr("kompact: exited with 1")));
  EXPECT_THAT(FormatTable(all), HasSubstr("note: Chameneos/actor c=8: kompact: DEADLINE_EXCEEDED"));
}

TEST(RenderSvg, DrawsOneBarPerPairedComparisonWithEscapedLabels) {
  Comparator c;
  c.Add(MakeRow("kompact", "PingPong", "actor", "n=1000000", "M rt/s", 12));
  c.Add(MakeRow("caf", "PingPong", "actor", "n=1000000", "M rt/s", 1.5));
  c.Add(MakeRow("kompact", "Weird<&>", "actor", "", "M/s", 1));
  c.Add(MakeRow("caf", "Weird<&>", "actor", "", "M/s", 4));
  c.Add(MakeRow("kompact", "Unpaired", "actor", "", "M/s", 1));
  const std::string svg = RenderSvg(c.Comparisons(), "2026-01-01 & a machine");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_THAT(svg, HasSubstr("</svg>"));
  EXPECT_THAT(svg, HasSubstr(">8.00x<"));  // kompact better: 12 / 1.5
  EXPECT_THAT(svg, HasSubstr(">0.25x<"));  // CAF better: a red bar
  EXPECT_THAT(svg, HasSubstr("#2e7d32"));
  EXPECT_THAT(svg, HasSubstr("#c62828"));
  EXPECT_THAT(svg, HasSubstr("Weird&lt;&amp;&gt;"));
  EXPECT_THAT(svg, HasSubstr("2026-01-01 &amp; a machine"));
  EXPECT_THAT(svg, Not(HasSubstr("Unpaired")));
  EXPECT_THAT(svg, HasSubstr("Not shown (unpaired or failed): 1 row(s)"));
  // The 1x axis and the bars: one background rect plus one per paired row.
  size_t rects = 0;
  for (size_t at = svg.find("<rect"); at != std::string::npos; at = svg.find("<rect", at + 1)) ++rects;
  EXPECT_EQ(rects, 3u);
}

}  // namespace
}  // namespace kompact::bench::compare
