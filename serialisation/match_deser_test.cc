#include "serialisation/match_deser.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "serialisation/net_data.h"
#include "serialisation/ser_ids.h"
#include "serialisation/test_types.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

using ::kompact::serialisation_test::Blob;
using ::kompact::serialisation_test::Counted;
using ::kompact::serialisation_test::Ping;
using ::kompact::serialisation_test::Point;
using ::kompact::serialisation_test::PointSerialiser;
using ::kompact::serialisation_test::PointView;
using ::kompact::serialisation_test::PointViewDeserialiser;
using ::testing::HasSubstr;

// What the matcher below saw.
struct Seen {
  std::string arm;
  std::string detail;
};

auto MakeMatcher() {
  return MatchDeser(On<Ping>([](Ping p) {
                      return Seen{"ping", p.who};
                    }),
                    On<Point, PointSerialiser>([](Point p) {
                      return Seen{"point", std::to_string(p.x + p.y)};
                    }),
                    On<std::string>([](std::string s) {
                      return Seen{"string", s};
                    }),
                    On<Counted>([](Counted c) {
                      return Seen{"counted", std::to_string(c.value)};
                    }),
                    OnError([](const absl::Status& e) {
                      return Seen{"error", std::string(e.message())};
                    }),
                    OnDefault([](NetData& d) {
                      return Seen{"default", std::to_string(d.ser_id())};
                    }));
}

class MatchDeserTest : public ::testing::Test {
 protected:
  void SetUp() override { Counted::ResetCounts(); }
};

TEST_F(MatchDeserTest, SelectsTheArmByIdForBoxedData) {
  auto matcher = MakeMatcher();
  NetData ping = NetData::Box(Ping{.seq = 1, .who = "bob"});
  Seen seen = matcher.Match(ping);
  EXPECT_EQ(seen.arm, "ping");
  EXPECT_EQ(seen.detail, "bob");
  EXPECT_TRUE(ping.empty());  // the boxed value was moved out
  EXPECT_EQ(matcher.Match(NetData::Box<Point, PointSerialiser>(Point{2, 3})).arm, "point");
  EXPECT_EQ(matcher.Match(NetData::Box(std::string("s"))).detail, "s");
}

TEST_F(MatchDeserTest, SelectsTheArmByIdForSerialisedData) {
  auto matcher = MakeMatcher();
  ASSERT_OK_AND_ASSIGN(NetData ping, NetData::Serialise(Ping{.seq = 1, .who = "carol"}));
  Seen seen = matcher.Match(ping);
  EXPECT_EQ(seen.arm, "ping");
  EXPECT_EQ(seen.detail, "carol");
  ASSERT_OK_AND_ASSIGN(NetData point, (NetData::Serialise<Point, PointSerialiser>(Point{4, 5})));
  EXPECT_EQ(matcher.Match(point).detail, "9");
  ASSERT_OK_AND_ASSIGN(NetData counted, NetData::Serialise(Counted{.value = 11}));
  EXPECT_EQ(matcher.Match(counted).detail, "11");
  EXPECT_EQ(Counted::deserialisations.load(), 1);
}

TEST_F(MatchDeserTest, LocalBoxedDeliveryNeverSerialises) {
  auto matcher = MakeMatcher();
  for (uint32_t i = 0; i < 100; ++i) {
    EXPECT_EQ(matcher.Match(NetData::Box(Counted{.value = i})).detail, std::to_string(i));
  }
  EXPECT_EQ(Counted::serialisations.load(), 0);
  EXPECT_EQ(Counted::deserialisations.load(), 0);
}

TEST_F(MatchDeserTest, CorruptDataGoesToTheErrorArm) {
  auto matcher = MakeMatcher();
  Seen seen = matcher.Match(NetData::FromBytes(Ping::kSerId, {1, 2, 3}));
  EXPECT_EQ(seen.arm, "error");
  EXPECT_THAT(seen.detail, HasSubstr("SerId 42"));
  EXPECT_THAT(seen.detail, HasSubstr("truncated input"));
  // Trailing bytes are an error too.
  std::vector<uint8_t> bytes = {0, 0, 0, 1, 0, 0, 0, 2, 0xee};
  EXPECT_EQ(matcher.Match(NetData::FromBytes(PointSerialiser::kSerId, bytes)).arm, "error");
}

TEST_F(MatchDeserTest, UnknownIdGoesToTheDefaultArmUntouched) {
  NetData seen_data;
  auto matcher =
      MatchDeser(On<Ping>([](Ping) { return 1; }), OnError([] { return -1; }), OnDefault([&](NetData& d) {
                   seen_data = std::move(d);
                   return 0;
                 }));
  EXPECT_EQ(matcher.Match(NetData::Box(uint64_t{77})), 0);
  EXPECT_EQ(seen_data.ser_id(), ser_ids::kU64);
  EXPECT_TRUE(seen_data.Holds<uint64_t>());  // can be forwarded as is
  EXPECT_EQ(matcher.Match(NetData()), 0);
}

TEST_F(MatchDeserTest, BoxOfAnotherTypeIsReadThroughItsDeserialiser) {
  int sum = 0;
  auto matcher = MatchDeser(On<PointView, PointViewDeserialiser>([&](PointView v) { sum = v.x * 10 + v.y; }),
                            OnError([&](const absl::Status&) { sum = -1; }), OnDefault([&] { sum = -2; }));
  matcher.Match(NetData::Box<Point, PointSerialiser>(Point{3, 4}));
  EXPECT_EQ(sum, 34);
}

TEST_F(MatchDeserTest, VoidHandlersAndMoveOnlyValues) {
  std::string got;
  auto matcher = MatchDeser(On<Blob>([&](Blob b) { got = *b.bytes; }), OnError([&] { got = "error"; }),
                            OnDefault([&] { got = "default"; }));
  matcher.Match(NetData::Box(Blob{std::make_unique<std::string>("owned")}));
  EXPECT_EQ(got, "owned");
  ASSERT_OK_AND_ASSIGN(NetData serialised, NetData::Serialise(Blob{std::make_unique<std::string>("wire")}));
  matcher.Match(serialised);
  EXPECT_EQ(got, "wire");
  matcher.Match(NetData::Box(std::string("x")));
  EXPECT_EQ(got, "default");
}

TEST_F(MatchDeserTest, HandlersMayKeepState) {
  int count = 0;
  auto matcher = MatchDeser(On<Ping>([count](Ping) mutable { return ++count; }), OnError([] { return 0; }),
                            OnDefault([] { return 0; }));
  matcher.Match(NetData::Box(Ping{}));
  EXPECT_EQ(matcher.Match(NetData::Box(Ping{})), 2);
}

}  // namespace
}  // namespace kompact
