#include "bench/harness/harness.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace kompact::bench {
namespace {

using ::kompact::testing::StatusIs;

TEST(Harness, ParsesFlags) {
  const char* argv[] = {"suite", "--workloads=PingPong,FanIn/actor", "--runs=3", "--warmup=0", "--scale=0.5",
                        "--json"};
  ASSERT_OK_AND_ASSIGN(Options o, ParseOptions(6, const_cast<char**>(argv)));
  EXPECT_EQ(o.runs, 3);
  EXPECT_EQ(o.warmup, 0);
  EXPECT_TRUE(o.json);
  EXPECT_EQ(o.Scaled(1000), 500);
  EXPECT_TRUE(o.Selected("PingPong", "component"));
  EXPECT_TRUE(o.Selected("FanIn", "actor"));
  EXPECT_FALSE(o.Selected("FanIn", "component"));
}

TEST(Harness, RejectsBadFlags) {
  const char* bad_runs[] = {"suite", "--runs=0"};
  EXPECT_THAT(ParseOptions(2, const_cast<char**>(bad_runs)),
              StatusIs(absl::StatusCode::kInvalidArgument, "--runs"));
  const char* unknown[] = {"suite", "--fast"};
  EXPECT_THAT(ParseOptions(2, const_cast<char**>(unknown)),
              StatusIs(absl::StatusCode::kInvalidArgument, "--fast"));
}

TEST(Harness, MeasureReportsMedianMinMaxOfMeasuredRunsOnly) {
  std::vector<double> values = {100, 3, 1, 2};  // the first is the warm-up
  size_t next = 0;
  Workload w{"W", "actor", "n=1", "M/s", [&]() -> absl::StatusOr<double> { return values[next++]; }};
  Options o;
  o.runs = 3;
  o.warmup = 1;
  Row row = Measure("test", w, o);
  EXPECT_EQ(row.runs, 3);
  EXPECT_EQ(row.median, 2);
  EXPECT_EQ(row.min, 1);
  EXPECT_EQ(row.max, 3);
  EXPECT_TRUE(row.error.empty());
  EXPECT_GT(row.peak_rss_mib, 0);
}

TEST(Harness, MeasureStopsAtAFailedRun) {
  Workload w{"W", "actor", "", "M/s", []() -> absl::StatusOr<double> { return absl::InternalError("boom"); }};
  Row row = Measure("test", w, Options());
  EXPECT_THAT(row.error, ::testing::HasSubstr("boom"));
  EXPECT_EQ(row.runs, 0);
}

TEST(Harness, JsonHasEveryField) {
  Row r{"kompact", "PingPong", "actor", "n=10", "M rt/s", 5, 1.5, 1, 2, 10, ""};
  EXPECT_THAT(FormatJson(r), ::testing::HasSubstr("\"workload\":\"PingPong\""));
  EXPECT_THAT(FormatJson(r), ::testing::HasSubstr("\"median\":1.5"));
}

}  // namespace
}  // namespace kompact::bench
