// The reserved SerIds 0-20 of Kompact's built-in serialisers, all in one place
// (FEATURES.md S1, S3). User ids start at 21 (kFirstUserSerId) and are made with
// MakeSerId<N>() (ser_id.h), which rejects this range.
//
// Kompact (Rust) gave both ActorPath and String the id 6; here String moved to 4
// (the slot Kompact freed), and a static_assert below keeps every id distinct.
//
// Hook for paths: the runtime package owns ActorPath/SystemPath/UniquePath/NamedPath
// and will serialise them by specialising kompact::DefaultSerialiser<ActorPath> (etc.,
// see serialisable.h) with `static constexpr SerId kSerId = ser_ids::kActorPath;`.
// Their ids are reserved here now so the wire format never has to change.
//
// Thread-safety: constants only.
#ifndef KOMPACT_SERIALISATION_SER_IDS_H_
#define KOMPACT_SERIALISATION_SER_IDS_H_

#include <array>
#include <cstddef>

#include "serialisation/ser_id.h"

namespace kompact::ser_ids {

using ser_id_internal::ReservedSerId;

// Never on the wire; the id of "no serialiser".
inline constexpr SerId kUnknown = ReservedSerId<0>();
// Runtime: the dispatcher's envelope.
inline constexpr SerId kDispatchEnvelope = ReservedSerId<1>();
// Runtime: unique actor path (system path + component UUID).
inline constexpr SerId kUniquePath = ReservedSerId<2>();
// Runtime: named actor path (system path + segments).
inline constexpr SerId kNamedPath = ReservedSerId<3>();
// std::string (length-prefixed bytes). Kompact: 6, colliding with ActorPath.
inline constexpr SerId kString = ReservedSerId<4>();
// Runtime: SystemPath (protocol, address, port).
inline constexpr SerId kSystemPath = ReservedSerId<5>();
// Runtime: ActorPath (either unique or named).
inline constexpr SerId kActorPath = ReservedSerId<6>();
// uint64_t, as in Kompact.
inline constexpr SerId kU64 = ReservedSerId<7>();
// Unit (std::monostate): no bytes. Kompact: `()`.
inline constexpr SerId kUnit = ReservedSerId<8>();
// The other fixed-width integers (big-endian two's complement):
inline constexpr SerId kU8 = ReservedSerId<9>();
inline constexpr SerId kU16 = ReservedSerId<10>();
inline constexpr SerId kU32 = ReservedSerId<11>();
inline constexpr SerId kI8 = ReservedSerId<12>();
inline constexpr SerId kI16 = ReservedSerId<13>();
inline constexpr SerId kI32 = ReservedSerId<14>();
inline constexpr SerId kI64 = ReservedSerId<15>();
// bool: one byte, 0 or 1.
inline constexpr SerId kBool = ReservedSerId<16>();
// kompact::Uuid: 16 bytes, big-endian.
inline constexpr SerId kUuid = ReservedSerId<17>();
// 18, 19 and 20 are reserved and unassigned.

// Every assigned built-in id (for the uniqueness check and for tests).
// clang-format off
inline constexpr std::array kAllAssigned = {
    kUnknown, kDispatchEnvelope, kUniquePath, kNamedPath, kString, kSystemPath,
    kActorPath, kU64, kUnit, kU8, kU16, kU32, kI8, kI16, kI32, kI64, kBool, kUuid,
};
// clang-format on

namespace internal {
// Whether no two of `ids` are equal (for the static_assert below).
template <size_t N>
consteval bool AllDistinct(const std::array<SerId, N>& ids) {
  for (size_t i = 0; i < N; ++i) {
    for (size_t j = i + 1; j < N; ++j) {
      if (ids[i] == ids[j]) return false;
    }
  }
  return true;
}
}  // namespace internal

static_assert(internal::AllDistinct(kAllAssigned), "two built-in SerIds collide");

}  // namespace kompact::ser_ids

#endif  // KOMPACT_SERIALISATION_SER_IDS_H_
