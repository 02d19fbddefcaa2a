// SessionIdentities: sessions resolve while live and for `retained` retirements
// after; an id that is live or retained cannot be added again.
#include "net/session_identities.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace kompact::net {
namespace {

using ::kompact::testing::StatusIs;

std::shared_ptr<const PeerIdentity> Identity(const std::string& cn) {
  auto identity = std::make_shared<PeerIdentity>();
  identity->subject = "CN=" + cn;
  identity->common_name = cn;
  return identity;
}

TEST(SessionIdentitiesTest, LiveSessionsResolveAndUnknownOnesDoNot) {
  SessionIdentities ids;
  ASSERT_OK(ids.Add(7, Identity("node-b")));
  ASSERT_OK(ids.Add(8, Identity("node-c")));
  ASSERT_NE(ids.Find(7), nullptr);
  EXPECT_EQ(ids.Find(7)->common_name, "node-b");
  EXPECT_EQ(ids.Find(8)->common_name, "node-c");
  EXPECT_EQ(ids.Find(9), nullptr);
}

TEST(SessionIdentitiesTest, ATakenIdIsRefusedAndKeepsItsIdentity) {
  SessionIdentities ids;
  ASSERT_OK(ids.Add(7, Identity("node-b")));
  EXPECT_THAT(ids.Add(7, Identity("mallory")), StatusIs(absl::StatusCode::kAlreadyExists, "session id 7"));
  EXPECT_EQ(ids.Find(7)->common_name, "node-b");
  ids.Retire(7);
  EXPECT_THAT(ids.Add(7, Identity("mallory")), StatusIs(absl::StatusCode::kAlreadyExists, "recently closed"));
  EXPECT_EQ(ids.Find(7)->common_name, "node-b");
}

TEST(SessionIdentitiesTest, RetiredSessionsResolveUntilRetainedLaterOnesRetired) {
  SessionIdentities ids(/*retained=*/2);
  for (SessionId s = 1; s <= 4; ++s) ASSERT_OK(ids.Add(s, Identity("n" + std::to_string(s))));
  ids.Retire(1);
  ids.Retire(2);
  EXPECT_NE(ids.Find(1), nullptr);  // messages of closed sessions may still wait in mailboxes
  ids.Retire(3);                    // the third retirement forgets the first
  EXPECT_EQ(ids.Find(1), nullptr);
  EXPECT_NE(ids.Find(2), nullptr);
  EXPECT_NE(ids.Find(4), nullptr);  // live sessions are never forgotten
  EXPECT_EQ(ids.size(), 3u);
  ids.Retire(3);   // twice: a no-op
  ids.Retire(99);  // unknown: a no-op
  EXPECT_EQ(ids.size(), 3u);
  ASSERT_OK(ids.Add(1, Identity("again")));  // forgotten ids may come back
}

}  // namespace
}  // namespace kompact::net
