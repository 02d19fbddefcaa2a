// Config and ConfigBuilder: merging sources, errors naming key/file/line,
// validation, printing. Value types and checks: config_entry_test.cc.
#include "base/config.h"

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

using ::kompact::testing::IsOk;
using ::kompact::testing::IsOkAndHolds;
using ::kompact::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr ConfigEntry<int64_t> kThroughput{
    .key = "kompact.runtime.throughput",
    .default_value = 50,
    .doc = "Events a component handles per run.",
    .check = ConfigCheck<int64_t>::Range(1, 1'000'000),
};
constexpr ConfigEntry<int64_t> kThreads{
    .key = "kompact.runtime.threads",
    .default_value = 2,
    .doc = "Worker threads.",
    .check = ConfigCheck<int64_t>::AtLeast(1),
};
constexpr ConfigEntry<std::string> kLabel{
    .key = "kompact.label",
    .default_value = "default",
    .doc = "The system's label.",
};
constexpr ConfigEntry<std::string> kGreeting{
    .key = "app.greeting",
    .default_value = "hi",
    .doc = "What the app says first.",
};
constexpr ConfigEntry<int64_t> kX{.key = "a.b.x", .default_value = 0, .doc = "x"};
constexpr ConfigEntry<int64_t> kY{.key = "a.c.y", .default_value = 0, .doc = "y"};
constexpr ConfigEntry<int64_t> kZ{.key = "a.b.z", .default_value = 0, .doc = "z"};

std::string TestData(std::string_view name) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  return absl::StrCat(srcdir == nullptr ? "." : srcdir, "/", workspace == nullptr ? "kompact" : workspace,
                      "/base/testdata/config/", AsAbsl(name));
}

Config MustBuild(const ConfigBuilder& builder) {
  absl::StatusOr<Config> config = builder.Build();
  EXPECT_THAT(config, IsOk());
  return config.ok() ? *config : Config();
}

// ---- merging ------------------------------------------------------------------------------

TEST(ConfigBuilder, LaterFileOverridesEarlierKeyByKey) {
  Config config =
      MustBuild(ConfigBuilder().AddFile(TestData("base.toml")).AddFile(TestData("override.toml")));
  EXPECT_THAT(config.Get(kThroughput), IsOkAndHolds(100));  // overridden
  EXPECT_THAT(config.Get(kThreads), IsOkAndHolds(4));       // same table, kept
  EXPECT_THAT(config.Get(kLabel), IsOkAndHolds("base"));    // parent table, kept
  EXPECT_THAT(config.Get(kGreeting), IsOkAndHolds("hello"));
}

TEST(ConfigBuilder, FileOrderDecidesWhoWins) {
  Config config =
      MustBuild(ConfigBuilder().AddFile(TestData("override.toml")).AddFile(TestData("base.toml")));
  EXPECT_THAT(config.Get(kThroughput), IsOkAndHolds(50));
  EXPECT_THAT(config.Get(kGreeting), IsOkAndHolds("hello"));
}

TEST(ConfigBuilder, StringsAndFilesMergeInTheOrderAdded) {
  Config config = MustBuild(ConfigBuilder()
                                .AddString("kompact.runtime.throughput = 7\nkompact.label = \"s1\"")
                                .AddFile(TestData("base.toml"))
                                .AddString("[kompact.runtime]\nthreads = 9"));
  EXPECT_THAT(config.Get(kThroughput), IsOkAndHolds(50));  // the file came later
  EXPECT_THAT(config.Get(kLabel), IsOkAndHolds("base"));
  EXPECT_THAT(config.Get(kThreads), IsOkAndHolds(9));  // the last string
}

TEST(ConfigBuilder, TablesMergeRecursively) {
  Config config =
      MustBuild(ConfigBuilder().AddString("[a.b]\nx = 1\nz = 1").AddString("[a.c]\ny = 2\n[a.b]\nz = 3"));
  EXPECT_THAT(config.Get(kX), IsOkAndHolds(1));
  EXPECT_THAT(config.Get(kY), IsOkAndHolds(2));
  EXPECT_THAT(config.Get(kZ), IsOkAndHolds(3));
}

TEST(ConfigBuilder, ArrayReplacesEarlierArray) {
  static const ConfigEntry<std::vector<int64_t>> kList{.key = "list", .default_value = {}, .doc = "A list."};
  Config config = MustBuild(ConfigBuilder().AddString("list = [1, 2, 3]").AddString("list = [4]"));
  EXPECT_THAT(config.Get(kList), IsOkAndHolds(std::vector<int64_t>{4}));
}

TEST(ConfigBuilder, ValueAndTableReplaceEachOther) {
  Config table_over_value = MustBuild(ConfigBuilder().AddString("a = 5").AddString("[a.b]\nx = 1"));
  EXPECT_THAT(table_over_value.Get(kX), IsOkAndHolds(1));

  Config value_over_table = MustBuild(ConfigBuilder().AddString("[a.b]\nx = 1").AddString("a = 5"));
  EXPECT_FALSE(value_over_table.Contains("a.b"));
  EXPECT_THAT(value_over_table.Get(kX),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "key 'a' in '<string>' line 1: expected a table holding 'a.b.x', found integer"));
}

TEST(ConfigBuilder, SetTakesItsPlaceInTheOrder) {
  Config set_last =
      MustBuild(ConfigBuilder().AddFile(TestData("base.toml")).Set("kompact.runtime.throughput", 500));
  EXPECT_THAT(set_last.Get(kThroughput), IsOkAndHolds(500));
  EXPECT_THAT(set_last.Get(kThreads), IsOkAndHolds(4));

  Config set_first =
      MustBuild(ConfigBuilder().Set("kompact.runtime.throughput", 500).AddFile(TestData("base.toml")));
  EXPECT_THAT(set_first.Get(kThroughput), IsOkAndHolds(50));
}

TEST(ConfigBuilder, SetAcceptsEveryValueType) {
  static const ConfigEntry<std::vector<std::string>> kNames{
      .key = "app.names", .default_value = {}, .doc = "Names."};
  static constexpr ConfigEntry<absl::Duration> kTimeout{
      .key = "app.timeout", .default_value = absl::Seconds(1), .doc = "Timeout."};
  static constexpr ConfigEntry<double> kRatio{.key = "app.ratio", .default_value = 0, .doc = "R."};
  static constexpr ConfigEntry<bool> kFlag{.key = "app.flag", .default_value = false, .doc = "F."};
  Config config = MustBuild(ConfigBuilder()
                                .Set("app.greeting", "literal")
                                .Set("app.names", std::vector<std::string>{"a", "b"})
                                .Set("app.timeout", absl::Milliseconds(1500))
                                .Set("app.ratio", 0.25)
                                .Set(kFlag, true)
                                .Set(kThroughput, 77));
  EXPECT_THAT(config.Get(kGreeting), IsOkAndHolds("literal"));
  EXPECT_THAT(config.Get(kNames), IsOkAndHolds(std::vector<std::string>{"a", "b"}));
  EXPECT_THAT(config.Get(kTimeout), IsOkAndHolds(absl::Milliseconds(1500)));
  EXPECT_THAT(config.Get(kRatio), IsOkAndHolds(0.25));
  EXPECT_THAT(config.Get(kFlag), IsOkAndHolds(true));
  EXPECT_THAT(config.Get(kThroughput), IsOkAndHolds(77));
}

TEST(ConfigBuilder, SetValuesAreCheckedAndNamedBySource) {
  Config config = MustBuild(ConfigBuilder().Set(kThroughput, 0, "--throughput"));
  EXPECT_THAT(config.Get(kThroughput),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "key 'kompact.runtime.throughput' in '--throughput': value 0 is out of "
                       "range, allowed: 1 to 1000000"));
}

TEST(ConfigBuilder, SetWithMalformedKeyFailsAtBuild) {
  for (const char* key : {"", "a..b", ".a", "a.", "a b", "a.\"b\""}) {
    EXPECT_THAT(ConfigBuilder().Set(key, 1).Build(),
                StatusIs(absl::StatusCode::kInvalidArgument, absl::StrCat("invalid config key '", key, "'")))
        << key;
  }
}

TEST(ConfigBuilder, SetUnsignedBeyondTomlIntegersFailsAtBuild) {
  EXPECT_THAT(ConfigBuilder().Set("big", std::numeric_limits<uint64_t>::max()).Build(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "key 'big' in '<set>': value 18446744073709551615 does not fit a TOML integer"));
}

TEST(ConfigBuilder, MissingFileIsNotFoundNamingThePath) {
  const std::string path = TestData("no_such_file.toml");
  EXPECT_THAT(ConfigBuilder().AddFile(path).Build(),
              StatusIs(absl::StatusCode::kNotFound,
                       AllOf(HasSubstr(absl::StrCat("cannot read config file '", path, "'")),
                             HasSubstr("No such file"))));
}

TEST(ConfigBuilder, DirectoryIsNotAConfigFile) {
  EXPECT_THAT(ConfigBuilder().AddFile(TestData("")).Build(),
              StatusIs(absl::StatusCode::kFailedPrecondition, "cannot read config file"));
}

TEST(ConfigBuilder, MalformedFileNamesFileLineColumnAndProblem) {
  const std::string path = TestData("malformed.toml");
  EXPECT_THAT(
      ConfigBuilder().AddFile(TestData("base.toml")).AddFile(path).Build(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               absl::StrCat("malformed TOML in '", path, "' line 3 column 14: Error while parsing value")));
}

TEST(ConfigBuilder, MalformedStringNamesItsSourceName) {
  EXPECT_THAT(ConfigBuilder().AddString("a = 1\n[b\nc = 2", "--config").Build(),
              StatusIs(absl::StatusCode::kInvalidArgument, "malformed TOML in '--config' line 2"));
  EXPECT_THAT(
      ConfigBuilder().AddString("a = 1\na = 2").Build(),
      StatusIs(absl::StatusCode::kInvalidArgument, AllOf(HasSubstr("malformed TOML in '<string>' line 2"),
                                                         HasSubstr("cannot redefine existing integer 'a'"))));
  EXPECT_THAT(ConfigBuilder().AddString("n = 99999999999999999999").Build(),
              StatusIs(absl::StatusCode::kInvalidArgument, "not representable in 64 bits"));
}

TEST(ConfigBuilder, FilesAreReadAtBuildTime) {
  const std::string path = absl::StrCat(std::getenv("TEST_TMPDIR"), "/reread.toml");
  ConfigBuilder builder;
  builder.AddFile(path);
  std::ofstream(path) << "[kompact.runtime]\nthroughput = 10\n";
  EXPECT_THAT(MustBuild(builder).Get(kThroughput), IsOkAndHolds(10));
  std::ofstream(path) << "[kompact.runtime]\nthroughput = 20\n";
  EXPECT_THAT(MustBuild(builder).Get(kThroughput), IsOkAndHolds(20));
}

// ---- reading values --------------------------------------------------------------------

TEST(Config, EmptyConfigGivesDefaults) {
  Config config;
  EXPECT_THAT(config.Get(kThroughput), IsOkAndHolds(50));
  EXPECT_THAT(config.Get(kLabel), IsOkAndHolds("default"));
  EXPECT_FALSE(config.Contains("kompact"));
}

TEST(Config, AbsentKeyGivesDefault) {
  Config config = MustBuild(ConfigBuilder().AddFile(TestData("override.toml")));
  EXPECT_THAT(config.Get(kThreads), IsOkAndHolds(2));
  EXPECT_THAT(config.Get(kLabel), IsOkAndHolds("default"));
}

TEST(Config, WrongTypeNamesKeyFileAndLine) {
  const std::string path = TestData("wrong_type.toml");
  Config config = MustBuild(ConfigBuilder().AddFile(path));
  EXPECT_THAT(config.Get(kThroughput), StatusIs(absl::StatusCode::kInvalidArgument,
                                                absl::StrCat("key 'kompact.runtime.throughput' in '", path,
                                                             "' line 3: expected an integer, found string")));
}

TEST(Config, OutOfRangeNamesKeyValueRangeFileAndLine) {
  const std::string path = TestData("out_of_range.toml");
  Config config = MustBuild(ConfigBuilder().AddFile(path));
  EXPECT_THAT(config.Get(kThroughput),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("key 'kompact.runtime.throughput' in '", path,
                                    "' line 3: value 0 is out of range, allowed: 1 to 1000000")));
  EXPECT_THAT(config.Get(kThreads), IsOkAndHolds(4));
}

TEST(Config, ErrorNamesTheSourceThatWon) {
  Config config = MustBuild(ConfigBuilder()
                                .AddFile(TestData("wrong_type.toml"))
                                .AddString("\n\n\n[kompact.runtime]\nthroughput = true", "late"));
  EXPECT_THAT(config.Get(kThroughput),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "key 'kompact.runtime.throughput' in 'late' line 5: expected an integer, "
                       "found boolean"));
}

TEST(Config, TableWhereValueExpectedIsATypeError) {
  Config config = MustBuild(ConfigBuilder().AddString("[kompact.label]\nx = 1"));
  EXPECT_THAT(config.Get(kLabel),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "key 'kompact.label' in '<string>' line 1: expected a string, found table"));
}

TEST(Config, MalformedEntryKeyIsInvalidArgument) {
  static constexpr ConfigEntry<int64_t> kBad{.key = "kompact..x", .default_value = 1, .doc = "Bad."};
  EXPECT_THAT(Config().Get(kBad),
              StatusIs(absl::StatusCode::kInvalidArgument, "invalid config key 'kompact..x'"));
  EXPECT_FALSE(Config().Contains("kompact..x"));
}

TEST(Config, ContainsSeesValuesAndTables) {
  Config config = MustBuild(ConfigBuilder().AddFile(TestData("base.toml")));
  EXPECT_TRUE(config.Contains("kompact"));
  EXPECT_TRUE(config.Contains("kompact.runtime.threads"));
  EXPECT_FALSE(config.Contains("kompact.runtime.nothing"));
  EXPECT_FALSE(config.Contains("kompact.label.deeper"));
}

TEST(Config, CopiesReadTheSameValues) {
  Config original = MustBuild(ConfigBuilder().Set(kThroughput, 123));
  Config copy = original;
  EXPECT_THAT(copy.Get(kThroughput), IsOkAndHolds(123));
  EXPECT_THAT(original.Get(kThroughput), IsOkAndHolds(123));
}

TEST(Config, ManyThreadsReadAndCopyOneConfig) {
  const Config config =
      MustBuild(ConfigBuilder().AddFile(TestData("base.toml")).AddFile(TestData("override.toml")));
  std::atomic<int> good_reads{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        const Config copy = config;
        absl::StatusOr<int64_t> throughput = copy.Get(kThroughput);
        absl::StatusOr<std::string> label = config.Get(kLabel);
        if (throughput.ok() && *throughput == 100 && label.ok() && *label == "base") ++good_reads;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(good_reads.load(), 4 * 500);
}

// ---- validation ------------------------------------------------------------------------

TEST(ConfigValidate, PassesWhenEveryEntryIsValid) {
  Config config =
      MustBuild(ConfigBuilder().AddFile(TestData("base.toml")).AddFile(TestData("override.toml")));
  EXPECT_THAT(config.Validate({kThroughput, kThreads, kLabel, kGreeting}, "kompact"), IsOk());
}

TEST(ConfigValidate, ReportsEveryBadValueAtOnce) {
  Config config = MustBuild(ConfigBuilder()
                                .AddString("[kompact.runtime]\nthroughput = 0\nthreads = \"x\"")
                                .AddString("kompact.label = 3", "labels"));
  const absl::Status status = config.Validate({kThroughput, kThreads, kLabel, kGreeting});
  EXPECT_THAT(status,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("3 configuration errors:"),
                             HasSubstr("\n  key 'kompact.runtime.throughput' in '<string>' line 2: value 0"),
                             HasSubstr("\n  key 'kompact.runtime.threads' in '<string>' line 3: expected "
                                       "an integer, found string"),
                             HasSubstr("\n  key 'kompact.label' in 'labels' line 1: expected a string"))));
}

TEST(ConfigValidate, OneErrorIsReturnedAsIs) {
  Config config = MustBuild(ConfigBuilder().AddFile(TestData("out_of_range.toml")));
  const absl::Status status = config.Validate({kThroughput, kThreads});
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                               AllOf(HasSubstr("key 'kompact.runtime.throughput'"),
                                     Not(HasSubstr("configuration errors")))));
}

TEST(ConfigValidate, ReportsUnknownKeysUnderThePrefixWithSuggestion) {
  const std::string path = TestData("typo.toml");
  Config config = MustBuild(ConfigBuilder().AddFile(path));
  EXPECT_THAT(config.Validate({kThroughput, kThreads}, "kompact"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("unknown key 'kompact.runtime.throughputt' in '", path,
                                    "' line 3 (did you mean 'kompact.runtime.throughput'?)")));
}

TEST(ConfigValidate, UnknownKeysOutsideThePrefixOrWithoutPrefixAreAllowed) {
  Config config = MustBuild(ConfigBuilder().AddFile(TestData("typo.toml")));
  EXPECT_THAT(config.Validate({kThroughput, kThreads}), IsOk());
  EXPECT_THAT(config.Validate({kThroughput, kThreads}, "app"),
              StatusIs(absl::StatusCode::kInvalidArgument, "unknown key 'app.anything'"));
}

TEST(ConfigValidate, UnknownKeyFarFromAnyEntryHasNoSuggestion) {
  Config config = MustBuild(ConfigBuilder().AddString("[kompact.network]\nport = 1"));
  EXPECT_THAT(config.Validate({kThroughput, kThreads}, "kompact"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("unknown key 'kompact.network.port' in '<string>' line 2"),
                             Not(HasSubstr("did you mean")))));
}

TEST(ConfigValidate, EmptyTableIsUnknownUnlessEntriesLiveInIt) {
  Config config = MustBuild(ConfigBuilder().AddString("[kompact.runtime]\n[kompact.runtim]\n"));
  EXPECT_THAT(config.Validate({kThroughput}, "kompact"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("unknown key 'kompact.runtim' in '<string>' line 2"),
                             Not(HasSubstr("'kompact.runtime' ")))));
}

TEST(ConfigValidate, ValueAtThePrefixItselfIsUnknown) {
  Config config = MustBuild(ConfigBuilder().AddString("kompact = 1"));
  EXPECT_THAT(config.Validate({kThroughput}, "kompact"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("2 configuration errors"),
                             HasSubstr("unknown key 'kompact' in '<string>' line 1"))));
}

TEST(ConfigValidate, DefaultThatFailsItsOwnCheckIsReported) {
  static constexpr ConfigEntry<int64_t> kBadDefault{
      .key = "app.bad",
      .default_value = 0,
      .doc = "A default outside its range.",
      .check = ConfigCheck<int64_t>::AtLeast(1),
  };
  EXPECT_THAT(Config().Validate({kBadDefault}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "key 'app.bad' (default value): value 0 is out of range, allowed: at least 1"));
}

TEST(ConfigValidate, AcceptsASpanOfEntries) {
  const std::vector<ConfigEntryRef> entries = {kThroughput, kThreads, kLabel};
  Config config = MustBuild(ConfigBuilder().AddString("kompact.runtime.threads = 0"));
  EXPECT_THAT(config.Validate(entries, "kompact"),
              StatusIs(absl::StatusCode::kInvalidArgument, "key 'kompact.runtime.threads'"));
}

// ---- printing ----------------------------------------------------------------------------

TEST(ConfigToToml, PrintsValuesThenTablesInSourceOrderAndReadsBackEqual) {
  Config config = MustBuild(ConfigBuilder()
                                .AddFile(TestData("base.toml"))
                                .AddFile(TestData("override.toml"))
                                .Set("top", 1)
                                .Set("app.timeout", absl::Milliseconds(250)));
  const std::string toml = config.ToToml();
  EXPECT_EQ(toml,
            "top = 1\n"
            "\n"
            "[kompact]\n"
            "label = \"base\"\n"
            "\n"
            "[kompact.runtime]\n"
            "throughput = 100\n"
            "threads = 4\n"
            "\n"
            "[app]\n"
            "greeting = \"hello\"\n"
            "timeout = \"250ms\"\n");
  Config reread = MustBuild(ConfigBuilder().AddString(toml));
  EXPECT_EQ(reread.ToToml(), toml);
}

TEST(ConfigToToml, RoundTripsEveryTomlType) {
  const std::string toml =
      "b = true\n"
      "d = 1979-05-27\n"
      "dt = 1979-05-27T07:32:00Z\n"
      "f = 0.1\n"
      "big = 1e+300\n"
      "whole = 2.0\n"
      "i = -7\n"
      "inf = -inf\n"
      "s = \"quote \\\" backslash \\\\ tab \\t bell \\u0007 é\"\n"
      "t = 07:32:00\n"
      "empty = []\n"
      "mixed = [ 1, \"two\", [ 3 ], { four = 4 } ]\n"
      "\"odd key\" = 1\n"
      "\n"
      "[empty_table]\n"
      "\n"
      "[[points]]\n"
      "x = 1\n";
  Config config = MustBuild(ConfigBuilder().AddString(toml));
  const std::string printed = config.ToToml();
  for (const char* line : {"b = true\n", "d = 1979-05-27\n", "dt = 1979-05-27T07:32:00Z\n", "f = 0.1\n",
                           "big = 1e+300\n", "whole = 2.0\n", "i = -7\n", "inf = -inf\n",
                           "s = \"quote \\\" backslash \\\\ tab \\t bell \\u0007 é\"\n", "t = 07:32:00\n",
                           "empty = []\n", "mixed = [ 1, \"two\", [ 3 ], { four = 4 } ]\n",
                           "\"odd key\" = 1\n", "[empty_table]\n", "points = [ { x = 1 } ]\n"}) {
    EXPECT_THAT(printed, HasSubstr(line));
  }
  Config reread = MustBuild(ConfigBuilder().AddString(printed));
  EXPECT_EQ(reread.ToToml(), printed);
}

TEST(ConfigToToml, EmptyConfigPrintsNothing) { EXPECT_EQ(Config().ToToml(), ""); }

TEST(ConfigWithDefaults, AddsOnlyAbsentEntries) {
  Config config = MustBuild(ConfigBuilder().AddString("[kompact.runtime]\nthroughput = 9"));
  absl::StatusOr<Config> resolved = config.WithDefaults({kThroughput, kThreads, kGreeting});
  ASSERT_THAT(resolved, IsOk());
  EXPECT_EQ(resolved->ToToml(),
            "[kompact.runtime]\n"
            "throughput = 9\n"
            "threads = 2\n"
            "\n"
            "[app]\n"
            "greeting = \"hi\"\n");
  EXPECT_FALSE(config.Contains("app.greeting"));  // the original is unchanged
}

TEST(ConfigWithDefaults, ReportsUnrepresentableDefault) {
  static constexpr ConfigEntry<uint64_t> kHuge{
      .key = "app.huge", .default_value = std::numeric_limits<uint64_t>::max(), .doc = "Huge."};
  EXPECT_THAT(Config().WithDefaults({kHuge}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "key 'app.huge' (default value): value 18446744073709551615 does not fit"));
}

TEST(DescribeEntries, ListsDocTypeDefaultAllowedAndKey) {
  static constexpr ConfigEntry<absl::Duration> kTimeout{
      .key = "app.timeout",
      .default_value = absl::Milliseconds(250),
      .doc = "How long to wait.\nSecond line.",
      .check = ConfigCheck<absl::Duration>::Range(absl::Milliseconds(1), absl::Seconds(10)),
  };
  EXPECT_EQ(DescribeEntries({kThroughput, kLabel, kTimeout}),
            "# Events a component handles per run.\n"
            "# integer, default 50, allowed: 1 to 1000000\n"
            "kompact.runtime.throughput = 50\n"
            "\n"
            "# The system's label.\n"
            "# string, default \"default\"\n"
            "kompact.label = \"default\"\n"
            "\n"
            "# How long to wait.\n"
            "# Second line.\n"
            "# duration, default \"250ms\", allowed: 1ms to 10s\n"
            "app.timeout = \"250ms\"\n");
}

TEST(DescribeEntries, OutputIsTomlThatSetsTheDefaults) {
  static const ConfigEntry<std::vector<std::string>> kNames{
      .key = "app.names", .default_value = {"a", "b"}, .doc = "Names."};
  const std::string doc = DescribeEntries({kThroughput, kThreads, kLabel, kNames});
  Config config = MustBuild(ConfigBuilder().AddString(doc));
  EXPECT_THAT(config.Get(kThroughput), IsOkAndHolds(50));
  EXPECT_THAT(config.Get(kThreads), IsOkAndHolds(2));
  EXPECT_TRUE(config.Contains("kompact.label"));
  EXPECT_THAT(config.Get(kNames), IsOkAndHolds(std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace kompact
