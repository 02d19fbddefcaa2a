// Tests of refusal statuses (net/refusal.h).
#include "net/refusal.h"

#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace kompact::net {
namespace {

TEST(RefusalTest, EveryReasonRoundTripsThroughAStatusWithItsDetail) {
  std::set<std::string> names;
  for (int i = 0; i < kRefusalReasonCount; ++i) {
    const auto reason = static_cast<RefusalReason>(i);
    const absl::Status status = RefusalError(reason, "what happened");
    EXPECT_FALSE(status.ok());
    EXPECT_EQ(std::string(status.message()), "what happened");
    ASSERT_TRUE(RefusalOf(status).has_value()) << i;
    EXPECT_EQ(*RefusalOf(status), reason);
    const std::string name(RefusalReasonName(reason));
    EXPECT_NE(name, "unknown");
    EXPECT_TRUE(names.insert(name).second) << "duplicate name " << name;
  }
}

TEST(RefusalTest, CodesFitTheReason) {
  EXPECT_EQ(RefusalError(RefusalReason::kHandshakeTimeout, "x").code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(RefusalError(RefusalReason::kPendingLimit, "x").code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(RefusalError(RefusalReason::kUntrustedCertificate, "x").code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(RefusalError(RefusalReason::kPinMismatch, "x").code(), absl::StatusCode::kPermissionDenied);
}

TEST(RefusalTest, OtherStatusesAreNotRefusals) {
  EXPECT_FALSE(RefusalOf(absl::OkStatus()).has_value());
  EXPECT_FALSE(RefusalOf(absl::UnavailableError("end of stream")).has_value());
  absl::Status forged = absl::UnavailableError("x");
  forged.SetPayload(std::string(kRefusalPayloadUrl), absl::Cord("\xff"));
  EXPECT_FALSE(RefusalOf(forged).has_value());
  forged.SetPayload(std::string(kRefusalPayloadUrl), absl::Cord("ab"));
  EXPECT_FALSE(RefusalOf(forged).has_value());
}

TEST(RefusalTest, TheReasonSurvivesCopiesAndAPrefixedMessage) {
  const absl::Status original = RefusalError(RefusalReason::kNotTls, "plaintext");
  absl::Status wrapped(original.code(), absl::StrCat("tcp://127.0.0.1:7000: ", original.message()));
  original.ForEachPayload(
      [&](absl::string_view url, const absl::Cord& payload) { wrapped.SetPayload(url, payload); });
  EXPECT_EQ(RefusalOf(wrapped), RefusalReason::kNotTls);
}

}  // namespace
}  // namespace kompact::net
