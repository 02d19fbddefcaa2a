// InboundBudget (net/inbound_budget.h) under a fake clock: the burst, the refill
// rate and its cap, reads capped to the byte tokens, the message tokens, the debt
// of a large frame, the wait until a refill, and a clock that goes backwards.
#include "net/inbound_budget.h"

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace kompact::net {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'000'000);

// `d` in milliseconds, for comparisons that tolerate floating-point rounding.
double Ms(absl::Duration d) { return absl::ToDoubleMilliseconds(d); }

TEST(InboundRateLimit, IsOffUnlessARateIsSet) {
  EXPECT_FALSE(InboundRateLimit{}.enabled());
  EXPECT_TRUE((InboundRateLimit{.messages_per_second = 1}).enabled());
  EXPECT_TRUE((InboundRateLimit{.bytes_per_second = 1}).enabled());
}

TEST(InboundBudget, MessagesStartWithATenthOfASecondsWorthAndRefillAtTheRate) {
  InboundBudget b({.messages_per_second = 1000}, kT0);
  int taken = 0;
  while (b.TakeMessage() && taken < 10'000) ++taken;
  EXPECT_EQ(taken, 100);  // the burst
  EXPECT_TRUE(b.exhausted());
  EXPECT_FALSE(b.TakeMessage());
  // 10 ms earn 10 messages.
  b.Refill(kT0 + absl::Milliseconds(10));
  taken = 0;
  while (b.TakeMessage() && taken < 10'000) ++taken;
  EXPECT_EQ(taken, 10);
  // A long pause earns at most the burst.
  b.Refill(kT0 + absl::Seconds(60));
  EXPECT_DOUBLE_EQ(b.messages(), 100);
  // Bytes are unlimited here.
  EXPECT_EQ(b.ReadAllowance(1 << 20), size_t{1} << 20);
}

TEST(InboundBudget, ReadsAreCappedToTheByteTokens) {
  InboundBudget b({.bytes_per_second = 100'000}, kT0);  // burst 10 000 bytes
  EXPECT_EQ(b.ReadAllowance(4096), 4096u);
  EXPECT_EQ(b.ReadAllowance(1 << 20), 10'000u);
  b.TookBytes(9'000);
  EXPECT_EQ(b.ReadAllowance(4096), 1'000u);
  b.TookBytes(1'000);
  EXPECT_EQ(b.ReadAllowance(4096), 0u);
  EXPECT_TRUE(b.exhausted());
  // Messages are unlimited here.
  EXPECT_TRUE(b.TakeMessage());
  // 1 ms earns 100 bytes.
  b.Refill(kT0 + absl::Milliseconds(1));
  EXPECT_EQ(b.ReadAllowance(4096), 100u);
  EXPECT_FALSE(b.exhausted());
}

TEST(InboundBudget, TheWaitIsUntilATenthOfTheBurstIsBack) {
  InboundBudget b({.messages_per_second = 1000, .bytes_per_second = 1'000'000}, kT0);
  EXPECT_FALSE(b.exhausted());
  while (b.TakeMessage()) {
  }
  // 10 messages (a tenth of the burst of 100) at 1000/s: 10 ms.
  EXPECT_NEAR(Ms(b.WaitForRefill()), 10, 1e-6);
  b.Refill(kT0 + b.WaitForRefill() + absl::Microseconds(1));
  EXPECT_FALSE(b.exhausted());
  // Both kinds exhausted: the longer wait.
  b.TookBytes(1'000'000);
  while (b.TakeMessage()) {
  }
  // Bytes: a tenth of the 100 000 burst at 1 MB/s is 10 ms as well.
  EXPECT_NEAR(Ms(b.WaitForRefill()), 10, 1e-6);
  // A slow rate waits at least for one whole token.
  InboundBudget slow({.messages_per_second = 2}, kT0);
  EXPECT_TRUE(slow.TakeMessage());  // the burst is one token
  EXPECT_FALSE(slow.TakeMessage());
  EXPECT_NEAR(Ms(slow.WaitForRefill()), 500, 1e-6);
  // Never less than a millisecond: 0.99 of the one token wanted at 100/s would be 0.1 ms.
  InboundBudget almost({.messages_per_second = 100}, kT0);  // burst 10, a tenth of it: 1
  while (almost.TakeMessage()) {
  }
  almost.Refill(kT0 + absl::Microseconds(9'900));
  EXPECT_TRUE(almost.exhausted());
  EXPECT_NEAR(Ms(almost.WaitForRefill()), 1, 1e-6);
}

TEST(InboundBudget, ALargeFrameIsChargedIntoDebtPaidByLaterRefills) {
  InboundBudget b({.messages_per_second = 10}, kT0);  // burst 1
  EXPECT_TRUE(b.TakeMessage());
  b.ChargeMessage();
  EXPECT_DOUBLE_EQ(b.messages(), -1);
  EXPECT_TRUE(b.exhausted());
  EXPECT_NEAR(Ms(b.WaitForRefill()), 200, 1e-6);  // from -1 back to 1 at 10/s
  b.Refill(kT0 + absl::Milliseconds(100));
  EXPECT_FALSE(b.TakeMessage());  // back at 0: still nothing
  b.Refill(kT0 + absl::Milliseconds(200));
  EXPECT_TRUE(b.TakeMessage());
}

TEST(InboundBudget, AClockThatGoesBackwardsEarnsNothing) {
  InboundBudget b({.messages_per_second = 100}, kT0);  // burst 10
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(b.TakeMessage());
  b.Refill(kT0 - absl::Seconds(5));
  EXPECT_FALSE(b.TakeMessage());
  // ... and the next refill counts from the latest time seen, not the earlier one.
  b.Refill(kT0 + absl::Milliseconds(100));
  EXPECT_DOUBLE_EQ(b.messages(), 10);
}

}  // namespace
}  // namespace kompact::net
