// gMock matchers for absl::Status and absl::StatusOr<T> (FEATURES.md Q2).
//
//   EXPECT_THAT(DoIt(), IsOk());
//   EXPECT_THAT(Parse("x"), StatusIs(absl::StatusCode::kInvalidArgument, "line 3"));
//   EXPECT_THAT(Parse("x"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("x")));
//   EXPECT_THAT(Compute(), IsOkAndHolds(42));
//   ASSERT_OK(DoIt());  ASSERT_OK_AND_ASSIGN(auto v, Compute());
//
// A string as the message matcher means "the message contains this string".
#ifndef KOMPACT_TESTING_STATUS_MATCHERS_H_
#define KOMPACT_TESTING_STATUS_MATCHERS_H_

#include <ostream>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kompact::testing {
namespace internal {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

inline std::string Describe(const absl::Status& s) { return s.ToString(); }

template <typename M>
auto AsMessageMatcher(M&& m) {
  if constexpr (std::is_convertible_v<M, std::string>) {
    return ::testing::HasSubstr(std::string(std::forward<M>(m)));
  } else {
    return ::testing::SafeMatcherCast<const std::string&>(std::forward<M>(m));
  }
}

}  // namespace internal

MATCHER(IsOk, negation ? "is not OK" : "is OK") {
  const absl::Status& s = internal::GetStatus(arg);
  if (!s.ok()) *result_listener << "status is " << internal::Describe(s);
  return s.ok();
}

MATCHER_P2(StatusIsImpl, code, message_matcher,
           std::string(negation ? "does not have" : "has") + " code " + absl::StatusCodeToString(code) +
               " and a matching message") {
  const absl::Status& s = internal::GetStatus(arg);
  *result_listener << "status is " << internal::Describe(s);
  if (s.code() != code) return false;
  return ::testing::Matcher<const std::string&>(message_matcher)
      .MatchAndExplain(std::string(s.message()), result_listener);
}

// Code only.
inline auto StatusIs(absl::StatusCode code) { return StatusIsImpl(code, ::testing::A<const std::string&>()); }
// Code and message: a string (substring) or a string matcher.
template <typename M>
auto StatusIs(absl::StatusCode code, M&& message) {
  return StatusIsImpl(
      code, ::testing::Matcher<const std::string&>(internal::AsMessageMatcher(std::forward<M>(message))));
}

MATCHER_P(IsOkAndHolds, value_matcher, "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << "status is " << internal::Describe(arg.status());
    return false;
  }
  return ::testing::ExplainMatchResult(value_matcher, *arg, result_listener);
}

}  // namespace kompact::testing

#define KOMPACT_TESTING_CONCAT_INNER_(a, b) a##b
#define KOMPACT_TESTING_CONCAT_(a, b) KOMPACT_TESTING_CONCAT_INNER_(a, b)

#define ASSERT_OK(expr) ASSERT_THAT((expr), ::kompact::testing::IsOk())
#define EXPECT_OK(expr) EXPECT_THAT((expr), ::kompact::testing::IsOk())

// ASSERT_OK_AND_ASSIGN(auto value, ComputeStatusOr());
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  ASSERT_OK_AND_ASSIGN_IMPL_(KOMPACT_TESTING_CONCAT_(kompact_statusor_, __LINE__), lhs, rexpr)
#define ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                               \
  ASSERT_OK(statusor);                                   \
  lhs = std::move(statusor).value()

#endif  // KOMPACT_TESTING_STATUS_MATCHERS_H_
