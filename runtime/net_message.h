// NetMessage: a message addressed by actor path (FEATURES.md A1, S5, N5): who sent
// it, where it is going, and its payload as NetData (a lazily boxed value when it
// stayed in this process, or serialised bytes). Components receive it in
// `HandlerResult ReceiveNetwork(NetMessage)`; network actors (runtime/network_actor.h)
// get it already decoded.
//
//   HandlerResult ReceiveNetwork(NetMessage msg) {
//     return MatchDeser(
//         On<Query>([&](Query q) { ...; msg.sender().Tell(Answer{...}, *this); return Handled::kOk; }),
//         OnError([&](const absl::Status& e) -> HandlerResult { return HandlerResult::Benign(e); }),
//         OnDefault([&] { return Handled::kOk; }))
//         .Match(msg.data());
//   }
//
// Thread-safety: a NetMessage has one owner at a time and may move between threads.
#ifndef KOMPACT_RUNTIME_NET_MESSAGE_H_
#define KOMPACT_RUNTIME_NET_MESSAGE_H_

#include <cstdint>
#include <optional>
#include <utility>

#include "absl/status/statusor.h"
#include "runtime/actor_path.h"
#include "serialisation/net_data.h"
#include "serialisation/ser_id.h"
#include "serialisation/serialisable.h"

namespace kompact {

// Identifies the network session (connection incarnation) a message arrived on
// (FEATURES.md N5); messages delivered inside the process have none.
using SessionId = uint64_t;

// A message addressed by actor path (see the file comment).
class NetMessage {
 public:
  // A message from `sender` to `receiver` carrying `data` (no session).
  NetMessage(ActorPath sender, ActorPath receiver, NetData data)
      : sender_(std::move(sender)), receiver_(std::move(receiver)), data_(std::move(data)) {}
  // Movable, not copyable:
  NetMessage(NetMessage&&) noexcept = default;
  NetMessage& operator=(NetMessage&&) noexcept = default;
  NetMessage(const NetMessage&) = delete;  // TryClone()
  NetMessage& operator=(const NetMessage&) = delete;

  // The sender (where replies go) and the receiver (the path as sent, marker included):
  const ActorPath& sender() const { return sender_; }
  const ActorPath& receiver() const { return receiver_; }
  // Replace the sender or the receiver (as ActorPath::Forward does):
  void set_sender(ActorPath sender) { sender_ = std::move(sender); }
  void set_receiver(ActorPath receiver) { receiver_ = std::move(receiver); }
  // Moves the sender out; sender() is unspecified afterwards.
  ActorPath TakeSender() { return std::move(sender_); }

  // The payload's SerId (data().ser_id()).
  SerId ser_id() const { return data_.ser_id(); }
  // The payload: a boxed value or serialised bytes.
  NetData& data() { return data_; }
  const NetData& data() const { return data_; }

  // The session a remote message arrived on; nullopt for local delivery.
  std::optional<SessionId> session() const { return session_; }
  // Set by the network layer when the message arrives.
  void set_session(std::optional<SessionId> session) { session_ = session; }

  // The payload as a T through deserialiser D (a boxed T is moved out without any
  // serialisation); see NetData::TryDeserialise.
  template <typename T, typename D = DefaultSerialiser<T>>
  [[nodiscard]] absl::StatusOr<T> TryDeserialise() {
    return data_.TryDeserialise<T, D>();
  }

  // A copy for another receiver (broadcast): paths are shared, the payload is
  // cloned (see NetData::TryClone: boxed copyable values stay boxed).
  [[nodiscard]] absl::StatusOr<NetMessage> TryClone() const;

 private:
  ActorPath sender_;
  ActorPath receiver_;
  NetData data_;
  std::optional<SessionId> session_;
};

}  // namespace kompact

#endif  // KOMPACT_RUNTIME_NET_MESSAGE_H_
