// ConfigEntry<T> for every supported T: parsing, defaults, type errors, checks
// and their descriptions. Merging and files: config_test.cc.
#include "base/config_entry.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "base/config.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

using ::kompact::testing::IsOk;
using ::kompact::testing::IsOkAndHolds;
using ::kompact::testing::StatusIs;
using ::testing::ElementsAre;

// Entries of scalar and string types are constant expressions.
constexpr ConfigEntry<bool> kFlag{.key = "t.flag", .default_value = true, .doc = "A flag."};
constexpr ConfigEntry<int64_t> kCount{.key = "t.count", .default_value = -3, .doc = "A count."};
constexpr ConfigEntry<uint16_t> kPort{.key = "t.port", .default_value = 8080, .doc = "A port."};
constexpr ConfigEntry<int8_t> kSmall{.key = "t.small", .default_value = 0, .doc = "Small."};
constexpr ConfigEntry<uint32_t> kUnsigned{.key = "t.unsigned", .default_value = 1, .doc = "U."};
constexpr ConfigEntry<double> kRatio{.key = "t.ratio", .default_value = 0.5, .doc = "A ratio."};
constexpr ConfigEntry<std::string> kName{.key = "t.name", .default_value = "anon", .doc = "A name."};
constexpr ConfigEntry<absl::Duration> kTimeout{
    .key = "t.timeout", .default_value = absl::Milliseconds(250), .doc = "A timeout."};

absl::StatusOr<Config> Parse(std::string_view toml) {
  return ConfigBuilder().AddString(std::string(toml), "test.toml").Build();
}

// Get(entry) on a config built from `toml`.
template <typename T>
absl::StatusOr<T> GetFrom(std::string_view toml, const ConfigEntry<T>& entry) {
  absl::StatusOr<Config> config = Parse(toml);
  if (!config.ok()) return config.status();
  return config->Get(entry);
}

TEST(ConfigEntry, EveryScalarTypeHasItsDefaultWhenAbsent) {
  Config empty;
  EXPECT_THAT(empty.Get(kFlag), IsOkAndHolds(true));
  EXPECT_THAT(empty.Get(kCount), IsOkAndHolds(-3));
  EXPECT_THAT(empty.Get(kPort), IsOkAndHolds(8080));
  EXPECT_THAT(empty.Get(kRatio), IsOkAndHolds(0.5));
  EXPECT_THAT(empty.Get(kName), IsOkAndHolds("anon"));
  EXPECT_THAT(empty.Get(kTimeout), IsOkAndHolds(absl::Milliseconds(250)));
}

TEST(ConfigEntry, BoolReadsTomlBooleans) {
  EXPECT_THAT(GetFrom("t.flag = false", kFlag), IsOkAndHolds(false));
  EXPECT_THAT(GetFrom("t.flag = 0", kFlag),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "key 't.flag' in 'test.toml' line 1: expected a boolean, found integer"));
  EXPECT_THAT(GetFrom("t.flag = \"true\"", kFlag),
              StatusIs(absl::StatusCode::kInvalidArgument, "expected a boolean, found string"));
}

TEST(ConfigEntry, IntegersReadTomlIntegersInEveryNotation) {
  EXPECT_THAT(GetFrom("t.count = -42", kCount), IsOkAndHolds(-42));
  EXPECT_THAT(GetFrom("t.count = 0x10", kCount), IsOkAndHolds(16));
  EXPECT_THAT(GetFrom("t.count = 1_000", kCount), IsOkAndHolds(1000));
  EXPECT_THAT(GetFrom("t.count = 9223372036854775807", kCount),
              IsOkAndHolds(std::numeric_limits<int64_t>::max()));
  EXPECT_THAT(GetFrom("t.count = 1.5", kCount),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "key 't.count' in 'test.toml' line 1: expected an integer, found float"));
}

TEST(ConfigEntry, NarrowIntegerTypesRejectValuesOutsideTheirRange) {
  EXPECT_THAT(GetFrom("t.port = 65535", kPort), IsOkAndHolds(65535));
  EXPECT_THAT(GetFrom("\nt.port = 65536", kPort),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "key 't.port' in 'test.toml' line 2: value 65536 is out of range, "
                       "allowed: 0 to 65535"));
  EXPECT_THAT(GetFrom("t.port = -1", kPort),
              StatusIs(absl::StatusCode::kInvalidArgument, "value -1 is out of range"));
  EXPECT_THAT(GetFrom("t.small = -128", kSmall), IsOkAndHolds(-128));
  EXPECT_THAT(
      GetFrom("t.small = -129", kSmall),
      StatusIs(absl::StatusCode::kInvalidArgument, "value -129 is out of range, allowed: -128 to 127"));
  EXPECT_THAT(
      GetFrom("t.unsigned = -1", kUnsigned),
      StatusIs(absl::StatusCode::kInvalidArgument, "value -1 is out of range, allowed: 0 to 4294967295"));
}

TEST(ConfigEntry, DoubleReadsFloatsAndIntegers) {
  EXPECT_THAT(GetFrom("t.ratio = 0.25", kRatio), IsOkAndHolds(0.25));
  EXPECT_THAT(GetFrom("t.ratio = 3", kRatio), IsOkAndHolds(3.0));
  EXPECT_THAT(GetFrom("t.ratio = 1e3", kRatio), IsOkAndHolds(1000.0));
  EXPECT_THAT(GetFrom("t.ratio = inf", kRatio), IsOkAndHolds(std::numeric_limits<double>::infinity()));
  EXPECT_THAT(GetFrom("t.ratio = \"0.5\"", kRatio),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "key 't.ratio' in 'test.toml' line 1: expected a number, found string"));
}

TEST(ConfigEntry, StringReadsEveryTomlStringForm) {
  EXPECT_THAT(GetFrom("t.name = \"a\\tb\"", kName), IsOkAndHolds("a\tb"));
  EXPECT_THAT(GetFrom("t.name = 'C:\\path'", kName), IsOkAndHolds("C:\\path"));
  EXPECT_THAT(GetFrom("t.name = \"\"\"\nline1\nline2\"\"\"", kName), IsOkAndHolds("line1\nline2"));
  EXPECT_THAT(GetFrom("t.name = 1979-05-27", kName),
              StatusIs(absl::StatusCode::kInvalidArgument, "expected a string, found date"));
  EXPECT_THAT(GetFrom("t.name = [\"a\"]", kName),
              StatusIs(absl::StatusCode::kInvalidArgument, "expected a string, found array"));
}

TEST(ConfigEntry, DurationReadsAbslDurationStrings) {
  EXPECT_THAT(GetFrom("t.timeout = \"5s\"", kTimeout), IsOkAndHolds(absl::Seconds(5)));
  EXPECT_THAT(GetFrom("t.timeout = \"1.5s\"", kTimeout), IsOkAndHolds(absl::Milliseconds(1500)));
  EXPECT_THAT(GetFrom("t.timeout = \"1h30m\"", kTimeout), IsOkAndHolds(absl::Minutes(90)));
  EXPECT_THAT(GetFrom("t.timeout = \"250us\"", kTimeout), IsOkAndHolds(absl::Microseconds(250)));
  EXPECT_THAT(GetFrom("t.timeout = \"inf\"", kTimeout), IsOkAndHolds(absl::InfiniteDuration()));
}

TEST(ConfigEntry, DurationRejectsNumbersAndUnparsableStrings) {
  EXPECT_THAT(GetFrom("t.timeout = 250", kTimeout),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "key 't.timeout' in 'test.toml' line 1: expected a duration string such as "
                       "\"250ms\" or \"1.5s\", found integer"));
  EXPECT_THAT(GetFrom("t.timeout = \"5 seconds\"", kTimeout),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "expected a duration string such as \"250ms\" or \"1.5s\", found string "
                       "\"5 seconds\""));
  EXPECT_THAT(GetFrom("t.timeout = \"5\"", kTimeout),
              StatusIs(absl::StatusCode::kInvalidArgument, "found string \"5\""));
}

TEST(ConfigEntry, VectorsReadTomlArrays) {
  static const ConfigEntry<std::vector<int64_t>> kInts{
      .key = "t.ints", .default_value = {1, 2}, .doc = "Ints."};
  static const ConfigEntry<std::vector<std::string>> kStrings{
      .key = "t.strings", .default_value = {}, .doc = "Strings."};
  static const ConfigEntry<std::vector<absl::Duration>> kDurations{
      .key = "t.durations", .default_value = {}, .doc = "Durations."};
  static const ConfigEntry<std::vector<double>> kDoubles{
      .key = "t.doubles", .default_value = {}, .doc = "Doubles."};
  static const ConfigEntry<std::vector<bool>> kBools{.key = "t.bools", .default_value = {}, .doc = "Bools."};
  EXPECT_THAT(Config().Get(kInts), IsOkAndHolds(ElementsAre(1, 2)));
  EXPECT_THAT(GetFrom("t.ints = []", kInts), IsOkAndHolds(ElementsAre()));
  EXPECT_THAT(GetFrom("t.ints = [3, 4, 5]", kInts), IsOkAndHolds(ElementsAre(3, 4, 5)));
  EXPECT_THAT(GetFrom("t.strings = [\"a\", 'b']", kStrings), IsOkAndHolds(ElementsAre("a", "b")));
  EXPECT_THAT(GetFrom("t.durations = [\"1s\", \"2ms\"]", kDurations),
              IsOkAndHolds(ElementsAre(absl::Seconds(1), absl::Milliseconds(2))));
  EXPECT_THAT(GetFrom("t.doubles = [1, 2.5]", kDoubles), IsOkAndHolds(ElementsAre(1.0, 2.5)));
  EXPECT_THAT(GetFrom("t.bools = [true, false]", kBools), IsOkAndHolds(ElementsAre(true, false)));
}

TEST(ConfigEntry, VectorErrorsNameTheElementAndItsLine) {
  static const ConfigEntry<std::vector<int64_t>> kInts{.key = "t.ints", .default_value = {}, .doc = "Ints."};
  EXPECT_THAT(GetFrom("t.ints = 3", kInts),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "key 't.ints' in 'test.toml' line 1: expected an array of integers, found "
                       "integer"));
  EXPECT_THAT(GetFrom("t.ints = [\n  1,\n  \"two\",\n]", kInts),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "key 't.ints[1]' in 'test.toml' line 3: expected an integer, found string"));
}

TEST(ConfigCheck, RangeRejectsValuesOutsideWithKeyValueRangeAndLine) {
  static constexpr ConfigEntry<int64_t> kRanged{
      .key = "t.ranged",
      .default_value = 5,
      .doc = "Ranged.",
      .check = ConfigCheck<int64_t>::Range(1, 10),
  };
  EXPECT_THAT(GetFrom("t.ranged = 1", kRanged), IsOkAndHolds(1));
  EXPECT_THAT(GetFrom("t.ranged = 10", kRanged), IsOkAndHolds(10));
  EXPECT_THAT(GetFrom("\n\nt.ranged = 11", kRanged),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "key 't.ranged' in 'test.toml' line 3: value 11 is out of range, allowed: 1 "
                       "to 10"));
  EXPECT_THAT(GetFrom("t.ranged = 0", kRanged),
              StatusIs(absl::StatusCode::kInvalidArgument, "value 0 is out of range"));
}

TEST(ConfigCheck, OneSidedBoundsAndNaN) {
  static constexpr ConfigEntry<double> kAtLeast{
      .key = "t.v", .default_value = 1, .doc = "V.", .check = ConfigCheck<double>::AtLeast(0.5)};
  static constexpr ConfigEntry<double> kAtMost{
      .key = "t.v", .default_value = 0, .doc = "V.", .check = ConfigCheck<double>::AtMost(1)};
  EXPECT_THAT(GetFrom("t.v = 0.5", kAtLeast), IsOkAndHolds(0.5));
  EXPECT_THAT(GetFrom("t.v = 0.25", kAtLeast), StatusIs(absl::StatusCode::kInvalidArgument,
                                                        "value 0.25 is out of range, allowed: at least 0.5"));
  EXPECT_THAT(GetFrom("t.v = 1.5", kAtMost), StatusIs(absl::StatusCode::kInvalidArgument,
                                                      "value 1.5 is out of range, allowed: at most 1.0"));
  EXPECT_THAT(GetFrom("t.v = nan", kAtLeast),
              StatusIs(absl::StatusCode::kInvalidArgument, "value nan is out of range"));
  EXPECT_THAT(GetFrom("t.v = nan", kAtMost),
              StatusIs(absl::StatusCode::kInvalidArgument, "value nan is out of range"));
}

TEST(ConfigCheck, DurationRange) {
  static constexpr ConfigEntry<absl::Duration> kTick{
      .key = "t.tick",
      .default_value = absl::Milliseconds(10),
      .doc = "Tick.",
      .check = ConfigCheck<absl::Duration>::Range(absl::Milliseconds(1), absl::Seconds(1)),
  };
  EXPECT_THAT(GetFrom("t.tick = \"1ms\"", kTick), IsOkAndHolds(absl::Milliseconds(1)));
  EXPECT_THAT(GetFrom("t.tick = \"2s\"", kTick),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "key 't.tick' in 'test.toml' line 1: value 2s is out of range, allowed: 1ms "
                       "to 1s"));
  EXPECT_THAT(GetFrom("t.tick = \"-5ms\"", kTick),
              StatusIs(absl::StatusCode::kInvalidArgument, "value -5ms is out of range"));
}

constexpr std::string_view kSchedulers[] = {"work-stealing", "shared-queue", "dedicated"};

TEST(ConfigCheck, OneOfAcceptsOnlyListedStrings) {
  static constexpr ConfigEntry<std::string> kScheduler{
      .key = "t.scheduler",
      .default_value = "work-stealing",
      .doc = "Scheduler.",
      .check = ConfigCheck<std::string>::OneOf(kSchedulers),
  };
  EXPECT_THAT(GetFrom("t.scheduler = \"shared-queue\"", kScheduler), IsOkAndHolds("shared-queue"));
  EXPECT_THAT(GetFrom("t.scheduler = \"work-stealin\"", kScheduler),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "key 't.scheduler' in 'test.toml' line 1: value \"work-stealin\" is not "
                       "allowed, allowed: one of \"work-stealing\", \"shared-queue\", \"dedicated\""));
}

bool IsPowerOfTwo(const int64_t& v) { return v > 0 && (v & (v - 1)) == 0; }
bool NotEmpty(const std::vector<std::string>& v) { return !v.empty(); }

TEST(ConfigCheck, PredicateAfterRange) {
  static constexpr ConfigEntry<int64_t> kSlots{
      .key = "t.slots",
      .default_value = 256,
      .doc = "Slots.",
      .check = ConfigCheck<int64_t>::Range(1, 1024).AndSatisfies(&IsPowerOfTwo, "a power of two"),
  };
  EXPECT_THAT(GetFrom("t.slots = 512", kSlots), IsOkAndHolds(512));
  EXPECT_THAT(GetFrom("t.slots = 100", kSlots),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "key 't.slots' in 'test.toml' line 1: value 100 is not allowed, required: a "
                       "power of two"));
  EXPECT_THAT(GetFrom("t.slots = 2048", kSlots),
              StatusIs(absl::StatusCode::kInvalidArgument, "value 2048 is out of range"));
}

TEST(ConfigCheck, VectorRangeAppliesToEachElementPredicateToTheWhole) {
  static const ConfigEntry<std::vector<int64_t>> kPorts{
      .key = "t.ports",
      .default_value = {},
      .doc = "Ports.",
      .check = ConfigCheck<std::vector<int64_t>>::Range(1, 65535),
  };
  static const ConfigEntry<std::vector<std::string>> kHosts{
      .key = "t.hosts",
      .default_value = {"localhost"},
      .doc = "Hosts.",
      .check = ConfigCheck<std::vector<std::string>>::Satisfies(&NotEmpty, "at least one host"),
  };
  EXPECT_THAT(GetFrom("t.ports = [80, 443]", kPorts), IsOkAndHolds(ElementsAre(80, 443)));
  EXPECT_THAT(GetFrom("t.ports = [80, 0]", kPorts),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "key 't.ports[1]' in 'test.toml' line 1: value 0 is out of range, allowed: 1 "
                       "to 65535"));
  EXPECT_THAT(GetFrom("t.hosts = []", kHosts),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "key 't.hosts' in 'test.toml' line 1: value [] is not allowed, required: at "
                       "least one host"));
  EXPECT_THAT(Config().Get(kHosts), IsOkAndHolds(ElementsAre("localhost")));
}

TEST(ConfigCheck, DefaultIsCheckedToo) {
  static constexpr ConfigEntry<int64_t> kBad{
      .key = "t.bad", .default_value = 0, .doc = "Bad.", .check = ConfigCheck<int64_t>::AtLeast(1)};
  EXPECT_THAT(Config().Get(kBad),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "key 't.bad' (default value): value 0 is out of range, allowed: at least 1"));
  EXPECT_THAT(GetFrom("t.bad = 1", kBad), IsOkAndHolds(1));
}

TEST(ConfigCheck, DescribeSaysWhatIsAllowed) {
  EXPECT_EQ(ConfigCheck<int64_t>().Describe(), "");
  EXPECT_EQ(ConfigCheck<int64_t>::Range(1, 10).Describe(), "1 to 10");
  EXPECT_EQ(ConfigCheck<int64_t>::AtLeast(1).Describe(), "at least 1");
  EXPECT_EQ(ConfigCheck<int64_t>::AtMost(-1).Describe(), "at most -1");
  EXPECT_EQ(ConfigCheck<uint16_t>().Describe(), "0 to 65535");
  EXPECT_EQ(ConfigCheck<uint16_t>::AtLeast(1).Describe(), "1 to 65535");
  EXPECT_EQ(ConfigCheck<uint64_t>().Describe(), "at least 0");
  EXPECT_EQ(ConfigCheck<double>::Range(0, 1).Describe(), "0.0 to 1.0");
  EXPECT_EQ(ConfigCheck<absl::Duration>::AtLeast(absl::Milliseconds(1)).Describe(), "at least 1ms");
  EXPECT_EQ(ConfigCheck<std::string>::OneOf(kSchedulers).Describe(),
            "one of \"work-stealing\", \"shared-queue\", \"dedicated\"");
  EXPECT_EQ(ConfigCheck<std::vector<int64_t>>::Range(1, 9).Describe(), "each element 1 to 9");
  EXPECT_EQ(ConfigCheck<int64_t>::AtLeast(1).AndSatisfies(&IsPowerOfTwo, "a power of two").Describe(),
            "at least 1; a power of two");
  EXPECT_EQ(ConfigCheck<std::vector<std::string>>::Satisfies(&NotEmpty, "not empty").Describe(), "not empty");
}

TEST(ConfigEntryRef, ExposesKeyDocTypeDefaultAndAllowed) {
  static const ConfigEntry<std::vector<absl::Duration>> kBackoff{
      .key = "t.backoff",
      .default_value = {absl::Milliseconds(10), absl::Seconds(1)},
      .doc = "Backoff steps.",
      .check = ConfigCheck<std::vector<absl::Duration>>::AtLeast(absl::ZeroDuration()),
  };
  const ConfigEntryRef ref = kBackoff;
  EXPECT_EQ(ref.key(), "t.backoff");
  EXPECT_EQ(ref.doc(), "Backoff steps.");
  EXPECT_EQ(ref.type_name(), "array of durations");
  EXPECT_EQ(ref.allowed(), "each element at least 0");
  EXPECT_THAT(ref.DefaultAsToml(), IsOkAndHolds("[ \"10ms\", \"1s\" ]"));
  EXPECT_EQ(ConfigEntryRef(kPort).type_name(), "integer");
  EXPECT_EQ(ConfigEntryRef(kRatio).type_name(), "float");
  EXPECT_THAT(ConfigEntryRef(kRatio).DefaultAsToml(), IsOkAndHolds("0.5"));
  EXPECT_THAT(ConfigEntryRef(kName).DefaultAsToml(), IsOkAndHolds("\"anon\""));
  EXPECT_THAT(ConfigEntryRef(kFlag).DefaultAsToml(), IsOkAndHolds("true"));
}

}  // namespace
}  // namespace kompact
