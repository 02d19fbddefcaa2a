// Thin wrappers over the Linux futex syscall on a std::atomic<uint32_t>, used by
// the parking protocol (internal/parking_lot.h) to sleep without polling.
//
// The kernel's ordering is invisible to ThreadSanitizer: callers must carry every
// happens-before relation on std::atomic operations on the word itself (the waker
// changes the word with an atomic RMW before waking; the sleeper re-reads it with
// an acquire load after waking) and treat a return from FutexWait as a hint only.
//
// Thread-safety: both functions may be called from any thread.
#ifndef KOMPACT_EXECUTORS_INTERNAL_FUTEX_H_
#define KOMPACT_EXECUTORS_INTERNAL_FUTEX_H_

#include <atomic>
#include <cstdint>

namespace kompact::executors_internal {

// Sleeps while `*word == expected` (checked atomically by the kernel). Returns on
// a wake-up, a signal, a spurious wake-up, or at once if the value differs.
void FutexWait(std::atomic<uint32_t>& word, uint32_t expected);

// Wakes up to `count` threads sleeping in FutexWait on `word`.
void FutexWake(std::atomic<uint32_t>& word, int count);

}  // namespace kompact::executors_internal

#endif  // KOMPACT_EXECUTORS_INTERNAL_FUTEX_H_
