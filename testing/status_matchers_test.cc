#include "testing/status_matchers.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kompact::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(StatusMatchers, IsOkMatchesOnlyOk) {
  EXPECT_THAT(absl::OkStatus(), IsOk());
  EXPECT_THAT(absl::InternalError("x"), Not(IsOk()));
  EXPECT_THAT(absl::StatusOr<int>(3), IsOk());
  EXPECT_THAT(absl::StatusOr<int>(absl::NotFoundError("gone")), Not(IsOk()));
}

TEST(StatusMatchers, StatusIsChecksCodeAndSubstring) {
  const absl::Status s = absl::InvalidArgumentError("key 'a.b' at line 3");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, "line 3"));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("'a.b'")));
  EXPECT_THAT(s, Not(StatusIs(absl::StatusCode::kNotFound)));
  EXPECT_THAT(s, Not(StatusIs(absl::StatusCode::kInvalidArgument, "line 4")));
  EXPECT_THAT(absl::StatusOr<int>(absl::UnavailableError("down")),
              StatusIs(absl::StatusCode::kUnavailable, "down"));
}

TEST(StatusMatchers, IsOkAndHoldsChecksTheValue) {
  EXPECT_THAT(absl::StatusOr<int>(42), IsOkAndHolds(42));
  EXPECT_THAT(absl::StatusOr<int>(41), Not(IsOkAndHolds(42)));
  EXPECT_THAT(absl::StatusOr<int>(absl::InternalError("e")), Not(IsOkAndHolds(42)));
}

TEST(StatusMatchers, AssertOkAndAssignMovesTheValue) {
  ASSERT_OK_AND_ASSIGN(auto v, absl::StatusOr<std::string>("moved"));
  EXPECT_EQ(v, "moved");
}

}  // namespace
}  // namespace kompact::testing
