#include "base/log.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/capture_log_sink.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kompact {
namespace {

TEST(Logger, ContextPrefixAccumulates) {
  auto sink = std::make_shared<CaptureLogSink>();
  Logger log = Logger(sink).WithContext("system", "s1").WithContext("ctype", "Counter");
  KLOG(log, INFO) << "count=" << 3;
  auto entries = sink->Entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].context, "[system=s1 ctype=Counter]");
  EXPECT_EQ(entries[0].message, "count=3");
  EXPECT_EQ(entries[0].Line(), "[system=s1 ctype=Counter] count=3");
  EXPECT_EQ(entries[0].level, LogLevel::kInfo);
}

TEST(Logger, ParentIsUnchangedByWithContext) {
  auto sink = std::make_shared<CaptureLogSink>();
  Logger parent = Logger(sink).WithContext("a", "1");
  Logger child = parent.WithContext("b", "2");
  KLOG(parent, WARNING) << "p";
  KLOG(child, WARNING) << "c";
  auto entries = sink->Entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].context, "[a=1]");
  EXPECT_EQ(entries[1].context, "[a=1 b=2]");
}

int side_effects = 0;
int Touch() { return ++side_effects; }

TEST(Logger, DisabledLevelsDoNotEvaluateArguments) {
  auto sink = std::make_shared<CaptureLogSink>();
  Logger log(sink, LogLevel::kWarning);
  side_effects = 0;
  KLOG(log, INFO) << Touch();
  KLOG(log, DEBUG) << Touch();
  EXPECT_EQ(side_effects, 0);
  EXPECT_TRUE(sink->Entries().empty());
  KLOG(log, ERROR) << Touch();
  EXPECT_EQ(side_effects, 1);
  EXPECT_EQ(sink->Entries().size(), 1u);
}

TEST(Logger, WithLevelLowersTheRuntimeFloor) {
  auto sink = std::make_shared<CaptureLogSink>();
  Logger log = Logger(sink).WithLevel(LogLevel::kTrace);
  KLOG(log, TRACE) << "t";
  KLOG(log, DEBUG) << "d";
  // Only levels above the compile-time floor arrive (all, unless silent_logging).
  const size_t expected = (LogLevel::kTrace >= kCompiledLogFloor) + (LogLevel::kDebug >= kCompiledLogFloor);
  EXPECT_EQ(sink->Entries().size(), expected);
}

TEST(Logger, WithSinkRedirectsAndKeepsContext) {
  auto first = std::make_shared<CaptureLogSink>();
  auto second = std::make_shared<CaptureLogSink>();
  Logger log = Logger(first).WithContext("k", "v");
  Logger moved = log.WithSink(second);
  KLOG(moved, ERROR) << "here";
  EXPECT_TRUE(first->Entries().empty());
  EXPECT_TRUE(second->Contains("[k=v] here"));
}

TEST(Logger, ManyThreadsLogConcurrently) {
  auto sink = std::make_shared<CaptureLogSink>();
  Logger log = Logger(sink).WithContext("t", "x");
  constexpr int kThreads = 8, kPerThread = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Logger mine = log.WithContext("n", std::to_string(t));
      for (int i = 0; i < kPerThread; ++i) KLOG(mine, INFO) << "msg " << i;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(sink->Entries().size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(sink->Count("[t=x n=3] msg 499"), 1u);
}

TEST(Logger, DefaultLoggerWritesThroughGlogWithoutCrashing) {
  Logger log = Logger().WithContext("test", "glog");
  KLOG(log, INFO) << "to glog";
  EXPECT_EQ(log.sink(), GlogSink());
}

TEST(CaptureLogSink, WaitForSeesRecordsFromOtherThreads) {
  auto sink = std::make_shared<CaptureLogSink>();
  Logger log(sink);
  std::thread t([&] { KLOG(log, INFO) << "from afar"; });
  EXPECT_TRUE(sink->WaitFor("from afar", absl::Seconds(10)));
  t.join();
  EXPECT_FALSE(sink->WaitFor("never", absl::Milliseconds(1)));
}

TEST(LogLevel, ParseAndNameRoundTrip) {
  for (LogLevel l : {LogLevel::kTrace, LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarning,
                     LogLevel::kError, LogLevel::kFatal}) {
    EXPECT_EQ(ParseLogLevel(LogLevelName(l)), l);
  }
  EXPECT_EQ(ParseLogLevel("warn"), LogLevel::kWarning);
  EXPECT_EQ(ParseLogLevel("Info"), LogLevel::kInfo);
  EXPECT_EQ(ParseLogLevel("loud"), std::nullopt);
}

TEST(LogRateLimiter, AllowsAtMostNPerWindowAndCountsTheRest) {
  LogRateLimiter limiter(3);
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += limiter.Allow();
  // All ten calls happen well within one second on any machine this runs on;
  // if a window boundary is crossed, at most one more window's worth passes.
  EXPECT_GE(allowed, 3);
  EXPECT_LE(allowed, 6);
}

TEST(LogRateLimiterDeathTest, FatalAbortsEvenWithACustomSink) {
  auto sink = std::make_shared<CaptureLogSink>();
  Logger log(sink);
  EXPECT_DEATH({ KLOG(log, FATAL) << "the end"; }, "");
}

}  // namespace
}  // namespace kompact
