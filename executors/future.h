// Futures and promises (FEATURES.md A3, A4; Kompact's KFuture/KPromise).
//
//   auto [promise, future] = MakePromise<int>();
//   worker.Hand(std::move(promise));                 // elsewhere: promise.Fulfil(42);
//   absl::StatusOr<int> v = future.WaitFor(absl::Seconds(5));
//
//   Future<std::string> s = std::move(future).Then([](absl::StatusOr<int> v) {
//     return v.ok() ? absl::StrCat(*v) : "none";
//   });
//   // in a Task (executors/task.h): absl::StatusOr<int> v = co_await std::move(future);
//
// A pair is one producer and one consumer sharing one heap allocation. Completion
// and continuation attachment synchronise on one atomic word (lock-free); neither
// side can lose the other's action whichever comes first.
//
// Results are absl::StatusOr<T> (absl::Status for Future<void>):
//  * a Promise destroyed before completing fails its future with kCancelled
//    ("PromiseDropped ..."), so an abandoned request never hangs its waiter;
//  * WaitFor() that times out returns kDeadlineExceeded and leaves the future valid;
//  * a blocking wait on an executor thread returns kFailedPrecondition at once
//    (blocking a pool thread can deadlock the system; use co_await or Then);
//  * an operation on an invalid (moved-from or consumed) future returns
//    kFailedPrecondition.
//
// Thread-safety: a Promise and its Future may be used concurrently from different
// threads; each object itself has one owner at a time (not safe to share).
// Lifetime: independent; either side may be destroyed first.
#ifndef KOMPACT_EXECUTORS_FUTURE_H_
#define KOMPACT_EXECUTORS_FUTURE_H_

#include <concepts>
#include <optional>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "executors/executor.h"
#include "executors/internal/future_errors.h"
#include "executors/internal/future_state.h"
#include "executors/internal/future_then.h"
#include "executors/internal/future_waiter.h"

namespace kompact {

// What a Future<T> yields: absl::StatusOr<T>, or absl::Status for void.
template <typename T>
using FutureResult = executors_internal::ResultOf<T>;

template <typename T>
class Future;
template <typename T>
class Promise;

namespace executors_internal {
struct FutureAccess;
struct NoValue {};
}  // namespace executors_internal

// What MakePromise returns: the two ends of one pair (`auto [promise, future] = ...`).
template <typename T>
struct PromiseAndFuture {
  Promise<T> promise;  // the producer's end
  Future<T> future;    // the consumer's end
};

// A connected pair. One allocation.
template <typename T>
[[nodiscard]] PromiseAndFuture<T> MakePromise();

// A future that is already complete with `result`.
template <typename T>
[[nodiscard]] Future<T> MakeReadyFuture(FutureResult<T> result);

// The consumer's end of a pair: a result of type `FutureResult<T>` that arrives once,
// taken by waiting (Wait, WaitFor, TryTake), by a continuation (Then) or by
// `co_await` in a Task. Move-only; see the file comment for errors and threads.
template <typename T>
class [[nodiscard]] Future {
 public:
  using value_type = T;            // the value type T (void for `Future<void>`)
  using Result = FutureResult<T>;  // what the future yields

  // An invalid future (every operation fails with kFailedPrecondition).
  Future() = default;
  Future(Future&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}
  Future& operator=(Future&& other) noexcept {
    if (this != &other) {
      Reset();
      state_ = std::exchange(other.state_, nullptr);
    }
    return *this;
  }
  // Dropping an unconsumed future is fine; the promise side can ask IsFutureDropped().
  ~Future() { Reset(); }

  // False once default-constructed, moved from, or consumed (a delivered result,
  // Then, co_await).
  bool valid() const noexcept { return state_ != nullptr; }

  // True if the result is there (a following Wait/TryTake does not block).
  bool IsReady() const noexcept { return state_ != nullptr && state_->IsReady(); }

  // Takes the result if it is there (consuming the future); nullopt otherwise or if
  // invalid. Never blocks; fine on executor threads.
  [[nodiscard]] std::optional<Result> TryTake() noexcept {
    if (!IsReady()) return std::nullopt;
    return std::exchange(state_, nullptr)->TakeAndRelease();
  }

  // Blocks until the result is there and returns it (consuming the future).
  // On an executor thread (OnExecutorThread()) it does not block: it logs an error
  // and returns kFailedPrecondition, leaving the future valid; it does so even if
  // the result is already there, so the mistake shows on every run, not only under
  // load (use TryTake, co_await or Then there).
  [[nodiscard]] Result Wait() {
    if (state_ == nullptr) return executors_internal::InvalidFutureError("Future::Wait");
    if (OnExecutorThread()) return executors_internal::BlockingWaitOnExecutorError("Future::Wait");
    if (!state_->IsReady()) {
      executors_internal::BlockingWaiter<T> waiter;
      if (state_->Attach(&waiter)) waiter.Await();
    }
    return std::exchange(state_, nullptr)->TakeAndRelease();
  }

  // As Wait(), but gives up after `timeout` with kDeadlineExceeded, leaving the
  // future valid (wait again, attach a continuation, or drop it). A result that was
  // delivered is returned as is, whatever its status, and consumes the future.
  [[nodiscard]] Result WaitFor(absl::Duration timeout) {
    if (state_ == nullptr) return executors_internal::InvalidFutureError("Future::WaitFor");
    if (OnExecutorThread()) {
      return executors_internal::BlockingWaitOnExecutorError("Future::WaitFor");
    }
    if (!state_->IsReady()) {
      if (timeout <= absl::ZeroDuration()) {
        return executors_internal::WaitTimeoutError("Future::WaitFor", timeout);
      }
      executors_internal::BlockingWaiter<T> waiter;
      if (state_->Attach(&waiter) && !waiter.AwaitUntil(executors_internal::SteadyDeadlineAfter(timeout))) {
        if (state_->Detach()) {
          return executors_internal::WaitTimeoutError("Future::WaitFor", timeout);
        }
        waiter.Await();  // completion raced the deadline; its signal is imminent
      }
    }
    return std::exchange(state_, nullptr)->TakeAndRelease();
  }

  // Consumes the future; `fn(Result)` runs once with the result, on the thread that
  // completes the promise, or at once on this thread if the result is already
  // there. Returns the future of fn's value: a continuation returning V gives
  // Future<V>; absl::StatusOr<V> gives Future<V>; absl::Status or void gives
  // Future<void> (a returned Future<V> is not flattened). An exception escaping fn
  // becomes kInternal. fn's captures are destroyed right after it ran. One
  // allocation.
  // On an invalid future fn is not run and the result fails with kFailedPrecondition.
  template <typename F>
  requires std::invocable<F&&, Result&&>
  [[nodiscard]] auto Then(F fn) && -> Future<executors_internal::ContinuationValueT<T, F>> {
    using U = executors_internal::ContinuationValueT<T, F>;
    if (state_ == nullptr) {
      return MakeReadyFuture<U>(executors_internal::InvalidFutureError("Future::Then"));
    }
    auto* then = new executors_internal::ThenState<T, U, F>(std::move(fn));
    State* source = std::exchange(state_, nullptr);
    if (!source->Attach(then)) then->OnReady(source);
    return Future<U>(then);
  }

  // As Then(fn), but fn runs on `executor` (scheduled when the result arrives, also
  // if it is already there; never inline). If the executor refuses (shut down), fn
  // is destroyed without running and the result fails with kCancelled. The
  // executor must outlive the pending continuation.
  template <typename F>
  requires std::invocable<F&&, Result&&>
  [[nodiscard]] auto Then(Executor& executor,
                          F fn) && -> Future<executors_internal::ContinuationValueT<T, F>> {
    using U = executors_internal::ContinuationValueT<T, F>;
    if (state_ == nullptr) {
      return MakeReadyFuture<U>(executors_internal::InvalidFutureError("Future::Then"));
    }
    auto* then = new executors_internal::ThenOnState<T, U, F>(executor, std::move(fn));
    State* source = std::exchange(state_, nullptr);
    if (!source->Attach(then)) then->OnReady(source);
    return Future<U>(then);
  }

 private:
  using State = executors_internal::FutureState<T>;
  template <typename U>
  friend class Future;
  friend struct executors_internal::FutureAccess;

  explicit Future(State* state) noexcept : state_(state) {}

 public:
  // Drops interest in the result (fire and forget) without a [[nodiscard]]
  // warning; the producer side is unaffected.
  void Detach() && noexcept { Reset(); }

 private:
  void Reset() noexcept {
    if (state_ != nullptr) std::exchange(state_, nullptr)->Release();
  }

  State* state_ = nullptr;
};

// The producer's end of a pair: completes its future once (Fulfil, Fail or
// Complete); destroyed first, it fails the future with kCancelled. Move-only.
template <typename T>
class Promise {
 public:
  using Result = FutureResult<T>;  // what the future yields
  // The parameter type of Fulfil (T; a placeholder for `Promise<void>`).
  using ValueArg = std::conditional_t<std::is_void_v<T>, executors_internal::NoValue, T>;

  // An invalid promise (use MakePromise).
  Promise() = default;
  Promise(Promise&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}
  Promise& operator=(Promise&& other) noexcept {
    if (this != &other) {
      Drop();
      state_ = std::exchange(other.state_, nullptr);
    }
    return *this;
  }
  // Fails the future with kCancelled (PromiseDropped) if not completed.
  ~Promise() { Drop(); }

  // False once moved from or completed.
  bool valid() const noexcept { return state_ != nullptr; }

  // True if the Future was dropped unconsumed, so completing is pointless.
  bool IsFutureDropped() const noexcept { return state_ != nullptr && state_->IsFutureDropped(); }

  // Each of these completes the future once and invalidates the promise. Any
  // continuation attached to the future runs inline, on this thread, before the
  // call returns. Completing an invalid promise is a bug (fatal in debug builds).
  void Fulfil(ValueArg value) requires(!std::is_void_v<T>) { Complete(Result(std::move(value))); }
  void Fulfil() requires std::is_void_v<T> { Complete(absl::OkStatus()); }
  // `status` must not be OK (if it is, the future fails with kInternal).
  void Fail(absl::Status status) {
    Complete(status.ok() ? executors_internal::OkPassedAsFailureError("Promise::Fail") : std::move(status));
  }
  // Completes the future with `result` as it is (a value, OK for void, or an error).
  void Complete(Result result) {
    if (state_ == nullptr) {
      executors_internal::ReportInvalidPromise("Promise::Complete");
      return;
    }
    std::exchange(state_, nullptr)->Complete(std::move(result));
  }

 private:
  using State = executors_internal::FutureState<T>;
  friend struct executors_internal::FutureAccess;

  explicit Promise(State* state) noexcept : state_(state) {}

  void Drop() noexcept {
    if (state_ != nullptr) {
      std::exchange(state_, nullptr)->Complete(executors_internal::PromiseDroppedError());
    }
  }

  State* state_ = nullptr;
};

namespace executors_internal {

// Lets the rest of //executors (collections, task awaiters) reach the state.
struct FutureAccess {
  template <typename T>
  static Future<T> Wrap(FutureState<T>* state) noexcept {
    return Future<T>(state);
  }
  template <typename T>
  static FutureState<T>* Release(Future<T>& future) noexcept {
    return std::exchange(future.state_, nullptr);
  }
  template <typename T>
  static PromiseAndFuture<T> MakePair() {
    auto* state = new FutureState<T>();
    return PromiseAndFuture<T>{Promise<T>(state), Future<T>(state)};
  }
};

}  // namespace executors_internal

template <typename T>
PromiseAndFuture<T> MakePromise() {
  return executors_internal::FutureAccess::MakePair<T>();
}

template <typename T>
Future<T> MakeReadyFuture(FutureResult<T> result) {
  auto* state = new executors_internal::FutureState<T>();
  state->Complete(std::move(result));
  return executors_internal::FutureAccess::Wrap(state);
}

}  // namespace kompact

#endif  // KOMPACT_EXECUTORS_FUTURE_H_
