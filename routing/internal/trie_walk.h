// The walks through ActorStore's path trie (routing/internal/store_nodes.h), the
// only code that goes from a trie node to its children: WalkPath follows the
// segments of a path down from a node (FindNode is its read-only use), WalkBelow
// visits every node below a node depth first. Callbacks are template parameters,
// so the lookup path stays inline and allocation-free (no std::function).
//
// Thread-safety: a walk that only reads may run on a published version from any
// thread inside an EpochDomain::ReadGuard; a walk whose callbacks change nodes runs
// under the store's writer mutex, on nodes that no reader can reach (the working
// version of a write, or a tree being freed).
// Lifetime: the nodes handed to callbacks are those of the walked tree; a walk keeps
// no state of its own.
#ifndef KOMPACT_ROUTING_INTERNAL_TRIE_WALK_H_
#define KOMPACT_ROUTING_INTERNAL_TRIE_WALK_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "routing/internal/store_nodes.h"

namespace kompact::routing_internal {

// Whether two segments are equal. Segments are short: an inline compare beats a call
// to memcmp on the lookup path.
inline bool SameSegment(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  size_t n = a.size();
  for (; n >= 8; n -= 8, p += 8, q += 8) {
    uint64_t x;
    uint64_t y;
    std::memcpy(&x, p, 8);
    std::memcpy(&y, q, 8);
    if (x != y) return false;
  }
  for (; n > 0; --n, ++p, ++q) {
    if (*p != *q) return false;
  }
  return true;
}

// The ChildMap key predicate of the child named `segment` (for Find and Erase).
inline auto SegmentIs(std::string_view segment) {
  return [segment](const ChildEntry& e) { return SameSegment(e.node->segment, segment); };
}

// Walks down `segments` (with their PathSegmentHash values, `hashes`) from `node`.
// For each segment i in turn: next = step(i, current node, the current node's child
// entry for segments[i] or nullptr); the walk stops early when step returns nullptr.
// Returns the node reached after the last segment (`node` for no segments), or
// nullptr if the walk stopped early. NodePtr is TrieNode* or const TrieNode*.
template <typename NodePtr, typename Step>
inline NodePtr WalkPath(NodePtr node, std::span<const std::string> segments, std::span<const uint64_t> hashes,
                        Step&& step) {
  for (size_t i = 0; i < segments.size() && node != nullptr; ++i) {
    const ChildEntry* e = ChildMap::Find(node->children, hashes[i], SegmentIs(segments[i]));
    node = step(i, node, e);
  }
  return node;
}

// The node at `segments` below `root`, or nullptr.
inline const TrieNode* FindNode(const TrieNode* root, std::span<const std::string> segments,
                                std::span<const uint64_t> hashes) {
  return WalkPath(root, segments, hashes,
                  [](size_t, const TrieNode*, const ChildEntry* e) -> const TrieNode* {
                    return e != nullptr ? e->node : nullptr;
                  });
}

// Visits every node strictly below `node`, depth first (children in ChildMap
// order): enter(child) before the child's subtree, leave(child) after it. leave may
// free the child and its child map; the walk does not touch them afterwards.
template <typename Enter, typename Leave>
void WalkBelow(const TrieNode* node, Enter&& enter, Leave&& leave) {
  ChildMap::ForEach(node->children, [&](const ChildEntry& e) {
    enter(e.node);
    WalkBelow(e.node, enter, leave);
    leave(e.node);
  });
}

// A WalkBelow callback that does nothing.
inline void Skip(const TrieNode*) {}

}  // namespace kompact::routing_internal

#endif  // KOMPACT_ROUTING_INTERNAL_TRIE_WALK_H_
