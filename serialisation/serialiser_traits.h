// What makes a type serialisable (FEATURES.md S2): the concepts, the customisation
// point DefaultSerialiser<T>, and compile-time checks that say what is missing.
// Include serialisation/serialisable.h (which also brings the built-in serialisers)
// rather than this header.
//
// A type is serialisable in one of two ways.
//
// 1. In-class, for types you own:
//
//      struct Ping {
//        static constexpr kompact::SerId kSerId = kompact::MakeSerId<42>();
//        uint64_t seq;
//        size_t SizeHint() const { return 8; }
//        absl::Status Serialise(kompact::BufMut& buf) const { buf.PutU64(seq); return absl::OkStatus(); }
//        static absl::StatusOr<Ping> Deserialise(kompact::Buf& buf) {
//          Ping p{buf.GetU64()};
//          if (!buf.ok()) return buf.status();
//          return p;
//        }
//      };
//
// 2. Through a serialiser type, for types you cannot edit: a type S with
//      static constexpr SerId kSerId;
//      static size_t SizeHint(const T&);                          // expected bytes, 0 if unknown
//      static absl::Status Serialise(const T&, BufMut&);
//      static absl::StatusOr<T> Deserialise(Buf&);                // a Deserialiser needs only this
//    passed explicitly where a serialiser is chosen (NetData::Box<T, S>, On<T, S>,
//    SerialiseToBytes<T, S>), or made T's default by specialising
//      template <> struct kompact::DefaultSerialiser<T> : S {};
//
// DefaultSerialiser<T> is what every API uses when no serialiser is named: for in-class
// types it forwards to the members; the built-ins specialise it; the runtime will
// specialise it for ActorPath/SystemPath (ids reserved in ser_ids.h).
//
// A deserialiser must consume exactly the bytes its serialiser wrote: NetData and
// MatchDeser report trailing bytes as kDataLoss.
//
// Thread-safety: serialisers are stateless (static functions) and must be callable from
// any thread.
#ifndef KOMPACT_SERIALISATION_SERIALISER_TRAITS_H_
#define KOMPACT_SERIALISATION_SERIALISER_TRAITS_H_

#include <concepts>
#include <cstddef>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "serialisation/buf.h"
#include "serialisation/ser_id.h"

namespace kompact {

// The serialiser used when none is named. The primary template has none: a type gets
// one by being serialisable in-class or by a specialisation.
template <typename T>
struct DefaultSerialiser {
  using KompactNoDefaultSerialiser = void;  // marker for readable diagnostics
};

// S serialises T.
template <typename S, typename T>
concept Serialiser = requires(const T& value, BufMut& buf) {
  requires std::same_as<std::remove_cv_t<decltype(S::kSerId)>, SerId>;
  { S::SizeHint(value) } -> std::convertible_to<size_t>;
  { S::Serialise(value, buf) } -> std::same_as<absl::Status>;
};

// D deserialises T.
template <typename D, typename T>
concept Deserialiser = requires(Buf& buf) {
  requires std::same_as<std::remove_cv_t<decltype(D::kSerId)>, SerId>;
  { D::Deserialise(buf) } -> std::same_as<absl::StatusOr<T>>;
};

// T declares its own serialisation (way 1 above).
template <typename T>
concept InClassSerialisable = requires(const T& value, BufMut& out, Buf& in) {
  requires std::same_as<std::remove_cv_t<decltype(T::kSerId)>, SerId>;
  { value.SizeHint() } -> std::convertible_to<size_t>;
  { value.Serialise(out) } -> std::same_as<absl::Status>;
  { T::Deserialise(in) } -> std::same_as<absl::StatusOr<T>>;
};

// The default serialiser of an in-class serialisable type: forwards to its members.
template <typename T>
requires InClassSerialisable<T>
struct DefaultSerialiser<T> {
  static constexpr SerId kSerId = T::kSerId;  // The type's own id.
  // value.SizeHint(), value.Serialise(buf) and T::Deserialise(buf):
  static size_t SizeHint(const T& value) { return static_cast<size_t>(value.SizeHint()); }
  static absl::Status Serialise(const T& value, BufMut& buf) { return value.Serialise(buf); }
  static absl::StatusOr<T> Deserialise(Buf& buf) { return T::Deserialise(buf); }
};

// T has a default serialiser / deserialiser.
template <typename T>
concept Serialisable = Serialiser<DefaultSerialiser<T>, T>;
template <typename T>
concept Deserialisable = Deserialiser<DefaultSerialiser<T>, T>;

// A type a NetData can box and a MatchDeser arm can produce: an object type that owns
// its data (not a pointer, reference, array or cv-qualified type) and can be moved.
template <typename T>
concept MessageValue = std::is_object_v<T> && !std::is_pointer_v<T> && !std::is_array_v<T> &&
                       !std::is_const_v<T> && !std::is_volatile_v<T> && std::move_constructible<T>;

namespace serialisation_internal {

template <typename>
inline constexpr bool kAlwaysFalse = false;

template <typename S>
concept NoDefault = requires {
  typename S::KompactNoDefaultSerialiser;
};
template <typename S>
concept HasSerId = requires {
  S::kSerId;
};
template <typename S>
concept SerIdTyped = std::same_as<std::remove_cv_t<decltype(S::kSerId)>, SerId>;

// Explains, through the first failing static_assert, why T has no usable in-class
// serialisation. Only instantiated when something is missing.
template <typename T>
constexpr bool ExplainInClass() {
  if constexpr (!HasSerId<T>) {
    static_assert(kAlwaysFalse<T>,
                  "T is not serialisable: it has no `static constexpr kompact::SerId kSerId = "
                  "kompact::MakeSerId<N>();`. An in-class serialisable type needs kSerId, "
                  "`size_t SizeHint() const`, `absl::Status Serialise(kompact::BufMut&) const` and "
                  "`static absl::StatusOr<T> Deserialise(kompact::Buf&)`; for a type you cannot "
                  "edit, specialise kompact::DefaultSerialiser<T> or name a serialiser type. "
                  "(Built-in types need serialisation/serialisable.h.)");
  } else if constexpr (!SerIdTyped<T>) {
    static_assert(kAlwaysFalse<T>,
                  "T::kSerId must have type kompact::SerId: write `static constexpr "
                  "kompact::SerId kSerId = kompact::MakeSerId<N>();`");
  } else if constexpr (!requires(const T& v) {
                         { v.SizeHint() } -> std::convertible_to<size_t>;
                       }) {
    static_assert(kAlwaysFalse<T>, "T is not serialisable: it has no `size_t SizeHint() const`");
  } else if constexpr (!requires(const T& v, BufMut& b) {
                         { v.Serialise(b) } -> std::same_as<absl::Status>;
                       }) {
    static_assert(kAlwaysFalse<T>,
                  "T is not serialisable: it has no `absl::Status Serialise(kompact::BufMut&) const`");
  } else {
    static_assert(kAlwaysFalse<T>,
                  "T is not serialisable: it has no `static absl::StatusOr<T> "
                  "Deserialise(kompact::Buf&)`");
  }
  return false;
}

// True if S serialises T; otherwise a static_assert says what is missing.
template <typename S, typename T>
constexpr bool CheckSerialiser() {
  if constexpr (Serialiser<S, T>) {
    return true;
  } else if constexpr (NoDefault<S>) {
    return ExplainInClass<T>();
  } else if constexpr (!HasSerId<S>) {
    static_assert(kAlwaysFalse<S>, "serialiser S has no `static constexpr kompact::SerId kSerId`");
    return false;
  } else if constexpr (!SerIdTyped<S>) {
    static_assert(kAlwaysFalse<S>, "S::kSerId must have type kompact::SerId (use kompact::MakeSerId<N>())");
    return false;
  } else if constexpr (!requires(const T& v) {
                         { S::SizeHint(v) } -> std::convertible_to<size_t>;
                       }) {
    static_assert(kAlwaysFalse<S>, "serialiser S has no `static size_t SizeHint(const T&)`");
    return false;
  } else {
    static_assert(kAlwaysFalse<S>,
                  "serialiser S has no `static absl::Status Serialise(const T&, kompact::BufMut&)`");
    return false;
  }
}

// True if D deserialises T; otherwise a static_assert says what is missing.
template <typename D, typename T>
constexpr bool CheckDeserialiser() {
  if constexpr (Deserialiser<D, T>) {
    return true;
  } else if constexpr (NoDefault<D>) {
    return ExplainInClass<T>();
  } else if constexpr (!HasSerId<D>) {
    static_assert(kAlwaysFalse<D>, "deserialiser D has no `static constexpr kompact::SerId kSerId`");
    return false;
  } else if constexpr (!SerIdTyped<D>) {
    static_assert(kAlwaysFalse<D>, "D::kSerId must have type kompact::SerId (use kompact::MakeSerId<N>())");
    return false;
  } else {
    static_assert(kAlwaysFalse<D>,
                  "deserialiser D has no `static absl::StatusOr<T> Deserialise(kompact::Buf&)`");
    return false;
  }
}

template <typename T>
constexpr bool CheckMessageValue() {
  static_assert(MessageValue<T>,
                "a message must be a movable object type that owns its data: not a pointer, "
                "reference, array, const or volatile type");
  return MessageValue<T>;
}

}  // namespace serialisation_internal
}  // namespace kompact

#endif  // KOMPACT_SERIALISATION_SERIALISER_TRAITS_H_
