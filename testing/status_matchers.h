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

// The status of an absl::Status (itself) or of an absl::StatusOr (its status()).
inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
// The status held by `s` (OK if it holds a value).
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

// How a failure message shows the status: absl::Status::ToString().
inline std::string Describe(const absl::Status& s) { return s.ToString(); }

// A message matcher from `m`: a string becomes HasSubstr(m), anything else is
// cast to a `Matcher<const std::string&>`.
template <typename M>
auto AsMessageMatcher(M&& m) {
  if constexpr (std::is_convertible_v<M, std::string>) {
    return ::testing::HasSubstr(std::string(std::forward<M>(m)));
  } else {
    return ::testing::SafeMatcherCast<const std::string&>(std::forward<M>(m));
  }
}

}  // namespace internal

// Matches an OK absl::Status, or an absl::StatusOr that holds a value.
MATCHER(IsOk, negation ? "is not OK" : "is OK") {
  const absl::Status& s = internal::GetStatus(arg);
  if (!s.ok()) *result_listener << "status is " << internal::Describe(s);
  return s.ok();
}

// The matcher behind StatusIs: the status (of a Status or StatusOr) has `code`
// and its message matches `message_matcher`. Use StatusIs instead.
MATCHER_P2(StatusIsImpl, code, message_matcher,
           std::string(negation ? "does not have" : "has") + " code " + absl::StatusCodeToString(code) +
               " and a matching message") {
  const absl::Status& s = internal::GetStatus(arg);
  *result_listener << "status is " << internal::Describe(s);
  if (s.code() != code) return false;
  return ::testing::Matcher<const std::string&>(message_matcher)
      .MatchAndExplain(std::string(s.message()), result_listener);
}

// Matches a status (of a Status or StatusOr) with `code`, whatever its message.
inline auto StatusIs(absl::StatusCode code) { return StatusIsImpl(code, ::testing::A<const std::string&>()); }
// Matches a status with `code` whose message matches `message`: a string (the
// message contains it) or a string matcher.
template <typename M>
auto StatusIs(absl::StatusCode code, M&& message) {
  return StatusIsImpl(
      code, ::testing::Matcher<const std::string&>(internal::AsMessageMatcher(std::forward<M>(message))));
}

// Matches an OK absl::StatusOr whose value matches `value_matcher`.
MATCHER_P(IsOkAndHolds, value_matcher, "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << "status is " << internal::Describe(arg.status());
    return false;
  }
  return ::testing::ExplainMatchResult(value_matcher, *arg, result_listener);
}

}  // namespace kompact::testing

// Pastes `a` and `b` into one token (the helper of KOMPACT_TESTING_CONCAT_).
#define KOMPACT_TESTING_CONCAT_INNER_(a, b) a##b
// Pastes `a` and `b` into one token after expanding them (e.g. `__LINE__`).
#define KOMPACT_TESTING_CONCAT_(a, b) KOMPACT_TESTING_CONCAT_INNER_(a, b)

// Fails the test and returns from the function unless `expr` is OK (IsOk).
#define ASSERT_OK(expr) ASSERT_THAT((expr), ::kompact::testing::IsOk())
// Fails the test, and goes on, unless `expr` is OK (IsOk).
#define EXPECT_OK(expr) EXPECT_THAT((expr), ::kompact::testing::IsOk())

// Evaluates `rexpr` (an absl::StatusOr), ASSERT_OK's it and moves its value into
// `lhs` (a declaration or an lvalue), e.g.
// `ASSERT_OK_AND_ASSIGN(auto value, ComputeStatusOr());`.
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  ASSERT_OK_AND_ASSIGN_IMPL_(KOMPACT_TESTING_CONCAT_(kompact_statusor_, __LINE__), lhs, rexpr)
// The body of ASSERT_OK_AND_ASSIGN, with `statusor` a fresh variable name.
#define ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                               \
  ASSERT_OK(statusor);                                   \
  lhs = std::move(statusor).value()

#endif  // KOMPACT_TESTING_STATUS_MATCHERS_H_
