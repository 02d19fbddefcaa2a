#include "net/peer_table.h"

#include <atomic>

#include "absl/base/optimization.h"

namespace kompact::net {
namespace {

std::atomic<uint64_t> next_table_id{1};

// The last peer this thread found (tables never remove peers, and an id is never
// reused, so a matching entry points at a live peer).
struct LastPeer {
  uint64_t table = 0;
  SystemPath system;
  Peer* peer = nullptr;
};
thread_local LastPeer last_peer;

}  // namespace

PeerTable::PeerTable() : id_(next_table_id.fetch_add(1, std::memory_order_relaxed)) {
  auto first = std::make_unique<Array>(64);
  current_.store(first.get(), std::memory_order_release);
  arrays_.push_back(std::move(first));
}

PeerTable::~PeerTable() = default;

Peer* PeerTable::Probe(const Array& array, const SystemPath& key) {
  for (size_t i = key.EndpointHash() & array.mask;; i = (i + 1) & array.mask) {
    Peer* p = array.slots[i].load(std::memory_order_acquire);
    if (p == nullptr || p->key == key) return p;
  }
}

void PeerTable::Insert(Array& array, Peer* peer) {
  for (size_t i = peer->key.EndpointHash() & array.mask;; i = (i + 1) & array.mask) {
    if (array.slots[i].load(std::memory_order_relaxed) == nullptr) {
      array.slots[i].store(peer, std::memory_order_release);
      return;
    }
  }
}

Peer* PeerTable::Find(const SystemPath& system) const {
  return Probe(*current_.load(std::memory_order_acquire), KeyOf(system));
}

Peer& PeerTable::FindOrCreate(const SystemPath& system) {
  LastPeer& last = last_peer;
  if (ABSL_PREDICT_TRUE(last.table == id_ && last.system.SameEndpoint(system))) return *last.peer;
  Peer& peer = FindOrCreateSlow(system);
  last.table = id_;
  last.system = system;
  last.peer = &peer;
  return peer;
}

Peer& PeerTable::FindOrCreateSlow(const SystemPath& system) {
  const SystemPath key = KeyOf(system);
  if (Peer* p = Probe(*current_.load(std::memory_order_acquire), key)) return *p;
  std::lock_guard<std::mutex> lock(mu_);
  Array* array = current_.load(std::memory_order_relaxed);
  if (Peer* p = Probe(*array, key)) return *p;
  peers_.push_back(std::make_unique<Peer>(key));
  Peer* peer = peers_.back().get();
  if (peers_.size() * 2 > array->mask + 1) {
    auto bigger = std::make_unique<Array>((array->mask + 1) * 2);
    for (const auto& p : peers_) Insert(*bigger, p.get());
    current_.store(bigger.get(), std::memory_order_release);
    arrays_.push_back(std::move(bigger));
  } else {
    Insert(*array, peer);
  }
  return *peer;
}

void PeerTable::ForEach(absl::FunctionRef<void(Peer&)> f) const {
  std::vector<Peer*> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    all.reserve(peers_.size());
    for (const auto& p : peers_) all.push_back(p.get());
  }
  for (Peer* p : all) f(*p);
}

size_t PeerTable::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return peers_.size();
}

}  // namespace kompact::net
