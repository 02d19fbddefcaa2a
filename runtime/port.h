// Port types (FEATURES.md C1): a port declares the event types that flow each way.
// Requests flow from the side that requires the port to the side that provides it;
// indications flow the other way.
//
//   struct CounterPort : kompact::Port<kompact::Requests<Increment, Reset>,
//                                      kompact::Indications<CountChanged>> {};
//   struct Sink : kompact::Port<kompact::Requests<Item>, kompact::Indications<>> {};
//
// A direction may carry nothing (`Requests<>` or `Requests<Never>`) and, unlike in
// Kompact, several event types. Events must own their data (no raw pointers,
// references or views; share large payloads as std::shared_ptr<const T>) and be
// copyable, because Trigger copies an event for every connected peer but the last.
#ifndef KOMPACT_RUNTIME_PORT_H_
#define KOMPACT_RUNTIME_PORT_H_

#include <concepts>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "runtime/never.h"

namespace kompact {

// A type that can travel as an event or message: owns its data.
template <typename T>
concept OwningValue =
    std::is_object_v<T> && !std::is_pointer_v<T> && !std::is_member_pointer_v<T> && !std::is_const_v<T> &&
    !std::is_volatile_v<T> && !std::is_array_v<T> && !std::is_same_v<T, std::string_view> &&
    !std::is_same_v<T, std::span<const std::byte>> && std::is_destructible_v<T> &&
    std::is_move_constructible_v<T>;

template <typename T>
concept PortEventType = OwningValue<T> && std::is_copy_constructible_v<T>;

namespace runtime_internal {

template <typename T, typename... Ts>
inline constexpr bool kIsOneOf = (std::is_same_v<T, Ts> || ...);

template <typename... Ts>
struct TypeList {
  static constexpr size_t kSize = sizeof...(Ts);
  template <typename T>
  static constexpr bool kContains = kIsOneOf<T, Ts...>;
};

// Drops Never from a list of event types.
template <typename Out, typename... In>
struct WithoutNever;
template <typename... Out>
struct WithoutNever<TypeList<Out...>> {
  using type = TypeList<Out...>;
};
template <typename... Out, typename First, typename... Rest>
struct WithoutNever<TypeList<Out...>, First, Rest...> {
  using type =
      std::conditional_t<std::is_same_v<First, Never>, typename WithoutNever<TypeList<Out...>, Rest...>::type,
                         typename WithoutNever<TypeList<Out..., First>, Rest...>::type>;
};

// The value stored for one event of a direction: the type itself when there is
// one, a std::variant when there are several, Never when there are none.
template <typename List>
struct EventStorage;
template <>
struct EventStorage<TypeList<>> {
  using type = Never;
};
template <typename T>
struct EventStorage<TypeList<T>> {
  using type = T;
};
template <typename T, typename U, typename... Ts>
struct EventStorage<TypeList<T, U, Ts...>> {
  using type = std::variant<T, U, Ts...>;
};

template <typename... Ts>
inline constexpr bool kAllDistinct = true;
template <typename T, typename... Ts>
inline constexpr bool kAllDistinct<T, Ts...> = (!std::is_same_v<T, Ts> && ...) && kAllDistinct<Ts...>;

}  // namespace runtime_internal

// The request types of a port.
template <typename... Ts>
struct Requests {
  // The listed types without Never, as a type list.
  using Events = typename runtime_internal::WithoutNever<runtime_internal::TypeList<>, Ts...>::type;
  static_assert(((std::is_same_v<Ts, Never> || PortEventType<Ts>)&&...),
                "port events must be copyable value types that own their data (no pointers, references "
                "or views)");
  static_assert(runtime_internal::kAllDistinct<Ts...>, "a port direction lists an event type twice");
};

// The indication types of a port.
template <typename... Ts>
struct Indications {
  // The listed types without Never, as a type list.
  using Events = typename runtime_internal::WithoutNever<runtime_internal::TypeList<>, Ts...>::type;
  static_assert(((std::is_same_v<Ts, Never> || PortEventType<Ts>)&&...),
                "port events must be copyable value types that own their data (no pointers, references "
                "or views)");
  static_assert(runtime_internal::kAllDistinct<Ts...>, "a port direction lists an event type twice");
};

// Base of every port type.
template <typename RequestList, typename IndicationList>
struct Port {
  // The request event types (Never removed), as a type list.
  using RequestTypes = typename RequestList::Events;
  // The indication event types (Never removed), as a type list.
  using IndicationTypes = typename IndicationList::Events;
  // What one queued request is stored as: the event type itself if the direction has
  // one, a `std::variant` of them if several, Never if none.
  using RequestStorage = typename runtime_internal::EventStorage<RequestTypes>::type;
  // What one queued indication is stored as (as RequestStorage).
  using IndicationStorage = typename runtime_internal::EventStorage<IndicationTypes>::type;
};

template <typename P>
concept PortType = requires {
  typename P::RequestTypes;
  typename P::IndicationTypes;
  typename P::RequestStorage;
  typename P::IndicationStorage;
};

}  // namespace kompact

#endif  // KOMPACT_RUNTIME_PORT_H_
