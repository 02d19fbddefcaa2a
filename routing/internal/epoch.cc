#include "routing/internal/epoch.h"

#include <algorithm>

namespace kompact::routing_internal {
namespace {

// Gives the thread's record back when the thread exits (it is quiescent then).
struct LocalHolder {
  EpochDomain::Record* record = nullptr;
  ~LocalHolder() {
    if (record != nullptr) record->in_use.store(false, std::memory_order_release);
  }
};

thread_local LocalHolder local_holder;

}  // namespace

EpochDomain& EpochDomain::Global() {
  static EpochDomain* domain = new EpochDomain();  // never destroyed: threads may outlive main
  return *domain;
}

EpochDomain::Record* EpochDomain::LocalRecordSlow() {
  Record* r = local_holder.record;
  if (r == nullptr) {
    r = Global().AcquireRecord();
    local_holder.record = r;
  }
  tls_record_ = r;
  return r;
}

EpochDomain::Record* EpochDomain::AcquireRecord() {
  for (Record* r = records_.load(std::memory_order_acquire); r != nullptr; r = r->next) {
    bool expected = false;
    if (!r->in_use.load(std::memory_order_relaxed) &&
        r->in_use.compare_exchange_strong(expected, true, std::memory_order_acq_rel)) {
      return r;
    }
  }
  auto* r = new Record();
  r->in_use.store(true, std::memory_order_relaxed);
  Record* head = records_.load(std::memory_order_relaxed);
  do {
    r->next = head;
  } while (!records_.compare_exchange_weak(head, r, std::memory_order_acq_rel, std::memory_order_relaxed));
  return r;
}

uint64_t EpochDomain::SafeEpoch() {
  const uint64_t now = epoch_.fetch_add(1, std::memory_order_seq_cst) + 1;
  uint64_t oldest = now;
  for (Record* r = records_.load(std::memory_order_acquire); r != nullptr; r = r->next) {
    const uint64_t s = r->state.load(std::memory_order_seq_cst);
    if ((s & 1) != 0) oldest = std::min(oldest, s >> 1);
  }
  return oldest;
}

void RetireList::Retire(void* node, Deleter deleter) { entries_.push_back(Entry{node, deleter, kUnsealed}); }

void RetireList::Seal() {
  if (sealed_ == entries_.size()) return;
  const uint64_t stamp = EpochDomain::Global().RetireStamp();
  for (size_t i = sealed_; i < entries_.size(); ++i) entries_[i].stamp = stamp;
  sealed_ = entries_.size();
}

size_t RetireList::Reclaim() {
  if (sealed_ == 0) return 0;
  const uint64_t safe = EpochDomain::Global().SafeEpoch();
  size_t freed = 0;
  while (freed < sealed_ && entries_[freed].stamp < safe) ++freed;
  sealed_ -= freed;
  // Deleters may run arbitrary destructors (releasing component references); they
  // must not touch this list.
  std::vector<Entry> done(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(freed));
  entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(freed));
  for (const Entry& e : done) e.deleter(e.node);
  return freed;
}

void RetireList::FreeAll() {
  std::vector<Entry> all;
  all.swap(entries_);
  sealed_ = 0;
  for (const Entry& e : all) e.deleter(e.node);
}

}  // namespace kompact::routing_internal
