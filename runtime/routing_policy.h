// Routing policies (FEATURES.md P4): how a message sent to a group path reaches
// the group's members. A group is the set of components registered anywhere below
// a node of the named-path tree; `…/group/*` broadcasts to it and `…/group/?`
// selects one member, by the policy set on the node with
// KompactSystem::SetRoutingPolicy (or, when the implicit-routes build flag is on,
// by the default policies on any node). The built-in policies (broadcast,
// round-robin, random, hash of sender or of a field) are in routing/policies.h.
//
// A custom policy implements Route(group, message) and says which markers it
// serves. Route runs on the sending thread, concurrently for many messages: keep
// it const and thread-safe (atomics for state, as RoundRobinRouting does).
//
// Thread-safety: a RoutingGroup is valid only during the Route call that receives
// it; RoutingPolicy objects are shared (std::shared_ptr<const RoutingPolicy>).
#ifndef KOMPACT_RUNTIME_ROUTING_POLICY_H_
#define KOMPACT_RUNTIME_ROUTING_POLICY_H_

#include <cstddef>
#include <span>
#include <string_view>

#include "runtime/net_message.h"

namespace kompact {

class ComponentCore;
class DispatcherContext;

// The members of a group for one routed message (never empty when given to Route).
class RoutingGroup {
 public:
  // Made by the dispatcher for one message; `context` delivers to the members.
  RoutingGroup(std::span<ComponentCore* const> members, const DispatcherContext& context)
      : members_(members), context_(&context) {}

  // The number of members.
  size_t size() const { return members_.size(); }
  // Delivers `message` to member `index` (< size()); a member that died meanwhile
  // makes it a dead letter. Returns false then.
  bool Deliver(size_t index, NetMessage message) const;
  // Delivers a copy (NetMessage::TryClone) to every member and the original to the
  // last; a payload that cannot be copied is a dead letter for that member.
  void Broadcast(NetMessage message) const;

 private:
  std::span<ComponentCore* const> members_;
  const DispatcherContext* context_;
};

// How a message sent to a group path reaches the group's members (see the file
// comment). Subclass it for a custom policy; the built-in ones are in routing/policies.h.
class RoutingPolicy {
 public:
  virtual ~RoutingPolicy() = default;
  // Whether the policy serves `…/*` (broadcasts) and `…/?` (selects). Sending to the
  // policy's own path (no marker) uses it either way.
  virtual bool broadcasts() const = 0;
  virtual bool selects() const = 0;  // Whether the policy serves `…/?` (see broadcasts()).
  // Routes `message` to members of `group` (group.size() >= 1).
  virtual void Route(const RoutingGroup& group, NetMessage message) const = 0;
  // For logs ("round-robin").
  virtual std::string_view name() const = 0;
};

}  // namespace kompact

#endif  // KOMPACT_RUNTIME_ROUTING_POLICY_H_
