// MatchDeser: dispatch a NetData on its SerId to typed handlers (FEATURES.md S6;
// Kompact's match_deser! macro), without macros:
//
//   auto result = MatchDeser(
//       On<Ping>([&](Ping p) { return Handle(p); }),                // DefaultSerialiser<Ping>
//       On<Pong, PongSerialiser>([&](Pong p) { return Handle(p); }),
//       OnError([&](const absl::Status& error) { return Fail(error); }),
//       OnDefault([&](NetData& unknown) { return Unhandled(unknown); }))
//       .Match(data);
//
// For the arm whose deserialiser's SerId equals data.ser_id():
//   - a boxed value of exactly the arm's type is moved out and handed over: the local
//     path, tried first, produces no bytes at all;
//   - a box of another type with that SerId is serialised and read back with the arm's
//     deserialiser (the SerId promises the same wire format);
//   - serialised bytes are deserialised (they must be consumed exactly).
// If that fails, the error arm gets the status (naming the type and SerId). If no arm
// has the SerId, the default arm gets the untouched NetData (e.g. to forward it).
//
// Rules, all checked at compile time: at least one On arm; exactly one OnError and one
// OnDefault arm; no two On arms with the same SerId (the diagnostic names the id); all
// arms return the same type (possibly void), which Match returns. OnError handlers take
// `const absl::Status&` (or nothing), OnDefault handlers `NetData&` (or nothing).
//
// A matcher may be built once and kept (Match can be called many times). Match takes
// the data by reference: a handled boxed value is moved out (the data becomes empty),
// serialised data is left in place.
//
// Thread-safety: a matcher is as thread-safe as its handlers; Match on one NetData from
// one thread at a time.
#ifndef KOMPACT_SERIALISATION_MATCH_DESER_H_
#define KOMPACT_SERIALISATION_MATCH_DESER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "serialisation/net_data.h"
#include "serialisation/ser_id.h"
#include "serialisation/serialisable.h"

namespace kompact {

namespace match_deser_internal {

enum class ArmKind { kOn, kError, kDefault };

template <typename T, typename D, typename F>
struct OnArm {
  static constexpr ArmKind kKind = ArmKind::kOn;
  static constexpr SerId kSerId = D::kSerId;
  using Type = T;
  using Deser = D;
  using Result = std::invoke_result_t<F&, T&&>;
  F fn;
};

template <typename F>
struct ErrorArm {
  static constexpr ArmKind kKind = ArmKind::kError;
  static constexpr bool kTakesStatus = std::is_invocable_v<F&, const absl::Status&>;
  using Result = typename std::conditional_t<kTakesStatus, std::invoke_result<F&, const absl::Status&>,
                                             std::invoke_result<F&>>::type;
  F fn;
};

template <typename F>
struct DefaultArm {
  static constexpr ArmKind kKind = ArmKind::kDefault;
  static constexpr bool kTakesData = std::is_invocable_v<F&, NetData&>;
  using Result =
      typename std::conditional_t<kTakesData, std::invoke_result<F&, NetData&>, std::invoke_result<F&>>::type;
  F fn;
};

template <typename Arm>
inline constexpr bool kIsOn = Arm::kKind == ArmKind::kOn;

template <typename... Arms>
constexpr size_t CountKind(ArmKind kind) {
  return ((Arms::kKind == kind ? 1 : 0) + ... + 0);
}

template <typename Arm>
constexpr bool IsOnArmWithId(SerId id) {
  if constexpr (kIsOn<Arm>) {
    return Arm::kSerId == id;
  } else {
    return false;
  }
}

template <typename... Arms>
constexpr size_t CountOnArmsWithId(SerId id) {
  return ((IsOnArmWithId<Arms>(id) ? 1 : 0) + ... + 0);
}

// Instantiated once per On arm; the failing instantiation shows the duplicated id.
template <uint64_t kDuplicatedSerId, size_t kArmsWithThisSerId>
struct CheckUniqueArmSerId {
  static_assert(kArmsWithThisSerId == 1,
                "MatchDeser: two On<> arms have the same SerId (kDuplicatedSerId in the "
                "instantiation above); each SerId may be matched by one arm only");
  static constexpr bool value = true;
};

template <typename Arm, typename... Arms>
constexpr bool CheckArm() {
  if constexpr (kIsOn<Arm>) {
    return CheckUniqueArmSerId<Arm::kSerId, CountOnArmsWithId<Arms...>(Arm::kSerId)>::value;
  } else {
    return true;
  }
}

template <typename First, typename... Rest>
struct FirstOf {
  using type = First;
};

template <typename... Arms>
using ResultOf = typename FirstOf<Arms...>::type::Result;

template <ArmKind kKind, size_t I, typename... Arms>
constexpr size_t IndexOfKind() {
  if constexpr (I == sizeof...(Arms)) {
    return I;
  } else if constexpr (std::tuple_element_t<I, std::tuple<Arms...>>::kKind == kKind) {
    return I;
  } else {
    return IndexOfKind<kKind, I + 1, Arms...>();
  }
}

}  // namespace match_deser_internal

// An arm for T, deserialised with D (default: DefaultSerialiser<T>). `fn` takes a T
// (by value or T&&).
template <typename T, typename D = DefaultSerialiser<T>, typename F>
auto On(F&& fn) {
  if constexpr (serialisation_internal::CheckMessageValue<T>() &&
                serialisation_internal::CheckDeserialiser<D, T>()) {
    static_assert(std::is_invocable_v<std::decay_t<F>&, T&&>,
                  "On<T>(fn): fn must be callable with a T (by value or T&&)");
    return match_deser_internal::OnArm<T, D, std::decay_t<F>>{std::forward<F>(fn)};
  }
}

// The arm for data whose deserialisation failed: fn(const absl::Status&) or fn().
template <typename F>
auto OnError(F&& fn) {
  static_assert(
      std::is_invocable_v<std::decay_t<F>&, const absl::Status&> || std::is_invocable_v<std::decay_t<F>&>,
      "OnError(fn): fn must be callable with a const absl::Status& or nothing");
  return match_deser_internal::ErrorArm<std::decay_t<F>>{std::forward<F>(fn)};
}

// The arm for a SerId no On arm matches: fn(NetData&) or fn().
template <typename F>
auto OnDefault(F&& fn) {
  static_assert(std::is_invocable_v<std::decay_t<F>&, NetData&> || std::is_invocable_v<std::decay_t<F>&>,
                "OnDefault(fn): fn must be callable with a NetData& or nothing");
  return match_deser_internal::DefaultArm<std::decay_t<F>>{std::forward<F>(fn)};
}

// The matcher MatchDeser builds from its arms (see the file comment); may be kept and
// reused.
template <typename... Arms>
class DeserMatcher {
  using Internal = std::tuple<Arms...>;
  static constexpr size_t kErrorIndex =
      match_deser_internal::IndexOfKind<match_deser_internal::ArmKind::kError, 0, Arms...>();
  static constexpr size_t kDefaultIndex =
      match_deser_internal::IndexOfKind<match_deser_internal::ArmKind::kDefault, 0, Arms...>();

 public:
  // What every arm returns, and so Match (possibly void).
  using Result = match_deser_internal::ResultOf<Arms...>;

  static_assert(match_deser_internal::CountKind<Arms...>(match_deser_internal::ArmKind::kOn) >= 1,
                "MatchDeser needs at least one On<T>(...) arm");
  static_assert(match_deser_internal::CountKind<Arms...>(match_deser_internal::ArmKind::kError) == 1,
                "MatchDeser needs exactly one OnError(...) arm");
  static_assert(match_deser_internal::CountKind<Arms...>(match_deser_internal::ArmKind::kDefault) == 1,
                "MatchDeser needs exactly one OnDefault(...) arm");
  static_assert((std::is_same_v<typename Arms::Result, Result> && ...),
                "MatchDeser: every arm's handler must return the same type");
  static_assert((match_deser_internal::CheckArm<Arms, Arms...>() && ...));

  // Takes the arms; the rules of the file comment are checked at compile time.
  explicit DeserMatcher(Arms... arms) : arms_(std::move(arms)...) {}

  // Runs the arm for `data` (see the file comment) and returns its result.
  Result Match(NetData& data) { return MatchImpl(data, std::index_sequence_for<Arms...>{}); }
  Result Match(NetData&& data) { return Match(data); }

 private:
  template <size_t... I>
  Result MatchImpl(NetData& data, std::index_sequence<I...>) {
    const SerId id = data.ser_id();
    if constexpr (std::is_void_v<Result>) {
      const bool matched = (TryArm<I>(id, data) || ...);
      if (!matched) RunDefault(data);
    } else {
      std::optional<Result> result;
      const bool matched = (TryArm<I>(id, data, result) || ...);
      if (!matched) return RunDefault(data);
      return std::move(*result);
    }
  }

  // void result
  template <size_t I>
  bool TryArm(SerId id, NetData& data) {
    using Arm = std::tuple_element_t<I, Internal>;
    if constexpr (match_deser_internal::kIsOn<Arm>) {
      if (id != Arm::kSerId) return false;
      RunOn<I>(data);
      return true;
    } else {
      return false;
    }
  }
  // non-void result
  template <size_t I, typename R>
  bool TryArm(SerId id, NetData& data, std::optional<R>& result) {
    using Arm = std::tuple_element_t<I, Internal>;
    if constexpr (match_deser_internal::kIsOn<Arm>) {
      if (id != Arm::kSerId) return false;
      result.emplace(RunOn<I>(data));
      return true;
    } else {
      return false;
    }
  }

  template <size_t I>
  Result RunOn(NetData& data) {
    using Arm = std::tuple_element_t<I, Internal>;
    using T = typename Arm::Type;
    auto& arm = std::get<I>(arms_);
    if (T* boxed = data.template BoxedAs<T>()) {  // the local path: no bytes
      T value(std::move(*boxed));
      data.Reset();
      return std::invoke(arm.fn, std::move(value));
    }
    absl::StatusOr<T> value = data.template TryDeserialiseUnchecked<T, typename Arm::Deser>();
    if (!value.ok()) return RunError(value.status());
    return std::invoke(arm.fn, std::move(*value));
  }

  Result RunError(const absl::Status& error) {
    auto& arm = std::get<kErrorIndex>(arms_);
    if constexpr (std::remove_reference_t<decltype(arm)>::kTakesStatus) {
      return std::invoke(arm.fn, error);
    } else {
      return std::invoke(arm.fn);
    }
  }

  Result RunDefault(NetData& data) {
    auto& arm = std::get<kDefaultIndex>(arms_);
    if constexpr (std::remove_reference_t<decltype(arm)>::kTakesData) {
      return std::invoke(arm.fn, data);
    } else {
      return std::invoke(arm.fn);
    }
  }

  Internal arms_;
};

// Builds a matcher from arms: MatchDeser(On<A>(...), ..., OnError(...), OnDefault(...)).
template <typename... Arms>
auto MatchDeser(Arms&&... arms) {
  return DeserMatcher<std::decay_t<Arms>...>(std::forward<Arms>(arms)...);
}

}  // namespace kompact

#endif  // KOMPACT_SERIALISATION_MATCH_DESER_H_
