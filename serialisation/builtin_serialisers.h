// Kompact's built-in serialisers (FEATURES.md S3), as DefaultSerialiser
// specialisations with the reserved ids of serialisation/ser_ids.h. Include
// serialisation/serialisable.h, which includes this.
//
//   type                         SerId               bytes
//   std::string                  ser_ids::kString    varint length + bytes
//   uint8/16/32/64_t             kU8 ... kU64        1/2/4/8, big-endian
//   int8/16/32/64_t              kI8 ... kI64        1/2/4/8, big-endian two's complement
//   bool                         kBool               1 (0 or 1)
//   std::monostate (unit)        kUnit               0
//   kompact::Uuid                kUuid               16, big-endian
//
// Other integer types (char, long long, ...) are deliberately not serialisable: use
// the fixed-width types. Actor and system paths: reserved ids, serialisers supplied
// by the runtime (see ser_ids.h).
//
// Thread-safety: stateless.
#ifndef KOMPACT_SERIALISATION_BUILTIN_SERIALISERS_H_
#define KOMPACT_SERIALISATION_BUILTIN_SERIALISERS_H_

#include <cstdint>
#include <string>
#include <variant>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/uuid.h"
#include "serialisation/buf.h"
#include "serialisation/ser_ids.h"
#include "serialisation/serialiser_traits.h"

namespace kompact {
namespace serialisation_internal {

template <typename T, SerId kId>
struct FixedWidthSerialiser {
  static constexpr SerId kSerId = kId;
  static size_t SizeHint(const T&) { return sizeof(T); }
  static absl::Status Serialise(const T& v, BufMut& buf) {
    if constexpr (std::is_same_v<T, bool>) {
      buf.PutBool(v);
    } else if constexpr (sizeof(T) == 1) {
      buf.PutU8(static_cast<uint8_t>(v));
    } else if constexpr (sizeof(T) == 2) {
      buf.PutU16(static_cast<uint16_t>(v));
    } else if constexpr (sizeof(T) == 4) {
      buf.PutU32(static_cast<uint32_t>(v));
    } else {
      buf.PutU64(static_cast<uint64_t>(v));
    }
    return absl::OkStatus();
  }
  static absl::StatusOr<T> Deserialise(Buf& buf) {
    T v;
    if constexpr (std::is_same_v<T, bool>) {
      v = buf.GetBool();
    } else if constexpr (sizeof(T) == 1) {
      v = static_cast<T>(buf.GetU8());
    } else if constexpr (sizeof(T) == 2) {
      v = static_cast<T>(buf.GetU16());
    } else if constexpr (sizeof(T) == 4) {
      v = static_cast<T>(buf.GetU32());
    } else {
      v = static_cast<T>(buf.GetU64());
    }
    if (!buf.ok()) return buf.status();
    return v;
  }
};

constexpr size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

}  // namespace serialisation_internal

template <>
struct DefaultSerialiser<uint8_t> : serialisation_internal::FixedWidthSerialiser<uint8_t, ser_ids::kU8> {};
template <>
struct DefaultSerialiser<uint16_t> : serialisation_internal::FixedWidthSerialiser<uint16_t, ser_ids::kU16> {};
template <>
struct DefaultSerialiser<uint32_t> : serialisation_internal::FixedWidthSerialiser<uint32_t, ser_ids::kU32> {};
template <>
struct DefaultSerialiser<uint64_t> : serialisation_internal::FixedWidthSerialiser<uint64_t, ser_ids::kU64> {};
template <>
struct DefaultSerialiser<int8_t> : serialisation_internal::FixedWidthSerialiser<int8_t, ser_ids::kI8> {};
template <>
struct DefaultSerialiser<int16_t> : serialisation_internal::FixedWidthSerialiser<int16_t, ser_ids::kI16> {};
template <>
struct DefaultSerialiser<int32_t> : serialisation_internal::FixedWidthSerialiser<int32_t, ser_ids::kI32> {};
template <>
struct DefaultSerialiser<int64_t> : serialisation_internal::FixedWidthSerialiser<int64_t, ser_ids::kI64> {};
template <>
struct DefaultSerialiser<bool> : serialisation_internal::FixedWidthSerialiser<bool, ser_ids::kBool> {};

// std::string: a varint length, then the bytes.
template <>
struct DefaultSerialiser<std::string> {
  static constexpr SerId kSerId = ser_ids::kString;  // Reserved (ser_ids.h).
  // Exact: the length's varint plus the bytes.
  static size_t SizeHint(const std::string& s) {
    return serialisation_internal::VarintSize(s.size()) + s.size();
  }
  // OK (an error of the sink is in buf.status()).
  static absl::Status Serialise(const std::string& s, BufMut& buf) {
    buf.PutString(s);
    return absl::OkStatus();
  }
  // DataLoss if the length is malformed or more than the bytes that remain.
  static absl::StatusOr<std::string> Deserialise(Buf& buf) {
    std::string s = buf.GetString();
    if (!buf.ok()) return buf.status();
    return s;
  }
};

// std::monostate, the unit value: no bytes at all.
template <>
struct DefaultSerialiser<std::monostate> {
  static constexpr SerId kSerId = ser_ids::kUnit;  // Reserved (ser_ids.h).
  // Size 0; nothing is written or read, and neither fails:
  static size_t SizeHint(const std::monostate&) { return 0; }
  static absl::Status Serialise(const std::monostate&, BufMut&) { return absl::OkStatus(); }
  static absl::StatusOr<std::monostate> Deserialise(Buf&) { return std::monostate{}; }
};

// kompact::Uuid: high() then low(), each 8 bytes big-endian (ToBytes() order).
template <>
struct DefaultSerialiser<Uuid> {
  static constexpr SerId kSerId = ser_ids::kUuid;  // Reserved (ser_ids.h).
  // Always 16.
  static size_t SizeHint(const Uuid&) { return 16; }
  // OK (an error of the sink is in buf.status()).
  static absl::Status Serialise(const Uuid& id, BufMut& buf) {
    buf.PutU64(id.high());
    buf.PutU64(id.low());
    return absl::OkStatus();
  }
  // DataLoss if fewer than 16 bytes remain.
  static absl::StatusOr<Uuid> Deserialise(Buf& buf) {
    const uint64_t high = buf.GetU64();
    const uint64_t low = buf.GetU64();
    if (!buf.ok()) return buf.status();
    return Uuid(high, low);
  }
};

}  // namespace kompact

#endif  // KOMPACT_SERIALISATION_BUILTIN_SERIALISERS_H_
