// The shared state of one Promise/Future pair (executors/future.h) and the
// callback interface through which a completed state is handed on.
//
// Included by the public future.h because Future<T> and Promise<T> are templates.
//
// Protocol: one atomic word with three bits.
//   kResult        set once by the promise side after it stored the result.
//   kCallback      set by the future side after it stored `callback_`; cleared again
//                  only by Detach() (a timed-out blocking wait) while kResult is clear.
//   kFutureDropped set by the future side when the Future is destroyed unconsumed.
// Whoever sets the second of {kResult, kCallback | kFutureDropped} acts:
//   * promise completes after a callback was attached: it calls
//     callback->OnReady(this), which takes ownership of the state;
//   * promise completes after the future was dropped: it deletes the state;
//   * the future side finds kResult already set: it owns the state and takes the
//     result itself (Attach() returns false).
// Every hand-over is an acq_rel RMW on the word, so the result and the callback
// pointer are ordered for TSAN without fences or locks.
//
// Thread-safety: one promise-side thread and one future-side thread at a time.
// Lifetime: heap-allocated once per pair; deleted by whichever side finishes last.
#ifndef KOMPACT_EXECUTORS_INTERNAL_FUTURE_STATE_H_
#define KOMPACT_EXECUTORS_INTERNAL_FUTURE_STATE_H_

#include <atomic>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace kompact::executors_internal {

// absl::StatusOr<T>, or absl::Status for void.
template <typename T>
using ResultOf = std::conditional_t<std::is_void_v<T>, absl::Status, absl::StatusOr<T>>;

template <typename T>
class FutureState;

// Receives a completed state. Implemented by blocking waiters, continuations,
// coroutine awaiters and collections; always embedded in an object that outlives
// the call (never allocated per callback).
template <typename T>
class FutureCallback {
 public:
  // Called exactly once, on the completing thread, after the result was published.
  // The callee now owns `state` (it must eventually TakeAndRelease() or Release()
  // it) and must not call back into the promise.
  virtual void OnReady(FutureState<T>* state) noexcept = 0;

 protected:
  ~FutureCallback() = default;
};

template <typename T>
class FutureState {
 public:
  using Result = ResultOf<T>;

  FutureState() = default;
  FutureState(const FutureState&) = delete;
  FutureState& operator=(const FutureState&) = delete;
  virtual ~FutureState() = default;

  // ---- promise side ----------------------------------------------------------------

  // Publishes the result; called exactly once. May run a callback inline and may
  // delete this state: the caller must not touch it afterwards.
  void Complete(Result&& result) noexcept {
    result_.emplace(std::move(result));
    const uint32_t old = word_.fetch_or(kResult, std::memory_order_acq_rel);
    if (old & kFutureDropped) {
      delete this;
    } else if (old & kCallback) {
      callback_->OnReady(this);
    }
  }

  // True once the Future was destroyed unconsumed (nobody will see the result).
  bool IsFutureDropped() const noexcept {
    return (word_.load(std::memory_order_relaxed) & kFutureDropped) != 0;
  }

  // ---- future side -----------------------------------------------------------------

  bool IsReady() const noexcept { return (word_.load(std::memory_order_acquire) & kResult) != 0; }

  // Requires the owner to have observed IsReady() (or a failed Attach/Detach, or an
  // OnReady call). Moves the result out and frees the state.
  Result TakeAndRelease() noexcept {
    Result result = std::move(*result_);
    delete this;
    return result;
  }

  // Registers `callback` to receive the completed state. Returns false if the
  // result is already there: then nothing was registered and the caller still owns
  // the state (typically it calls callback->OnReady(this) or TakeAndRelease()).
  [[nodiscard]] bool Attach(FutureCallback<T>* callback) noexcept {
    callback_ = callback;
    const uint32_t old = word_.fetch_or(kCallback, std::memory_order_acq_rel);
    return (old & kResult) == 0;
  }

  // Unregisters the callback of a successful Attach(). Returns true if it was
  // removed before completion (the caller owns the state again and may Attach()
  // anew); false if completion already began, in which case OnReady() is running or
  // about to run on the completing thread and the caller must wait for it.
  [[nodiscard]] bool Detach() noexcept {
    uint32_t expected = kCallback;
    return word_.compare_exchange_strong(expected, 0, std::memory_order_acq_rel, std::memory_order_acquire);
  }

  // The future side gives the state up without taking the result.
  void Release() noexcept {
    if (IsReady()) {
      delete this;
      return;
    }
    const uint32_t old = word_.fetch_or(kFutureDropped, std::memory_order_acq_rel);
    if (old & kResult) delete this;
  }

 private:
  static constexpr uint32_t kResult = 1;
  static constexpr uint32_t kCallback = 2;
  static constexpr uint32_t kFutureDropped = 4;

  std::atomic<uint32_t> word_{0};
  FutureCallback<T>* callback_ = nullptr;
  std::optional<Result> result_;
};

}  // namespace kompact::executors_internal

#endif  // KOMPACT_EXECUTORS_INTERNAL_FUTURE_STATE_H_
