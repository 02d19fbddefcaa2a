#include "timer/internal/wheel.h"

#include <bit>

#include "glog/logging.h"

namespace kompact::timer_internal {
namespace {

constexpr uint64_t kWheelSpan = uint64_t{1} << 32;  // ticks covered by the four wheels

}  // namespace

IntrusiveWheel::IntrusiveWheel(uint64_t now) : now_(now) {
  due_.prev = due_.next = &due_;
  overflow_.prev = overflow_.next = &overflow_;
  for (auto& level : slots_) {
    for (WheelEntry& head : level) head.prev = head.next = &head;
  }
}

void IntrusiveWheel::Append(WheelEntry& head, WheelEntry* entry) {
  WheelEntry* last = head.prev;
  entry->prev = last;
  entry->next = &head;
  last->next = entry;
  head.prev = entry;
}

void IntrusiveWheel::Unlink(WheelEntry* entry) {
  entry->prev->next = entry->next;
  entry->next->prev = entry->prev;
  entry->prev = entry->next = nullptr;
}

void IntrusiveWheel::Splice(WheelEntry& from, WheelEntry& to) {
  if (ListEmpty(from)) return;
  WheelEntry* first = from.next;
  WheelEntry* last = from.prev;
  WheelEntry* to_last = to.prev;
  to_last->next = first;
  first->prev = to_last;
  last->next = &to;
  to.prev = last;
  from.prev = from.next = &from;
}

void IntrusiveWheel::Link(WheelEntry* entry) {
  const uint64_t deadline = entry->deadline;
  if (deadline <= now_) {
    Append(due_, entry);
    return;
  }
  const uint64_t diff = deadline ^ now_;
  if (diff >= kWheelSpan) {
    if (ListEmpty(overflow_)) {
      overflow_min_ = deadline;
      overflow_min_valid_ = true;
    } else if (overflow_min_valid_ && deadline < overflow_min_) {
      overflow_min_ = deadline;
    }
    Append(overflow_, entry);
    return;
  }
  const int level = (std::bit_width(diff) - 1) >> 3;
  const int slot = static_cast<int>((deadline >> (8 * level)) & 0xFF);
  Append(slots_[level][slot], entry);
  occupied_[level][slot >> 6] |= uint64_t{1} << (slot & 63);
}

void IntrusiveWheel::Insert(WheelEntry* entry) {
  DCHECK(!entry->linked());
  Link(entry);
  ++size_;
}

void IntrusiveWheel::Remove(WheelEntry* entry) {
  DCHECK(entry->linked());
  const uint64_t deadline = entry->deadline;
  Unlink(entry);
  --size_;
  if (deadline <= now_) return;  // was in due_
  const uint64_t diff = deadline ^ now_;
  if (diff >= kWheelSpan) {
    if (deadline == overflow_min_) overflow_min_valid_ = false;
    return;
  }
  const int level = (std::bit_width(diff) - 1) >> 3;
  const int slot = static_cast<int>((deadline >> (8 * level)) & 0xFF);
  if (ListEmpty(slots_[level][slot])) {
    occupied_[level][slot >> 6] &= ~(uint64_t{1} << (slot & 63));
  }
}

WheelEntry* IntrusiveWheel::PopDue() {
  if (ListEmpty(due_)) return nullptr;
  WheelEntry* entry = due_.next;
  Unlink(entry);
  --size_;
  return entry;
}

int IntrusiveWheel::FirstSlot(int level) const {
  for (int word = 0; word < kSlots / 64; ++word) {
    if (occupied_[level][word] != 0) return word * 64 + std::countr_zero(occupied_[level][word]);
  }
  return -1;
}

int IntrusiveWheel::FirstLevel() const {
  for (int level = 0; level < kLevels; ++level) {
    const uint64_t* words = occupied_[level];
    if ((words[0] | words[1] | words[2] | words[3]) != 0) return level;
  }
  return ListEmpty(overflow_) ? -1 : kLevels;
}

uint64_t IntrusiveWheel::OverflowMin() const {
  if (!overflow_min_valid_) {
    uint64_t min = UINT64_MAX;
    for (const WheelEntry* e = overflow_.next; e != &overflow_; e = e->next) {
      if (e->deadline < min) min = e->deadline;
    }
    overflow_min_ = min;
    overflow_min_valid_ = true;
  }
  return overflow_min_;
}

std::optional<uint64_t> IntrusiveWheel::NextEvent() const {
  const int level = FirstLevel();
  if (level < 0) return std::nullopt;
  if (level == kLevels) return OverflowMin() & ~(kWheelSpan - 1);
  // Slots of `level` index byte `level` of the deadline, within the window of now()
  // that shares every higher byte.
  const int window_bits = 8 * (level + 1);
  const uint64_t window_start = now_ & ~((uint64_t{1} << window_bits) - 1);
  return window_start | (static_cast<uint64_t>(FirstSlot(level)) << (8 * level));
}

void IntrusiveWheel::Cascade(int level, int slot) {
  WheelEntry& head = slots_[level][slot];
  if (ListEmpty(head)) return;
  WheelEntry moving;
  moving.prev = moving.next = &moving;
  Splice(head, moving);
  occupied_[level][slot >> 6] &= ~(uint64_t{1} << (slot & 63));
  while (!ListEmpty(moving)) {
    WheelEntry* entry = moving.next;
    Unlink(entry);
    Link(entry);
  }
}

void IntrusiveWheel::MigrateOverflow() {
  if (ListEmpty(overflow_)) return;
  WheelEntry moving;
  moving.prev = moving.next = &moving;
  Splice(overflow_, moving);
  overflow_min_valid_ = false;
  while (!ListEmpty(moving)) {
    WheelEntry* entry = moving.next;
    Unlink(entry);
    Link(entry);  // back into overflow_ if it belongs to a later span
  }
}

bool IntrusiveWheel::Step(uint64_t limit) {
  const std::optional<uint64_t> event = NextEvent();
  if (!event.has_value() || *event > limit) {
    if (limit > now_) now_ = limit;
    return false;
  }
  // Nothing happens between now_ and *event: no occupied slot lies in between, so
  // every linked entry keeps its level and slot.
  now_ = *event;
  // Cascade from the highest boundary crossed at now_ down, so that each entry lands
  // directly in its final place.
  if ((now_ & (kWheelSpan - 1)) == 0) MigrateOverflow();
  if ((now_ & 0xFFFFFF) == 0) Cascade(3, static_cast<int>((now_ >> 24) & 0xFF));
  if ((now_ & 0xFFFF) == 0) Cascade(2, static_cast<int>((now_ >> 16) & 0xFF));
  if ((now_ & 0xFF) == 0) Cascade(1, static_cast<int>((now_ >> 8) & 0xFF));
  const int slot = static_cast<int>(now_ & 0xFF);
  if ((occupied_[0][slot >> 6] >> (slot & 63)) & 1) {
    Splice(slots_[0][slot], due_);
    occupied_[0][slot >> 6] &= ~(uint64_t{1} << (slot & 63));
  }
  return true;
}

std::optional<uint64_t> IntrusiveWheel::NextWakeUp() const {
  if (!ListEmpty(due_)) return now_;
  return NextEvent();
}

std::optional<uint64_t> IntrusiveWheel::NextDeadline() const {
  if (!ListEmpty(due_)) return now_;
  const int level = FirstLevel();
  if (level < 0) return std::nullopt;
  if (level == kLevels) return OverflowMin();
  if (level == 0) return NextEvent();
  // Higher levels are strictly later than lower ones, and slots of a level are in
  // time order, so the earliest entry is in the first slot of the first level.
  const WheelEntry& head = slots_[level][FirstSlot(level)];
  uint64_t min = UINT64_MAX;
  for (const WheelEntry* e = head.next; e != &head; e = e->next) {
    if (e->deadline < min) min = e->deadline;
  }
  return min;
}

WheelEntry* IntrusiveWheel::PopAny() {
  if (WheelEntry* entry = PopDue()) return entry;
  const int level = FirstLevel();
  if (level < 0) return nullptr;
  WheelEntry* entry = level == kLevels ? overflow_.next : slots_[level][FirstSlot(level)].next;
  Remove(entry);
  return entry;
}

}  // namespace kompact::timer_internal
