// PeerTable: the map from a remote system to its Peer (the outbound queue and the
// connection state of that system), read lock-free by every sending thread.
//
// Peers are never removed while the table lives (a peer's state returns to idle
// instead), so a reader may keep a Peer* for as long as the table exists. Lookups
// probe an open-addressing array with acquire loads; insertion takes a mutex and
// publishes the peer with a release store; when the array is half full a twice as
// large one is built and published, and the old one is kept until destruction (a
// reader may still be probing it).
//
// Thread-safety: Find and FindOrCreate from any thread. Lifetime: Peers are owned
// by the table and live as long as it does.
#ifndef KOMPACT_NET_PEER_TABLE_H_
#define KOMPACT_NET_PEER_TABLE_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "net/peer.h"
#include "runtime/actor_path.h"

namespace kompact::net {

// The peers of one system, by remote system (see the file comment).
class PeerTable {
 public:
  PeerTable();
  PeerTable(const PeerTable&) = delete;
  PeerTable& operator=(const PeerTable&) = delete;
  ~PeerTable();

  // The peer of `system` (compared by address and port: the key's transport is
  // always tcp), or nullptr.
  Peer* Find(const SystemPath& system) const;
  // The peer of `system`, created if there is none. Each thread remembers the last
  // (table, system, peer) it got, so a stream of messages to one system costs a
  // few word compares instead of hashing and probing.
  Peer& FindOrCreate(const SystemPath& system);
  // Calls `f` for every peer (network thread: peers are created on other threads
  // too, so a peer created concurrently may be missed).
  void ForEach(absl::FunctionRef<void(Peer&)> f) const;
  // The number of peers (takes the insertion lock).
  size_t size() const;

  // The key under which `system` is stored.
  static SystemPath KeyOf(const SystemPath& system) { return system.WithTransport(kompact::Transport::kTcp); }

 private:
  struct Array {
    explicit Array(size_t capacity) : mask(capacity - 1), slots(new std::atomic<Peer*>[capacity]) {
      for (size_t i = 0; i < capacity; ++i) slots[i].store(nullptr, std::memory_order_relaxed);
    }
    size_t mask;
    std::unique_ptr<std::atomic<Peer*>[]> slots;
  };
  static Peer* Probe(const Array& array, const SystemPath& key);
  static void Insert(Array& array, Peer* peer);

  Peer& FindOrCreateSlow(const SystemPath& system);

  const uint64_t id_;  // unique in the process, for the per-thread cache
  std::atomic<Array*> current_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Array>> arrays_ ABSL_GUARDED_BY(mu_);  // the current one last
  std::vector<std::unique_ptr<Peer>> peers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kompact::net

#endif  // KOMPACT_NET_PEER_TABLE_H_
