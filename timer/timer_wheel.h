// TimerWheel<T>: a hierarchical hash-wheel timer as a plain data structure
// (FEATURES.md T1). No clock and no thread: the owner says what time it is with
// AdvanceTo/Tick and gets the due values back, in deadline order.
//
//   TimerWheel<std::string> wheel;                       // now() == 0, 1 tick == 1 ms
//   WheelHandle h = wheel.InsertAfter(250, "retry");
//   wheel.Cancel(h);                                     // O(1), value destroyed
//   wheel.InsertAfter(10, "ping");
//   wheel.AdvanceTo(10, [](WheelHandle, uint64_t deadline, std::string&& v) { ... });
//
// Four 256-slot wheels cover deadlines up to 2^32 ticks ahead (~49.7 days at 1 ms);
// later ones wait in an overflow list and move into the wheels when their 2^32 span
// begins. Insert and Cancel are O(1) (intrusive lists, slab-allocated entries reused
// through a free list, handles checked by generation); advancing over empty stretches
// is O(1) however long they are (see timer/internal/wheel.h for the algorithm).
//
// Semantics:
//  * An entry with deadline d fires when time reaches d, i.e. during the AdvanceTo
//    that moves now() to d or beyond. A deadline <= now() (e.g. a zero delay) is due
//    at once: it fires at the start of the next AdvanceTo/Tick.
//  * Entries fire in deadline order, ties in insertion order.
//  * `on_due` may Insert and Cancel on the same wheel; an entry it inserts that falls
//    due within the interval being advanced fires in the same call, in order.
//
// Thread-safety: none (one owning thread). Lifetime: the wheel owns the values; the
// destructor destroys the ones still pending. Not copyable or movable. This header
// includes timer/internal/wheel.h because the template needs it.
#ifndef KOMPACT_TIMER_TIMER_WHEEL_H_
#define KOMPACT_TIMER_TIMER_WHEEL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <ostream>
#include <type_traits>
#include <utility>
#include <vector>

#include "glog/logging.h"
#include "timer/internal/wheel.h"

namespace kompact {

// Identifies one entry of a TimerWheel while it is pending. A handle of a fired or
// cancelled entry stays invalid even when its storage is reused (the generation
// differs), until 2^32 later entries have reused that same storage slot.
struct WheelHandle {
  uint64_t value = 0;  // 0 is never a valid handle

  // Equal handles name the same entry:
  friend bool operator==(WheelHandle a, WheelHandle b) { return a.value == b.value; }
  friend bool operator!=(WheelHandle a, WheelHandle b) { return a.value != b.value; }
  // Prints `wheel#<slot>/<generation>`.
  friend std::ostream& operator<<(std::ostream& os, WheelHandle h) {
    return os << "wheel#" << (h.value & 0xFFFFFFFF) << "/" << (h.value >> 32);
  }
};

// A hierarchical hash wheel of values of type T, each due at a tick (see the file
// comment for the semantics, costs, threads and lifetime).
template <typename T>
class TimerWheel {
 public:
  // A wheel whose current time is `now` ticks.
  explicit TimerWheel(uint64_t now = 0) : wheel_(now) {}
  TimerWheel(const TimerWheel&) = delete;
  TimerWheel& operator=(const TimerWheel&) = delete;
  ~TimerWheel() {
    while (timer_internal::WheelEntry* entry = wheel_.PopAny()) Release(static_cast<Slot*>(entry));
  }

  // The current time: every tick up to and including now() has been processed.
  uint64_t now() const { return wheel_.now(); }
  // Number of pending entries.
  size_t size() const { return wheel_.size(); }
  // True if no entry is pending.
  bool empty() const { return wheel_.empty(); }

  // Schedules `value` for tick `deadline` (<= now(): due at once). O(1); allocates
  // only when the slab grows.
  WheelHandle Insert(uint64_t deadline, T value) {
    Slot* slot = Allocate();
    ::new (static_cast<void*>(&slot->value)) T(std::move(value));
    slot->deadline = deadline;
    wheel_.Insert(slot);
    return HandleOf(slot);
  }
  // Schedules `value` `delay` ticks from now() (saturating at UINT64_MAX).
  WheelHandle InsertAfter(uint64_t delay, T value) {
    const uint64_t now = wheel_.now();
    return Insert(delay > UINT64_MAX - now ? UINT64_MAX : now + delay, std::move(value));
  }

  // Removes a pending entry and destroys its value: true. False (and no effect) for
  // a handle that fired, was cancelled, or never existed. O(1).
  bool Cancel(WheelHandle handle) {
    Slot* slot = Find(handle);
    if (slot == nullptr) return false;
    wheel_.Remove(slot);
    Release(slot);
    return true;
  }

  // The value of a pending entry, nullptr otherwise. Valid until the entry fires or
  // is cancelled.
  T* Get(WheelHandle handle) {
    Slot* slot = Find(handle);
    return slot == nullptr ? nullptr : &slot->value;
  }

  // Advances time to `to` (no-op on time if `to` <= now()), calling
  // `on_due(WheelHandle, uint64_t deadline, T&& value)` for every entry due by then,
  // in deadline order. The entry is already removed when `on_due` runs. Returns the
  // number of entries that fired.
  template <typename F>
  size_t AdvanceTo(uint64_t to, F&& on_due) {
    size_t fired = 0;
    do {
      while (timer_internal::WheelEntry* entry = wheel_.PopDue()) {
        Slot* slot = static_cast<Slot*>(entry);
        const WheelHandle handle = HandleOf(slot);
        const uint64_t deadline = slot->deadline;
        T value(std::move(slot->value));
        Release(slot);
        on_due(handle, deadline, std::move(value));
        ++fired;
      }
    } while (wheel_.Step(to));
    return fired;
  }
  // AdvanceTo(now() + 1).
  template <typename F>
  size_t Tick(F&& on_due) {
    return AdvanceTo(wheel_.now() + 1, std::forward<F>(on_due));
  }

  // Earliest pending deadline (now() if something is due); nullopt when empty.
  // O(1) unless that entry sits in a higher wheel (then linear in its slot).
  std::optional<uint64_t> NextDeadline() const { return wheel_.NextDeadline(); }
  // A lower bound of NextDeadline() that is always O(1): the next tick at which
  // AdvanceTo has anything to do (a deadline or a cascade). What a timer thread
  // sleeps until.
  std::optional<uint64_t> NextWakeUp() const { return wheel_.NextWakeUp(); }

 private:
  static constexpr uint32_t kChunkBits = 10;
  static constexpr uint32_t kChunkSize = uint32_t{1} << kChunkBits;
  static constexpr uint32_t kNoSlot = UINT32_MAX;

  struct Slot : timer_internal::WheelEntry {
    Slot() {}
    ~Slot() {}
    uint32_t index = 0;
    uint32_t generation = 1;
    uint32_t next_free = kNoSlot;
    union {
      T value;
    };
  };

  static WheelHandle HandleOf(const Slot* slot) {
    return WheelHandle{(uint64_t{slot->generation} << 32) | slot->index};
  }

  Slot* SlotAt(uint32_t index) { return &chunks_[index >> kChunkBits][index & (kChunkSize - 1)]; }

  Slot* Find(WheelHandle handle) {
    const uint32_t index = static_cast<uint32_t>(handle.value);
    const uint32_t generation = static_cast<uint32_t>(handle.value >> 32);
    if (index >= capacity_ || generation == 0) return nullptr;
    Slot* slot = SlotAt(index);
    return slot->generation == generation && slot->linked() ? slot : nullptr;
  }

  Slot* Allocate() {
    if (free_head_ == kNoSlot) Grow();
    Slot* slot = SlotAt(free_head_);
    free_head_ = slot->next_free;
    return slot;
  }

  // Destroys the value of an unlinked slot and puts the slot on the free list; its
  // handle becomes invalid.
  void Release(Slot* slot) {
    slot->value.~T();
    if (++slot->generation == 0) slot->generation = 1;
    slot->next_free = free_head_;
    free_head_ = slot->index;
  }

  void Grow() {
    CHECK_LT(capacity_, UINT32_MAX - kChunkSize) << "TimerWheel: too many entries";
    chunks_.push_back(std::make_unique<Slot[]>(kChunkSize));
    Slot* chunk = chunks_.back().get();
    // Free list in index order, so a fresh wheel fills memory sequentially.
    for (uint32_t i = 0; i < kChunkSize; ++i) {
      chunk[i].index = capacity_ + i;
      chunk[i].next_free = i + 1 < kChunkSize ? capacity_ + i + 1 : free_head_;
    }
    free_head_ = capacity_;
    capacity_ += kChunkSize;
  }

  timer_internal::IntrusiveWheel wheel_;
  std::vector<std::unique_ptr<Slot[]>> chunks_;
  uint32_t capacity_ = 0;
  uint32_t free_head_ = kNoSlot;
};

}  // namespace kompact

#endif  // KOMPACT_TIMER_TIMER_WHEEL_H_
