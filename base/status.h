// Status helpers missing from Abseil 20220623 (Debian 12): early-return macros
// and context annotation.
//
//   absl::Status Load(...) {
//     KOMPACT_RETURN_IF_ERROR(Validate(x));
//     KOMPACT_ASSIGN_OR_RETURN(Config config, Parse(text));
//     return KOMPACT_ANNOTATE(Apply(config), "while loading ", path);
//   }
//
// Thread-safety: stateless.
#ifndef KOMPACT_BASE_STATUS_H_
#define KOMPACT_BASE_STATUS_H_

#include <string_view>
#include <utility>

#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace kompact {

// Returns `status` with `context` prepended to its message ("context: message"),
// keeping code and payloads. OK stays OK.
[[nodiscard]] absl::Status Annotate(const absl::Status& status, std::string_view context);

namespace base_internal {
inline const absl::Status& AsStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& AsStatus(const absl::StatusOr<T>& s) {
  return s.status();
}
}  // namespace base_internal

}  // namespace kompact

// Pastes `a` and `b` into one token (for KOMPACT_STATUS_CONCAT_).
#define KOMPACT_STATUS_CONCAT_INNER_(a, b) a##b
// Pastes `a` and `b` after expanding them (so `__LINE__` gives unique temporary names).
#define KOMPACT_STATUS_CONCAT_(a, b) KOMPACT_STATUS_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::Status or absl::StatusOr) and returns its status from
// the enclosing function if it is not OK.
#define KOMPACT_RETURN_IF_ERROR(expr)                                \
  do {                                                               \
    const auto& kompact_status_or_ = (expr);                         \
    if (ABSL_PREDICT_FALSE(!kompact_status_or_.ok())) {              \
      return ::kompact::base_internal::AsStatus(kompact_status_or_); \
    }                                                                \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status, otherwise
// move-assigns the value to `lhs`, which may be a declaration (`auto x`).
#define KOMPACT_ASSIGN_OR_RETURN(lhs, rexpr) \
  KOMPACT_ASSIGN_OR_RETURN_IMPL_(KOMPACT_STATUS_CONCAT_(kompact_statusor_, __LINE__), lhs, rexpr)

// The body of KOMPACT_ASSIGN_OR_RETURN; `statusor` names its temporary.
#define KOMPACT_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                   \
  if (ABSL_PREDICT_FALSE(!statusor.ok())) {                  \
    return std::move(statusor).status();                     \
  }                                                          \
  lhs = std::move(statusor).value()

// Annotate(status, StrCat(args...)) without building the string when OK.
#define KOMPACT_ANNOTATE(expr, ...)                                                                     \
  ([&](const ::absl::Status& kompact_s_) {                                                              \
    return kompact_s_.ok() ? kompact_s_ : ::kompact::Annotate(kompact_s_, ::absl::StrCat(__VA_ARGS__)); \
  }(expr))

#endif  // KOMPACT_BASE_STATUS_H_
