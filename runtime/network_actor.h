// Receiving path-addressed messages (FEATURES.md A1, A6).
//
// A component registered at a path (KompactSystem::Register/RegisterByAlias) gets
// the messages sent to that path in one of two ways.
//
// 1. `HandlerResult ReceiveNetwork(NetMessage)`: the raw message (sender, receiver,
//    payload as NetData); decode it with MatchDeser (serialisation/match_deser.h).
//    Works next to an actor's ReceiveLocal, or alone (no actor message type).
//
// 2. A network actor: one message type M with a deserialiser D, handled the same way
//    whether it came through an ActorRef or a path (Kompact's NetworkActor):
//
//      class Bootstrap : public ComponentDefinition<Bootstrap>, public NetworkActor<CheckIn> {
//       public:
//        HandlerResult Receive(std::optional<ActorPath> sender, CheckIn msg);  // nullopt: local ref
//        HandlerResult OnError(absl::Status error);   // optional; default: log a warning
//      };
//
//    A path message whose payload is a boxed M is handed over as is (no
//    serialisation); bytes are read with D; a payload with another SerId, or bytes
//    D cannot read, go to OnError.
//
// Defining both ReceiveNetwork and NetworkActor, a NetworkActor without Receive, or
// registering a component that has neither, are compile errors.
//
// Thread-safety: ReceiveNetwork, Receive and OnError are handlers like any other:
// they run on the component's thread, never concurrently with its other handlers.
// Lifetime: the NetMessage (and its boxed value) is owned by the handler call.
#ifndef KOMPACT_RUNTIME_NETWORK_ACTOR_H_
#define KOMPACT_RUNTIME_NETWORK_ACTOR_H_

#include <type_traits>

#include "runtime/net_message.h"
#include "runtime/never.h"
#include "serialisation/serialisable.h"

namespace kompact {

// Mixin declaring a network actor's message type M and its deserialiser D.
template <typename M, typename D = DefaultSerialiser<M>>
struct NetworkActor {
  static_assert(!std::is_same_v<M, Never>, "a NetworkActor needs a real message type");
  static_assert(serialisation_internal::CheckMessageValue<M>());
  static_assert(serialisation_internal::CheckDeserialiser<D, M>());
  using Message = M;              // The message type Receive takes.
  using NetworkDeserialiser = D;  // Reads M from a path message's bytes.
};

}  // namespace kompact

#endif  // KOMPACT_RUNTIME_NETWORK_ACTOR_H_
