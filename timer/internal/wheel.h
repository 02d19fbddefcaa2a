// The hierarchical hash wheel itself (FEATURES.md T1), over intrusive entries.
//
// Four 256-slot wheels at 1 tick (1 ms) resolution cover deadlines up to 2^32
// ticks ahead; longer ones wait in an overflow list. The level of an entry is given
// by the highest byte in which its deadline differs from now(): an entry whose
// deadline shares every byte above byte L with now() lives in level L, slot
// `byte L of the deadline`. Because now() only moves forward, every occupied slot of
// a level lies ahead of now() in that level, so the next thing to do is the lowest
// set bit of the lowest non-empty level (four 64-bit words per level): skipping over
// empty stretches costs O(1) whatever their length.
//
// Entries are doubly linked into circular lists with sentinels, so inserting and
// removing (cancelling) are O(1) with no search; where an entry is linked is
// recomputed from its deadline and now(). Entries due at or before now() wait in the
// `due` list, in the order they became due.
//
// Ordering: entries come out of PopDue in deadline order, ties in insertion order
// (every entry with the same deadline is always in the same list, appended in
// order, and cascading keeps list order). An entry inserted with a deadline at or
// before now() is due at once, after the entries already due.
//
// Thread-safety: none; one thread owns the wheel. Lifetime: the wheel never owns
// entries; an entry must stay alive and untouched (except `deadline` before Insert)
// while linked. The wheel is neither copyable nor movable (sentinels point to
// themselves).
#ifndef KOMPACT_TIMER_INTERNAL_WHEEL_H_
#define KOMPACT_TIMER_INTERNAL_WHEEL_H_

#include <cstddef>
#include <cstdint>
#include <optional>

namespace kompact::timer_internal {

// What an entry needs to be linked into an IntrusiveWheel. Embed it (derive from
// it) in the owning structure.
struct WheelEntry {
  uint64_t deadline = 0;  // in ticks; set before Insert, not changed while linked
  WheelEntry* prev = nullptr;
  WheelEntry* next = nullptr;

  bool linked() const { return next != nullptr; }
};

class IntrusiveWheel {
 public:
  static constexpr int kLevels = 4;
  static constexpr int kSlots = 256;

  // A wheel whose time is `now` (ticks already processed up to and including `now`).
  explicit IntrusiveWheel(uint64_t now = 0);
  IntrusiveWheel(const IntrusiveWheel&) = delete;
  IntrusiveWheel& operator=(const IntrusiveWheel&) = delete;

  // The last tick processed: every linked entry with a deadline <= now() is due.
  uint64_t now() const { return now_; }
  // Number of linked entries (due ones included).
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Links `entry` (unlinked, `deadline` set). O(1).
  void Insert(WheelEntry* entry);
  // Unlinks `entry`, which must be linked in this wheel. O(1).
  void Remove(WheelEntry* entry);

  // Unlinks and returns the first due entry, or nullptr if none is due.
  WheelEntry* PopDue();

  // Moves time towards `limit`: if something must happen at a tick t <= limit (an
  // entry falls due, or a higher-level slot must cascade), moves now() to the first
  // such t, cascades, makes the entries of tick t due and returns true. Otherwise
  // moves now() to max(now(), limit) and returns false. Each call is O(1) plus the
  // entries it moves; empty stretches of any length are skipped in one call.
  bool Step(uint64_t limit);

  // The first tick at which Step has work: now() if something is due, else the next
  // deadline in the lowest wheel or the next cascade of a higher one. A lower bound
  // of NextDeadline(); O(1). nullopt when empty.
  std::optional<uint64_t> NextWakeUp() const;
  // The earliest deadline of any entry (now() if something is due). O(1) unless the
  // earliest entries sit in a higher level, then linear in that one slot (or in the
  // overflow list). nullopt when empty.
  std::optional<uint64_t> NextDeadline() const;

  // Unlinks and returns any linked entry (due first), or nullptr when empty. For
  // tearing down.
  WheelEntry* PopAny();

 private:
  static bool ListEmpty(const WheelEntry& head) { return head.next == &head; }
  static void Append(WheelEntry& head, WheelEntry* entry);
  static void Unlink(WheelEntry* entry);
  // Moves every entry of `from` to the end of `to`, leaving `from` empty.
  static void Splice(WheelEntry& from, WheelEntry& to);

  // Links without counting (Insert and cascading).
  void Link(WheelEntry* entry);
  // Lowest occupied slot of `level`, or -1.
  int FirstSlot(int level) const;
  // Lowest non-empty level, kLevels for overflow only, -1 when nothing is linked
  // outside `due_`.
  int FirstLevel() const;
  // The tick of the next cascade or expiry (not considering `due_`).
  std::optional<uint64_t> NextEvent() const;
  // Re-links every entry of level `level`, slot `slot` relative to now().
  void Cascade(int level, int slot);
  // Re-links the overflow entries that now fit into the wheels.
  void MigrateOverflow();
  uint64_t OverflowMin() const;

  uint64_t now_;
  size_t size_ = 0;
  WheelEntry due_;
  WheelEntry overflow_;
  // Cached minimum deadline of the overflow list; recomputed lazily after the
  // minimum entry leaves.
  mutable uint64_t overflow_min_ = 0;
  mutable bool overflow_min_valid_ = false;
  uint64_t occupied_[kLevels][kSlots / 64] = {};
  WheelEntry slots_[kLevels][kSlots];
};

}  // namespace kompact::timer_internal

#endif  // KOMPACT_TIMER_INTERNAL_WHEEL_H_
