// Bridges between std and Abseil vocabulary types.
//
// Debian 12 builds Abseil with ABSL_OPTION_USE_STD_* = 0, so absl::string_view,
// absl::optional and absl::variant are NOT the std types and do not convert
// implicitly. Our APIs use the std types; call these at Abseil boundaries:
//
//   absl::StrCat(AsAbsl(name), "...");
//   std::string_view msg = AsStd(status.message());
//
// Thread-safety: stateless.
#ifndef KOMPACT_BASE_ABSL_COMPAT_H_
#define KOMPACT_BASE_ABSL_COMPAT_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace kompact {

// The same characters as an absl::string_view (no copy).
inline absl::string_view AsAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }
// The same characters as a std::string_view (no copy).
inline std::string_view AsStd(absl::string_view s) { return std::string_view(s.data(), s.size()); }

}  // namespace kompact

#endif  // KOMPACT_BASE_ABSL_COMPAT_H_
