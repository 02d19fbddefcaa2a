#include "serialisation/ser_id.h"

#include <cstdint>
#include <set>
#include <type_traits>

#include "gtest/gtest.h"
#include "serialisation/ser_id_config.h"
#include "serialisation/ser_ids.h"

namespace kompact {
namespace {

TEST(SerId, WidthFollowsTheBuildFlag) {
  EXPECT_EQ(kSerIdBits, KOMPACT_SER_ID_BITS);
  EXPECT_EQ(sizeof(SerId) * 8, static_cast<size_t>(KOMPACT_SER_ID_BITS));
  EXPECT_EQ(kSerIdBytes, sizeof(SerId));
  EXPECT_TRUE(std::is_unsigned_v<SerId>);
  EXPECT_EQ(static_cast<uint64_t>(kMaxSerId),
            (KOMPACT_SER_ID_BITS == 64) ? ~uint64_t{0} : (uint64_t{1} << KOMPACT_SER_ID_BITS) - 1);
}

TEST(SerId, FitsChecksTheConfiguredRange) {
  EXPECT_TRUE(SerIdFits(0));
  EXPECT_TRUE(SerIdFits(255));
  EXPECT_FALSE(SerIdFits(-1));
  EXPECT_EQ(SerIdFits(256), kSerIdBits > 8);
  EXPECT_EQ(SerIdFits(65536), kSerIdBits > 16);
  EXPECT_EQ(SerIdFits(uint64_t{1} << 32), kSerIdBits > 32);
  EXPECT_TRUE(SerIdFits(static_cast<uint64_t>(kMaxSerId)));
}

TEST(SerId, MakeSerIdKeepsTheValue) {
  constexpr SerId kFirst = MakeSerId<21>();
  constexpr SerId kTop = MakeSerId<255>();
  EXPECT_EQ(kFirst, kFirstUserSerId);
  EXPECT_EQ(kTop, 255);
  EXPECT_EQ(MakeSerId<uint8_t{200}>(), 200);  // any integer type
  EXPECT_EQ(MakeSerId<int64_t{100}>(), 100);
}

TEST(ReservedSerIds, AreDistinctAndInTheReservedRange) {
  std::set<uint64_t> seen;
  for (SerId id : ser_ids::kAllAssigned) {
    EXPECT_LE(id, kMaxReservedSerId);
    EXPECT_TRUE(seen.insert(id).second) << "duplicate built-in SerId " << static_cast<uint64_t>(id);
  }
  EXPECT_EQ(seen.size(), ser_ids::kAllAssigned.size());
}

TEST(ReservedSerIds, StringNoLongerCollidesWithActorPath) {
  EXPECT_NE(ser_ids::kString, ser_ids::kActorPath);
  EXPECT_EQ(ser_ids::kActorPath, 6);  // Kompact's value for paths stays
  EXPECT_EQ(ser_ids::kU64, 7);
  EXPECT_EQ(ser_ids::kUnit, 8);
}

}  // namespace
}  // namespace kompact
