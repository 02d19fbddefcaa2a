// SerId: the serialisation id that names the (de)serialiser of a payload (FEATURES.md S1).
//
// Its width is chosen at build time by `--//serialisation:ser_id_bits=8|16|32|64`
// in this workspace, `--@kompact//serialisation:ser_id_bits=...` in a workspace
// that depends on kompact (default 64; Kompact's ser_id_* cargo features). It
// travels in front of every serialised message, so every process of a distributed
// system must use the same width.
//
// User ids are written with MakeSerId, which refuses at compile time an id that does
// not fit the chosen width (negative ones included) or that lies in the range
// reserved for Kompact's built-in serialisers (0-20, listed in serialisation/ser_ids.h):
//
//   struct Ping {
//     static constexpr kompact::SerId kSerId = kompact::MakeSerId<42>();
//     ...
//   };
//
// With ser_id_bits=8, `MakeSerId<300>()` fails to compile with "SerId constant does
// not fit ..." and the instantiation line names the value ("[with auto kValue = 300]").
// The plain spellings fail too: `kSerId{300}` is a narrowing error, and for
// `kSerId = 300` (any constant expression too large for the width) this header
// turns the compiler's value-changing-conversion warning into an error for the
// rest of the translation unit (GCC -Woverflow, Clang -Wconstant-conversion).
// What no compiler reports is a *negative* constant written as `kSerId = -1`
// (C++ converts it modulo 2^bits, silently): only MakeSerId catches that one.
//
// Thread-safety: constants and pure functions only.
#ifndef KOMPACT_SERIALISATION_SER_ID_H_
#define KOMPACT_SERIALISATION_SER_ID_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>

#include "serialisation/ser_id_config.h"

namespace kompact {

// The serialisation id: an unsigned integer of `--//serialisation:ser_id_bits`
// bits (64 by default; 8, 16 or 32 to save bytes on the wire).
#if KOMPACT_SER_ID_BITS == 8
using SerId = uint8_t;
#elif KOMPACT_SER_ID_BITS == 16
using SerId = uint16_t;
#elif KOMPACT_SER_ID_BITS == 32
using SerId = uint32_t;
#elif KOMPACT_SER_ID_BITS == 64
using SerId = uint64_t;
#else
#error \
    "KOMPACT_SER_ID_BITS must be 8, 16, 32 or 64 (--//serialisation:ser_id_bits, or --@kompact//serialisation:ser_id_bits from another workspace)"
#endif

// `static constexpr kompact::SerId kSerId = 300;` under 8-bit SerIds would be a
// warning and a truncated id (44, perhaps another message's): make it an error.
// This deliberately outlives the header (no push/pop): the declarations it is
// for come after it, in the user's code.
#if defined(__clang__)
#pragma clang diagnostic error "-Wconstant-conversion"
#elif defined(__GNUC__)
#pragma GCC diagnostic error "-Woverflow"
#endif

// Width of SerId in bits and bytes (its size on the wire, big-endian):
inline constexpr int kSerIdBits = KOMPACT_SER_ID_BITS;
inline constexpr size_t kSerIdBytes = sizeof(SerId);
// The largest SerId of the configured width.
inline constexpr SerId kMaxSerId = std::numeric_limits<SerId>::max();

// Ids 0..kMaxReservedSerId belong to Kompact's built-in serialisers (ser_ids.h).
inline constexpr SerId kMaxReservedSerId = 20;
// The smallest id MakeSerId accepts.
inline constexpr SerId kFirstUserSerId = kMaxReservedSerId + 1;

namespace ser_id_internal {
// The standard integer types (not bool, not character types).
template <typename I>
inline constexpr bool kIsInteger =
    std::is_integral_v<I> && !std::is_same_v<I, bool> && !std::is_same_v<I, char> &&
    !std::is_same_v<I, wchar_t> && !std::is_same_v<I, char8_t> && !std::is_same_v<I, char16_t> &&
    !std::is_same_v<I, char32_t>;
}  // namespace ser_id_internal

// True if the integer `value` is representable as a SerId.
template <typename I>
constexpr bool SerIdFits(I value) {
  static_assert(ser_id_internal::kIsInteger<I>, "SerIdFits takes an integer");
  return std::in_range<SerId>(value);
}

namespace ser_id_internal {

template <auto kValue>
consteval SerId CheckedSerId() {
  using V = decltype(kValue);
  static_assert(kIsInteger<V>, "a SerId must be an integer constant (not bool or a character)");
  if constexpr (kIsInteger<V>) {
    static_assert(std::in_range<SerId>(kValue),
                  "SerId constant does not fit the SerId width chosen by "
                  "--//serialisation:ser_id_bits (spelled --@kompact//serialisation:ser_id_bits "
                  "in a workspace that depends on kompact; the offending value is kValue in "
                  "the instantiation above)");
    return static_cast<SerId>(kValue);
  } else {
    return 0;
  }
}

// For Kompact's own built-in ids (ser_ids.h): must fit and be in the reserved range.
template <auto kValue>
consteval SerId ReservedSerId() {
  constexpr SerId id = CheckedSerId<kValue>();
  static_assert(id <= kMaxReservedSerId, "built-in SerIds must be in the reserved range 0-20");
  return id;
}

}  // namespace ser_id_internal

// A user SerId constant, checked at compile time: it must fit the configured width
// and must not be one of the reserved built-in ids 0-20.
template <auto kValue>
consteval SerId MakeSerId() {
  constexpr SerId id = ser_id_internal::CheckedSerId<kValue>();
  static_assert(id > kMaxReservedSerId,
                "SerIds 0-20 are reserved for Kompact's built-in serialisers "
                "(serialisation/ser_ids.h); the offending value is kValue in the "
                "instantiation above");
  return id;
}

}  // namespace kompact

#endif  // KOMPACT_SERIALISATION_SER_ID_H_
