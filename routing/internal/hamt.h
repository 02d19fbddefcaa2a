// A persistent (immutable, path-copying) hash array mapped trie: the maps of the
// lookup table (child segments of a path-trie node, and component ids).
//
// Nodes are never modified once a version is published. An update copies only the
// nodes on the way from the root to the changed entry (at most 13 levels of 32-way
// fan-out for 64-bit hashes; about 4 for 100,000 entries) and hands the replaced
// ones to the Editor, which frees nodes created by the same write batch at once
// (no reader has seen them) and retires published ones to epoch-based reclamation.
// Lookups walk the nodes without locks, allocation or writes.
//
// Entries are small trivially copyable values (e.g. {hash, pointer}); Traits gives
//   static uint64_t Hash(const Entry&);                  // well mixed, all 64 bits
//   static bool SameKey(const Entry&, const Entry&);
// Entries with equal 64-bit hashes but different keys share a collision node.
// Removal keeps the tree canonical enough: empty nodes disappear and a sub-node
// left with a single entry is folded back into its parent.
//
// Thread-safety: Find/ForEach on any published root from any thread inside an
// EpochDomain::ReadGuard; updates by one writer at a time.
#ifndef KOMPACT_ROUTING_INTERNAL_HAMT_H_
#define KOMPACT_ROUTING_INTERNAL_HAMT_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <optional>
#include <type_traits>

#include "routing/internal/epoch.h"

namespace kompact::routing_internal {

// Decides what happens to nodes replaced by an update (see the file comment).
struct Editor {
  uint64_t batch = 0;  // nodes stamped with this batch are unpublished
  RetireList* retired = nullptr;
};

template <typename Entry, typename Traits>
class Hamt {
  static_assert(std::is_trivially_copyable_v<Entry>, "HAMT entries are copied with memcpy");
  static_assert(alignof(Entry) <= 8 && sizeof(Entry) % 8 == 0, "entries must pack before the child pointers");

 public:
  static constexpr uint32_t kBits = 5;
  static constexpr uint32_t kMaxShift = 64;  // at or beyond: collision node

  struct Node {
    uint32_t datamap = 0;  // slots holding an entry
    uint32_t nodemap = 0;  // slots holding a child node
    uint32_t entry_count = 0;
    uint32_t child_count = 0;
    uint64_t batch = 0;
    bool collision = false;  // entries all share one full hash; no bitmaps

    Entry* entries() { return reinterpret_cast<Entry*>(this + 1); }
    const Entry* entries() const { return reinterpret_cast<const Entry*>(this + 1); }
    Node** children() { return reinterpret_cast<Node**>(entries() + entry_count); }
    Node* const* children() const { return reinterpret_cast<Node* const*>(entries() + entry_count); }
  };
  static_assert(sizeof(Node) % 8 == 0);

  // ---- reading -----------------------------------------------------------------------

  // The entry with `hash` for which eq(entry) holds, or nullptr.
  template <typename Eq>
  static const Entry* Find(const Node* node, uint64_t hash, const Eq& eq) {
    uint32_t shift = 0;
    while (node != nullptr) {
      if (node->collision) {
        for (uint32_t i = 0; i < node->entry_count; ++i) {
          if (Traits::Hash(node->entries()[i]) == hash && eq(node->entries()[i])) return &node->entries()[i];
        }
        return nullptr;
      }
      const uint32_t bit = Bit(hash, shift);
      if ((node->datamap & bit) != 0) {
        const Entry& e = node->entries()[Index(node->datamap, bit)];
        return Traits::Hash(e) == hash && eq(e) ? &e : nullptr;
      }
      if ((node->nodemap & bit) == 0) return nullptr;
      node = node->children()[Index(node->nodemap, bit)];
      shift += kBits;
    }
    return nullptr;
  }

  // Calls f(const Entry&) for every entry, in a deterministic order for a given tree.
  template <typename F>
  static void ForEach(const Node* node, F&& f) {
    if (node == nullptr) return;
    for (uint32_t i = 0; i < node->entry_count; ++i) f(node->entries()[i]);
    for (uint32_t i = 0; i < node->child_count; ++i) ForEach(node->children()[i], f);
  }

  // Calls f(const Node*) for every node (for retiring a whole tree).
  template <typename F>
  static void ForEachNode(const Node* node, F&& f) {
    if (node == nullptr) return;
    for (uint32_t i = 0; i < node->child_count; ++i) ForEachNode(node->children()[i], f);
    f(node);
  }

  // ---- updating ------------------------------------------------------------------------

  // Inserts `entry`, or replaces the entry with the same key (returned in `replaced`).
  // Returns the new root.
  static Node* Assign(Node* root, const Entry& entry, Editor& ed, std::optional<Entry>& replaced) {
    return AssignAt(root, 0, Traits::Hash(entry), entry, ed, replaced);
  }

  // Removes the entry with `hash` for which eq holds (returned in `erased`). Returns
  // the new root (the same root if there is no such entry).
  template <typename Eq>
  static Node* Erase(Node* root, uint64_t hash, const Eq& eq, Editor& ed, std::optional<Entry>& erased) {
    return EraseAt(root, 0, hash, eq, ed, erased);
  }

  static void Free(Node* node) {
    node->~Node();
    ::operator delete(static_cast<void*>(node));
  }
  static void FreeVoid(void* node) { Free(static_cast<Node*>(node)); }

  // Hands `node` (replaced by an update) to the editor.
  static void Dispose(Node* node, Editor& ed) {
    if (node->batch == ed.batch) {
      Free(node);  // never published
    } else {
      ed.retired->Retire(node, &FreeVoid);
    }
  }

 private:
  static uint32_t Bit(uint64_t hash, uint32_t shift) {
    return 1u << static_cast<uint32_t>((hash >> shift) & 31u);
  }
  static uint32_t Index(uint32_t map, uint32_t bit) { return PopCount(map & (bit - 1)); }
  // Without -mpopcnt, std::popcount is a call into libgcc; this inline form is
  // faster on the lookup path.
  static uint32_t PopCount(uint32_t x) {
#if defined(__POPCNT__)
    return static_cast<uint32_t>(__builtin_popcount(x));
#else
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    x = (x + (x >> 4)) & 0x0F0F0F0Fu;
    return (x * 0x01010101u) >> 24;
#endif
  }

  static Node* Allocate(uint32_t entries, uint32_t children, uint64_t batch) {
    void* mem = ::operator new(sizeof(Node) + entries * sizeof(Entry) + children * sizeof(Node*));
    Node* n = ::new (mem) Node();
    n->entry_count = entries;
    n->child_count = children;
    n->batch = batch;
    return n;
  }

  static Node* Single(const Entry& e, uint64_t hash, uint32_t shift, Editor& ed) {
    Node* n = Allocate(1, 0, ed.batch);
    if (shift >= kMaxShift) {
      n->collision = true;
    } else {
      n->datamap = Bit(hash, shift);
    }
    n->entries()[0] = e;
    return n;
  }

  // A node holding `a` and `b` (different keys) at depth `shift`.
  static Node* Pair(const Entry& a, uint64_t ha, const Entry& b, uint64_t hb, uint32_t shift, Editor& ed) {
    if (shift >= kMaxShift) {
      Node* n = Allocate(2, 0, ed.batch);
      n->collision = true;
      n->entries()[0] = a;
      n->entries()[1] = b;
      return n;
    }
    const uint32_t ba = Bit(ha, shift);
    const uint32_t bb = Bit(hb, shift);
    if (ba == bb) {
      Node* n = Allocate(0, 1, ed.batch);
      n->nodemap = ba;
      n->children()[0] = Pair(a, ha, b, hb, shift + kBits, ed);
      return n;
    }
    Node* n = Allocate(2, 0, ed.batch);
    n->datamap = ba | bb;
    n->entries()[Index(n->datamap, ba)] = a;
    n->entries()[Index(n->datamap, bb)] = b;
    return n;
  }

  // A copy of `n` with `bit` changed: `entry` (if given) as its entry and `child` (if
  // given) as its child; the old occupant of `bit` is dropped. Disposes `n`.
  static Node* Rebuild(Node* n, uint32_t bit, const Entry* entry, Node* child, Editor& ed) {
    const uint32_t datamap = entry != nullptr ? (n->datamap | bit) : (n->datamap & ~bit);
    const uint32_t nodemap = child != nullptr ? (n->nodemap | bit) : (n->nodemap & ~bit);
    Node* out = Allocate(PopCount(datamap), PopCount(nodemap), ed.batch);
    out->datamap = datamap;
    out->nodemap = nodemap;
    uint32_t j = 0;
    for (uint32_t b = 0; b < 32; ++b) {
      const uint32_t m = 1u << b;
      if ((datamap & m) == 0) continue;
      out->entries()[j++] = m == bit ? *entry : n->entries()[Index(n->datamap, m)];
    }
    j = 0;
    for (uint32_t b = 0; b < 32; ++b) {
      const uint32_t m = 1u << b;
      if ((nodemap & m) == 0) continue;
      out->children()[j++] = m == bit ? child : n->children()[Index(n->nodemap, m)];
    }
    Dispose(n, ed);
    return out;
  }

  static Node* AssignAt(Node* n, uint32_t shift, uint64_t hash, const Entry& e, Editor& ed,
                        std::optional<Entry>& replaced) {
    if (n == nullptr) return Single(e, hash, shift, ed);
    if (n->collision) {
      const uint32_t count = n->entry_count;
      uint32_t at = count;
      for (uint32_t i = 0; i < count; ++i) {
        if (Traits::SameKey(n->entries()[i], e)) at = i;
      }
      Node* out = Allocate(at == count ? count + 1 : count, 0, ed.batch);
      out->collision = true;
      std::memcpy(static_cast<void*>(out->entries()), n->entries(), count * sizeof(Entry));
      if (at < count) replaced = n->entries()[at];
      out->entries()[at] = e;
      Dispose(n, ed);
      return out;
    }
    const uint32_t bit = Bit(hash, shift);
    if ((n->datamap & bit) != 0) {
      const Entry current = n->entries()[Index(n->datamap, bit)];
      const uint64_t current_hash = Traits::Hash(current);
      if (current_hash == hash && Traits::SameKey(current, e)) {
        replaced = current;
        return Rebuild(n, bit, &e, nullptr, ed);
      }
      Node* sub = Pair(current, current_hash, e, hash, shift + kBits, ed);
      return Rebuild(n, bit, nullptr, sub, ed);
    }
    if ((n->nodemap & bit) != 0) {
      Node* child = n->children()[Index(n->nodemap, bit)];
      Node* updated = AssignAt(child, shift + kBits, hash, e, ed, replaced);
      return Rebuild(n, bit, nullptr, updated, ed);
    }
    return Rebuild(n, bit, &e, nullptr, ed);
  }

  template <typename Eq>
  static Node* EraseAt(Node* n, uint32_t shift, uint64_t hash, const Eq& eq, Editor& ed,
                       std::optional<Entry>& erased) {
    if (n == nullptr) return nullptr;
    if (n->collision) {
      const uint32_t count = n->entry_count;
      uint32_t at = count;
      for (uint32_t i = 0; i < count; ++i) {
        if (Traits::Hash(n->entries()[i]) == hash && eq(n->entries()[i])) at = i;
      }
      if (at == count) return n;
      erased = n->entries()[at];
      if (count == 1) {
        Dispose(n, ed);
        return nullptr;
      }
      Node* out = Allocate(count - 1, 0, ed.batch);
      out->collision = true;
      uint32_t j = 0;
      for (uint32_t i = 0; i < count; ++i) {
        if (i != at) out->entries()[j++] = n->entries()[i];
      }
      Dispose(n, ed);
      return out;
    }
    const uint32_t bit = Bit(hash, shift);
    if ((n->datamap & bit) != 0) {
      const Entry& e = n->entries()[Index(n->datamap, bit)];
      if (Traits::Hash(e) != hash || !eq(e)) return n;
      erased = e;
      if (n->entry_count == 1 && n->child_count == 0) {
        Dispose(n, ed);
        return nullptr;
      }
      return Rebuild(n, bit, nullptr, nullptr, ed);
    }
    if ((n->nodemap & bit) == 0) return n;
    Node* child = n->children()[Index(n->nodemap, bit)];
    Node* updated = EraseAt(child, shift + kBits, hash, eq, ed, erased);
    if (updated == child) return n;
    if (updated == nullptr) {
      if (n->entry_count == 0 && n->child_count == 1) {
        Dispose(n, ed);
        return nullptr;
      }
      return Rebuild(n, bit, nullptr, nullptr, ed);
    }
    if (updated->entry_count == 1 && updated->child_count == 0) {
      // Fold a lone entry back into this node.
      const Entry lone = updated->entries()[0];
      Dispose(updated, ed);
      return Rebuild(n, bit, &lone, nullptr, ed);
    }
    return Rebuild(n, bit, nullptr, updated, ed);
  }
};

}  // namespace kompact::routing_internal

#endif  // KOMPACT_ROUTING_INTERNAL_HAMT_H_
