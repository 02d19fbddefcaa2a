// The built-in routing policies (FEATURES.md P4; Kompact's routing::groups):
//
//   BroadcastRouting    `*`: a copy to every member (the default for `…/*`)
//   RoundRobinRouting   `?`: members in turn; exact over any n x size() messages
//   RandomRouting       `?`: a uniformly random member (seeded; Kompact has none)
//   SenderHashRouting   `?`: by a stable hash of the sender's path, so one sender
//                       always reaches the same member while the group is
//                       unchanged (the default for `…/?`)
//   FieldHashRouting    `?`: by a stable hash of any key of the message, e.g. a
//                       field of the payload (HashOfPayload) or of the NetMessage
//
//   system.SetRoutingPolicy(RoundRobinRouting(), "servers");      // …/servers, …/servers/?
//   system.SetRoutingPolicy(FieldHashRouting(HashOfPayload<Order>(
//       [](const Order& o) { return o.customer_id; })), "shards");
//
// Hashes are StableHashMix/StableHashBytes (runtime/actor_path.h): the same in
// every process, so every system picks the same member for the same key. The
// member order is the lookup table's (stable while the group does not change);
// a change of membership reassigns hash buckets, as in Kompact.
//
// Thread-safety: all policies are safe to use from many threads at once (Route is
// const; state is atomic). Copying a policy copies its current state.
#ifndef KOMPACT_ROUTING_POLICIES_H_
#define KOMPACT_ROUTING_POLICIES_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "runtime/actor_path.h"
#include "runtime/net_message.h"
#include "runtime/routing_policy.h"
#include "serialisation/net_data.h"
#include "serialisation/serialisable.h"

namespace kompact {

// Delivers every message to every member of the group (RoutingGroup::Broadcast).
class BroadcastRouting final : public RoutingPolicy {
 public:
  // True: serves `…/*`.
  bool broadcasts() const override { return true; }
  // False: does not serve `…/?`.
  bool selects() const override { return false; }
  // A copy of `message` to every member, the original to the last.
  void Route(const RoutingGroup& group, NetMessage message) const override {
    group.Broadcast(std::move(message));
  }
  // "broadcast" (for logs).
  std::string_view name() const override { return "broadcast"; }
};

// Base of policies that deliver each message to one member.
class SelectRouting : public RoutingPolicy {
 public:
  // False: does not serve `…/*`.
  bool broadcasts() const final { return false; }
  // True: serves `…/?`.
  bool selects() const final { return true; }
  // Delivers `message` to the member Select picks (an index out of range is taken
  // modulo the group size).
  void Route(const RoutingGroup& group, NetMessage message) const final {
    const size_t index = Select(message, group.size());
    group.Deliver(index < group.size() ? index : index % group.size(), std::move(message));
  }
  // The member (index < members) that gets `message`; members >= 1.
  virtual size_t Select(const NetMessage& message, size_t members) const = 0;
};

// Selects the members in turn: message k (from 0) goes to member (start + k) modulo
// the group size.
class RoundRobinRouting final : public SelectRouting {
 public:
  // Starts at member `start` (mod the group size).
  explicit RoundRobinRouting(uint64_t start = 0) : next_(start) {}
  // Continues from where `other` is now.
  RoundRobinRouting(const RoundRobinRouting& other) : next_(other.next_.load(std::memory_order_relaxed)) {}
  // The next member in turn (one atomic increment).
  size_t Select(const NetMessage&, size_t members) const override {
    return static_cast<size_t>(next_.fetch_add(1, std::memory_order_relaxed) % members);
  }
  // "round-robin" (for logs).
  std::string_view name() const override { return "round-robin"; }

 private:
  mutable std::atomic<uint64_t> next_;
};

// Selects a uniformly random member per message (a splitmix64 sequence).
class RandomRouting final : public SelectRouting {
 public:
  // A fixed seed gives a reproducible sequence (from one sending thread).
  explicit RandomRouting(uint64_t seed);
  // Seeded from the calling thread's Uuid generator (Uuid::Random()): random, and
  // fixed by the seed inside a simulation (testing/sim).
  RandomRouting();
  // Continues from `other`'s current state (both then draw the same sequence).
  RandomRouting(const RandomRouting& other) : state_(other.state_.load(std::memory_order_relaxed)) {}
  // A uniformly random member (one atomic add per call).
  size_t Select(const NetMessage&, size_t members) const override;
  // "random" (for logs).
  std::string_view name() const override { return "random"; }

 private:
  mutable std::atomic<uint64_t> state_;  // splitmix64
};

// Selects the member a stable hash of a key of the message gives (the key: any
// function of the NetMessage, e.g. HashOfPayload).
class FieldHashRouting : public SelectRouting {
 public:
  // key(message) -> any 64-bit key; it is mixed with StableHashMix.
  using KeyFn = std::function<uint64_t(const NetMessage&)>;
  // Routes by `key`; `name` is what name() returns.
  explicit FieldHashRouting(KeyFn key, std::string name = "field-hash")
      : key_(std::move(key)), name_(std::move(name)) {}
  // Member StableHashMix(key(message)) mod `members`.
  size_t Select(const NetMessage& message, size_t members) const override {
    return static_cast<size_t>(StableHashMix(key_(message)) % members);
  }
  // The name given at construction (for logs).
  std::string_view name() const override { return name_; }

 private:
  KeyFn key_;
  std::string name_;
};

// Selects by a stable hash of the sender's path (ActorPath::StableHash), so one
// sender always reaches the same member while the group is unchanged; named
// "sender-hash".
class SenderHashRouting final : public FieldHashRouting {
 public:
  SenderHashRouting()
      : FieldHashRouting([](const NetMessage& m) { return m.sender().StableHash(); }, "sender-hash") {}
};

// A FieldHashRouting key reading a field of the payload, a T (read with D if the
// payload is serialised; a boxed T is read in place). Messages whose payload is not
// a T (or cannot be read) hash as `fallback`.
//   field(const T&) -> uint64_t | integral | std::string | ActorPath
template <typename T, typename D = DefaultSerialiser<T>, typename F>
FieldHashRouting::KeyFn HashOfPayload(F field, uint64_t fallback = 0) {
  return [field = std::move(field), fallback](const NetMessage& message) -> uint64_t {
    auto key = [&](const T& value) -> uint64_t {
      using K = std::remove_cvref_t<std::invoke_result_t<const F&, const T&>>;
      const K& k = field(value);
      if constexpr (std::is_integral_v<K>) {
        return static_cast<uint64_t>(k);
      } else if constexpr (std::is_same_v<K, ActorPath>) {
        return k.StableHash();
      } else {
        return StableHashBytes(std::string_view(k));
      }
    };
    // Reading does not change the data; NetData's accessors are not const.
    NetData& data = const_cast<NetData&>(message.data());
    if (const T* boxed = data.BoxedAs<T>()) return key(*boxed);
    if (data.ser_id() != D::kSerId || !data.is_serialised()) return fallback;
    absl::StatusOr<Buf> reader = data.Reader();
    if (!reader.ok()) return fallback;
    absl::StatusOr<T> value = DeserialiseAll<T, D>(*reader);
    return value.ok() ? key(*value) : fallback;
  };
}

// The policies used for `*` and `?` on nodes without one (implicit routes); each
// lives as long as the process:
const RoutingPolicy& DefaultBroadcastPolicy();  // for `*`: a BroadcastRouting
const RoutingPolicy& DefaultSelectPolicy();     // for `?`: a SenderHashRouting

}  // namespace kompact

#endif  // KOMPACT_ROUTING_POLICIES_H_
