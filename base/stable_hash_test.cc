// The stable hashes are part of the wire contract (two systems route by them), so
// their values are pinned: a change here breaks every deployed peer.
#include "base/stable_hash.h"

#include <string>

#include "gtest/gtest.h"

namespace kompact {
namespace {

TEST(StableHash, ValuesArePinned) {
  EXPECT_EQ(StableHashBytes(""), 0x3836f0681055a942ULL);
  EXPECT_EQ(StableHashBytes("kompact"), 0xd6652021743e8089ULL);
  EXPECT_EQ(StableHashBytes("a longer string spanning several words"), 0xdb4c5f2e364ab46dULL);
  EXPECT_EQ(StableHashMix(1), 0xb456bcfc34c2cb2cULL);
}

TEST(StableHash, EveryByteAndTheLengthMatter) {
  EXPECT_NE(StableHashBytes("ab"), StableHashBytes("ba"));
  EXPECT_NE(StableHashBytes(std::string("a\0", 2)), StableHashBytes("a"));
  EXPECT_NE(StableHashBytes("12345678x"), StableHashBytes("12345678y"));
}

}  // namespace
}  // namespace kompact
