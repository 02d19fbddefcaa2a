#include "base/status.h"

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

using ::kompact::testing::IsOk;
using ::kompact::testing::IsOkAndHolds;
using ::kompact::testing::StatusIs;

absl::StatusOr<int> ParsePositive(int x) {
  if (x <= 0) return absl::InvalidArgumentError("not positive");
  return x;
}

absl::Status CheckBoth(int a, int b) {
  KOMPACT_RETURN_IF_ERROR(ParsePositive(a));
  KOMPACT_RETURN_IF_ERROR(b > a ? absl::OkStatus() : absl::OutOfRangeError("b <= a"));
  return absl::OkStatus();
}

absl::StatusOr<int> Sum(int a, int b) {
  KOMPACT_ASSIGN_OR_RETURN(int x, ParsePositive(a));
  KOMPACT_ASSIGN_OR_RETURN(const int y, ParsePositive(b));
  return x + y;
}

int evaluations = 0;
absl::Status CountedOk() {
  ++evaluations;
  return absl::OkStatus();
}

TEST(StatusMacros, ReturnIfErrorPropagatesTheFirstError) {
  EXPECT_THAT(CheckBoth(1, 2), IsOk());
  EXPECT_THAT(CheckBoth(-1, 2), StatusIs(absl::StatusCode::kInvalidArgument, "not positive"));
  EXPECT_THAT(CheckBoth(3, 2), StatusIs(absl::StatusCode::kOutOfRange, "b <= a"));
}

TEST(StatusMacros, ReturnIfErrorEvaluatesOnce) {
  evaluations = 0;
  auto f = []() -> absl::Status {
    KOMPACT_RETURN_IF_ERROR(CountedOk());
    return absl::OkStatus();
  };
  EXPECT_THAT(f(), IsOk());
  EXPECT_EQ(evaluations, 1);
}

TEST(StatusMacros, AssignOrReturnAssignsOrPropagates) {
  EXPECT_THAT(Sum(2, 3), IsOkAndHolds(5));
  EXPECT_THAT(Sum(2, 0), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(Annotate, PrependsContextAndKeepsCodeAndPayload) {
  absl::Status s = absl::NotFoundError("no such key");
  s.SetPayload("kompact/test", absl::Cord("p"));
  const absl::Status a = Annotate(s, "loading a.toml");
  EXPECT_THAT(a, StatusIs(absl::StatusCode::kNotFound, "loading a.toml: no such key"));
  ASSERT_TRUE(a.GetPayload("kompact/test").has_value());
  EXPECT_EQ(std::string(*a.GetPayload("kompact/test")), "p");
}

TEST(Annotate, LeavesOkAlone) {
  EXPECT_THAT(Annotate(absl::OkStatus(), "ctx"), IsOk());
  EXPECT_THAT(KOMPACT_ANNOTATE(absl::OkStatus(), "ctx ", 1), IsOk());
  EXPECT_THAT(KOMPACT_ANNOTATE(absl::InternalError("boom"), "step ", 2),
              StatusIs(absl::StatusCode::kInternal, "step 2: boom"));
}

}  // namespace
}  // namespace kompact
