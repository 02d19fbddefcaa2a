#include "base/uuid.h"

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

using ::kompact::testing::IsOkAndHolds;
using ::kompact::testing::StatusIs;

TEST(Uuid, RandomIsVersion4Variant1) {
  for (int i = 0; i < 1000; ++i) {
    Uuid id = Uuid::Random();
    EXPECT_EQ(id.version(), 4);
    EXPECT_EQ(id.low() >> 62, 0b10u);
    const std::string s = id.ToString();
    EXPECT_EQ(s[14], '4');
    EXPECT_THAT(std::string("89ab"), ::testing::HasSubstr(std::string(1, s[19])));
  }
}

TEST(Uuid, RandomIdsAreUniqueAcrossThreads) {
  constexpr int kThreads = 4, kPerThread = 20000;
  std::vector<std::vector<Uuid>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) ids[t].push_back(Uuid::Random());
    });
  }
  for (auto& th : threads) th.join();
  absl::flat_hash_set<Uuid> all;
  for (auto& v : ids) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST(Uuid, PrintParseRoundTrip) {
  const Uuid id(0x0123456789ABCDEFULL, 0xFEDCBA9876543210ULL);
  EXPECT_EQ(id.ToString(), "01234567-89ab-cdef-fedc-ba9876543210");
  EXPECT_THAT(Uuid::Parse("01234567-89AB-cdef-FEDC-ba9876543210"), IsOkAndHolds(id));
  for (int i = 0; i < 100; ++i) {
    Uuid r = Uuid::Random();
    EXPECT_THAT(Uuid::Parse(r.ToString()), IsOkAndHolds(r));
  }
  EXPECT_EQ(Uuid().ToString(), "00000000-0000-0000-0000-000000000000");
  EXPECT_TRUE(Uuid().IsNil());
}

TEST(Uuid, ParseRejectsMalformedInputWithPosition) {
  EXPECT_THAT(Uuid::Parse(""), StatusIs(absl::StatusCode::kInvalidArgument, "expected 36"));
  EXPECT_THAT(Uuid::Parse("01234567-89ab-cdef-fedc-ba987654321"),
              StatusIs(absl::StatusCode::kInvalidArgument, "35 characters"));
  EXPECT_THAT(Uuid::Parse("01234567x89ab-cdef-fedc-ba9876543210"),
              StatusIs(absl::StatusCode::kInvalidArgument, "'-' at position 8"));
  EXPECT_THAT(Uuid::Parse("01234567-89ab-cdef-fedc-ba987654321g"),
              StatusIs(absl::StatusCode::kInvalidArgument, "non-hex character at position 35"));
}

TEST(Uuid, BytesRoundTripIsBigEndian) {
  const Uuid id(0x0102030405060708ULL, 0x090A0B0C0D0E0F10ULL);
  auto bytes = id.ToBytes();
  EXPECT_EQ(bytes[0], 0x01);
  EXPECT_EQ(bytes[15], 0x10);
  EXPECT_EQ(Uuid::FromBytes(bytes), id);
}

TEST(Uuid, OrderingAndHashing) {
  EXPECT_LT(Uuid(1, 0), Uuid(1, 1));
  EXPECT_LT(Uuid(0, 9), Uuid(1, 0));
  std::set<Uuid> ordered = {Uuid(2, 0), Uuid(1, 5), Uuid(1, 4)};
  EXPECT_EQ(*ordered.begin(), Uuid(1, 4));
  EXPECT_NE(UuidHash()(Uuid(1, 2)), UuidHash()(Uuid(2, 1)));
}

}  // namespace
}  // namespace kompact
