// Serialising and deserialising values (FEATURES.md S2, S3): the header to include.
// It brings the concepts and DefaultSerialiser (serialiser_traits.h, which explains how
// to make a type serialisable), the built-in serialisers, and these helpers:
//
//   SerialiseInto(value, buf)            -> Status            into any BufMut
//   SerialiseToBytes(value)              -> StatusOr<vector>  a fresh byte vector
//   EncodeInto(value, encode_buffer)     -> StatusOr<ChunkLease>  pooled chunks
//   DeserialiseFrom<T>(buf)              -> StatusOr<T>       reads one T, leaves the rest
//   DeserialiseAll<T>(buf)               -> StatusOr<T>       the whole of buf must be one T
//   DeserialiseBytes<T>(bytes)           -> StatusOr<T>       same, from a span
//
// Each takes the serialiser as an optional second template argument (default
// DefaultSerialiser<T>), e.g. SerialiseToBytes<Point, PointSerialiser>(p). A failed
// read or write recorded in the Buf/BufMut is returned even if the (de)serialiser
// itself returned OK. Each helper checks its (de)serialiser first, so a missing piece
// is reported by one readable static_assert, without follow-on errors.
//
// Thread-safety: stateless functions.
#ifndef KOMPACT_SERIALISATION_SERIALISABLE_H_
#define KOMPACT_SERIALISATION_SERIALISABLE_H_

#include <cstdint>
#include <span>
#include <vector>

#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"
#include "serialisation/buf.h"
#include "serialisation/builtin_serialisers.h"
#include "serialisation/chunk.h"
#include "serialisation/encode_buffer.h"
#include "serialisation/internal/type_name.h"  // TypeName<T>() in error messages
#include "serialisation/ser_id.h"
#include "serialisation/serialiser_traits.h"

namespace kompact {

// Writes `value` into `buf` with S: the serialiser's error, else buf.status().
template <typename T, typename S = DefaultSerialiser<T>>
[[nodiscard]] absl::Status SerialiseInto(const T& value, BufMut& buf) {
  if constexpr (serialisation_internal::CheckSerialiser<S, T>()) {
    absl::Status s = S::Serialise(value, buf);
    if (!s.ok()) return s;
    return buf.status();
  } else {
    return absl::InternalError("unreachable");
  }
}

// `value` serialised with S into a fresh byte vector (S::SizeHint(value) reserved).
template <typename T, typename S = DefaultSerialiser<T>>
[[nodiscard]] absl::StatusOr<std::vector<uint8_t>> SerialiseToBytes(const T& value) {
  if constexpr (serialisation_internal::CheckSerialiser<S, T>()) {
    VectorBufMut buf(S::SizeHint(value));
    if (absl::Status s = SerialiseInto<T, S>(value, buf); !s.ok()) return s;
    return buf.Release();
  } else {
    return absl::InternalError("unreachable");
  }
}

// Eager serialisation into pooled chunks (Kompact's TellSerialised path).
template <typename T, typename S = DefaultSerialiser<T>>
[[nodiscard]] absl::StatusOr<ChunkLease> EncodeInto(const T& value, EncodeBuffer& buffer) {
  if constexpr (serialisation_internal::CheckSerialiser<S, T>()) {
    EncodeBuffer::Encoder enc = buffer.Begin(S::SizeHint(value));
    if (absl::Status s = S::Serialise(value, enc); !s.ok()) return s;
    return enc.Finish();
  } else {
    return absl::InternalError("unreachable");
  }
}

// Reads one T with D, leaving the bytes after it in `buf`: the deserialiser's error,
// else a failure recorded in `buf`.
template <typename T, typename D = DefaultSerialiser<T>>
[[nodiscard]] absl::StatusOr<T> DeserialiseFrom(Buf& buf) {
  if constexpr (serialisation_internal::CheckDeserialiser<D, T>()) {
    absl::StatusOr<T> result = D::Deserialise(buf);
    if (ABSL_PREDICT_FALSE(result.ok() && !buf.ok())) result = buf.status();
    return result;  // one named result everywhere: no extra moves of T
  } else {
    return absl::InternalError("unreachable");
  }
}

// DeserialiseFrom, and kDataLoss (also recorded in `buf`) if any bytes remain after the T.
template <typename T, typename D = DefaultSerialiser<T>>
[[nodiscard]] absl::StatusOr<T> DeserialiseAll(Buf& buf) {
  absl::StatusOr<T> result = DeserialiseFrom<T, D>(buf);
  if (ABSL_PREDICT_FALSE(result.ok() && buf.remaining() != 0)) {
    const size_t trailing = buf.remaining();
    result = buf.Fail(absl::DataLossError(absl::StrCat(trailing, " trailing bytes after ",
                                                       AsAbsl(serialisation_internal::TypeName<T>()),
                                                       " at offset ", buf.position())));
  }
  return result;
}

// DeserialiseAll over `bytes`.
template <typename T, typename D = DefaultSerialiser<T>>
[[nodiscard]] absl::StatusOr<T> DeserialiseBytes(std::span<const uint8_t> bytes) {
  Buf buf(bytes);
  return DeserialiseAll<T, D>(buf);
}

}  // namespace kompact

#endif  // KOMPACT_SERIALISATION_SERIALISABLE_H_
