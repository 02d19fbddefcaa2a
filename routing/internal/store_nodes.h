// The nodes of ActorStore's versions: the path trie (TrieNode, children in a HAMT
// keyed by segment), the id map, and the registered targets. All immutable once
// published; see routing/actor_store.h for the scheme.
#ifndef KOMPACT_ROUTING_INTERNAL_STORE_NODES_H_
#define KOMPACT_ROUTING_INTERNAL_STORE_NODES_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/uuid.h"
#include "routing/internal/hamt.h"
#include "runtime/actor_path.h"
#include "runtime/component_core.h"
#include "runtime/internal/core_refs.h"
#include "runtime/routing_policy.h"

namespace kompact::routing_internal {

// A component registered at a path. The weak reference keeps the component's
// memory (not its definition) while any version can reach the target.
struct Target {
  explicit Target(ComponentCore* core) : ref(core) {}
  ComponentCore* core() const { return ref.get(); }
  runtime_internal::WeakCoreRef ref;
};

struct TrieNode;

struct ChildEntry {
  uint64_t hash;
  TrieNode* node;
};
struct ChildTraits {
  static uint64_t Hash(const ChildEntry& e) { return e.hash; }
  static bool SameKey(const ChildEntry& a, const ChildEntry& b);
};
using ChildMap = Hamt<ChildEntry, ChildTraits>;

struct IdEntry {
  Uuid id;
  Target* target;
};
inline uint64_t IdHash(const Uuid& id) {
  return StableHashMix(id.high() ^ (id.low() * 0x9E3779B97F4A7C15ULL));
}
struct IdTraits {
  static uint64_t Hash(const IdEntry& e) { return IdHash(e.id); }
  static bool SameKey(const IdEntry& a, const IdEntry& b) { return a.id == b.id; }
};
using IdMap = Hamt<IdEntry, IdTraits>;

// The components registered anywhere below a trie node, computed on the first
// routed message to that node version and kept with it (a version never changes).
struct MemberList {
  std::vector<ComponentCore*> members;
};

struct TrieNode {
  TrieNode(std::string s, uint64_t h, uint64_t parent_full_hash, uint64_t b)
      : segment(std::move(s)), hash(h), full_hash(CombineSegmentHash(parent_full_hash, h)), batch(b) {}
  // The root.
  explicit TrieNode(uint64_t b) : hash(0), full_hash(kEmptySegmentsHash), batch(b) {}
  // A copy for batch `b` (without the member cache).
  TrieNode(const TrieNode& other, uint64_t b)
      : segment(other.segment),
        hash(other.hash),
        full_hash(other.full_hash),
        batch(b),
        path(other.path),
        target(other.target),
        policy(other.policy),
        children(other.children),
        child_count(other.child_count) {}
  TrieNode(const TrieNode&) = delete;
  TrieNode& operator=(const TrieNode&) = delete;
  ~TrieNode() { delete members.load(std::memory_order_relaxed); }

  bool empty() const { return target == nullptr && policy == nullptr && children == nullptr; }

  std::string segment;                          // the key in the parent ("" for the root)
  uint64_t hash;                                // PathSegmentHash(segment)
  uint64_t full_hash;                           // ActorPath::segments_hash() of the path to this node
  uint64_t batch;                               // the write batch that created this node
  ActorPath path;                               // the registered path, while there is a target or policy
  Target* target = nullptr;                     // a registered component, or
  std::shared_ptr<const RoutingPolicy> policy;  // a routing policy, or neither
  ChildMap::Node* children = nullptr;
  size_t child_count = 0;
  mutable std::atomic<MemberList*> members{nullptr};
};

inline bool ChildTraits::SameKey(const ChildEntry& a, const ChildEntry& b) {
  return a.node->segment == b.node->segment;
}

// The index of every trie node with a target or policy by the hash of its whole
// path, so that a lookup costs one HAMT walk instead of one per segment.
struct NamedEntry {
  uint64_t hash;  // TrieNode::full_hash
  TrieNode* node;
};
struct NamedTraits {
  static uint64_t Hash(const NamedEntry& e) { return e.hash; }
  static bool SameKey(const NamedEntry& a, const NamedEntry& b) {
    return a.node->path.SegmentsEqual(b.node->path, a.node->path.segments().size());
  }
};
using NamedIndex = Hamt<NamedEntry, NamedTraits>;

// One published state of the store.
struct Version {
  TrieNode* root = nullptr;
  NamedIndex::Node* named = nullptr;  // the nodes of `root` with a value, by path hash
  IdMap::Node* ids = nullptr;
  size_t id_count = 0;
  size_t named_count = 0;  // targets and policies in the trie
};

}  // namespace kompact::routing_internal

#endif  // KOMPACT_ROUTING_INTERNAL_STORE_NODES_H_
