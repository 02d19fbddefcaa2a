// TypeName<T>(): a readable, compile-time name of T for error messages (the
// registry's duplicate-SerId report, boxed-value mismatches). Private to
// //serialisation; included by public templates that report type names.
#ifndef KOMPACT_SERIALISATION_INTERNAL_TYPE_NAME_H_
#define KOMPACT_SERIALISATION_INTERNAL_TYPE_NAME_H_

#include <string_view>

namespace kompact::serialisation_internal {

template <typename T>
constexpr std::string_view TypeName() {
  // GCC: "... TypeName() [with T = Foo; std::string_view = ...]"
  // Clang: "... TypeName() [T = Foo]"
  constexpr std::string_view f = __PRETTY_FUNCTION__;
  constexpr std::string_view key = "T = ";
  constexpr size_t start = f.find(key);
  if constexpr (start == std::string_view::npos) {
    return f;
  } else {
    constexpr std::string_view rest = f.substr(start + key.size());
    constexpr size_t semi = rest.find(';');
    constexpr size_t end = semi != std::string_view::npos ? semi : rest.rfind(']');
    return rest.substr(0, end);
  }
}

}  // namespace kompact::serialisation_internal

#endif  // KOMPACT_SERIALISATION_INTERNAL_TYPE_NAME_H_
