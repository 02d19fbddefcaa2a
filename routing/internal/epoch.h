// Epoch-based memory reclamation for the lock-free lookup table (FEATURES.md P3).
//
// Readers bracket every access to shared nodes with a ReadGuard: one seq_cst store
// to the thread's own record on entry (announcing the global epoch it saw) and one
// release store on exit. They never write shared memory and never wait.
//
// A writer that unlinks a node (publishes a version without it) retires it with a
// stamp: the global epoch read *after* the unlinking store. Reclaim() advances the
// epoch and frees every retired node whose stamp is below the oldest epoch any
// active reader announced (or below the new epoch if no reader is active). Why it
// is safe (all operations below are seq_cst, so they have one total order S):
//  - a reader still announced with epoch e <= stamp keeps the node alive;
//  - a reader announced with epoch e > stamp read the epoch after the increment that
//    followed the unlink, so its later load of the root sees the new version;
//  - a reader not yet announced when the writer scanned the records announces after
//    that scan in S, so its root load follows the unlinking store as well.
// ThreadSanitizer sees the same happens-before: the reader's exit (release) or its
// next entry is read by the writer's scan (acquire) before anything is freed.
//
// One process-wide domain; records are per thread (reused after the thread exits).
//
// Thread-safety: ReadGuard on any thread (nestable). RetireList is owned by one
// writer at a time (the table's writer mutex).
#ifndef KOMPACT_ROUTING_INTERNAL_EPOCH_H_
#define KOMPACT_ROUTING_INTERNAL_EPOCH_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace kompact::routing_internal {

class EpochDomain {
 public:
  struct alignas(64) Record {
    std::atomic<uint64_t> state{0};  // 0: quiescent; (epoch << 1) | 1: reading
    std::atomic<bool> in_use{false};
    uint32_t depth = 0;      // nesting of guards (owner thread only)
    Record* next = nullptr;  // immutable once the record is published
  };

  static EpochDomain& Global();

  // Read-side critical section. Cheap: one store in and one out (nested guards
  // touch only a thread-local counter).
  class ReadGuard {
   public:
    ReadGuard() : record_(Global().Enter()) {}
    ~ReadGuard() { Global().Exit(record_); }
    ReadGuard(const ReadGuard&) = delete;
    ReadGuard& operator=(const ReadGuard&) = delete;

   private:
    Record* record_;
  };

  // The stamp for nodes unlinked before this call.
  uint64_t RetireStamp() const { return epoch_.load(std::memory_order_seq_cst); }
  // Advances the epoch and returns the oldest epoch an active reader may still be
  // in: nodes retired with a smaller stamp are unreachable by every reader.
  uint64_t SafeEpoch();

  Record* Enter() {
    Record* r = tls_record_;
    if (r == nullptr) r = LocalRecordSlow();
    if (r->depth++ == 0) {
      const uint64_t e = epoch_.load(std::memory_order_seq_cst);
      r->state.store((e << 1) | 1, std::memory_order_seq_cst);
    }
    return r;
  }
  void Exit(Record* r) {
    if (--r->depth == 0) r->state.store(0, std::memory_order_release);
  }

 private:
  EpochDomain() = default;
  // Acquires this thread's record (first use on a thread).
  static Record* LocalRecordSlow();
  Record* AcquireRecord();

  static inline thread_local Record* tls_record_ = nullptr;

  std::atomic<uint64_t> epoch_{1};
  std::atomic<Record*> records_{nullptr};
};

// Nodes waiting for readers to move on. Owned by one writer at a time.
class RetireList {
 public:
  using Deleter = void (*)(void*);

  RetireList() = default;
  RetireList(const RetireList&) = delete;
  RetireList& operator=(const RetireList&) = delete;
  // Frees everything: no reader may be able to reach any retired node.
  ~RetireList() { FreeAll(); }

  // `node` will be unlinked by the next published version; `deleter(node)` frees it
  // later. Staged until Seal().
  void Retire(void* node, Deleter deleter);
  template <typename T>
  void Retire(T* node) {
    Retire(node, [](void* p) { delete static_cast<T*>(p); });
  }
  // Call right after publishing the version that unlinked the staged nodes: stamps
  // them with the epoch read now (a stamp read before the publishing store would
  // let a reader that entered in between lose its nodes).
  void Seal();
  // Frees what no reader can reach any more; returns how many.
  size_t Reclaim();
  void FreeAll();
  size_t pending() const { return entries_.size(); }

 private:
  struct Entry {
    void* node;
    Deleter deleter;
    uint64_t stamp;
  };
  static constexpr uint64_t kUnsealed = ~uint64_t{0};
  std::vector<Entry> entries_;  // sealed stamps ascending, then the unsealed ones
  size_t sealed_ = 0;
};

}  // namespace kompact::routing_internal

#endif  // KOMPACT_ROUTING_INTERNAL_EPOCH_H_
