// Continuation states behind Future<T>::Then (executors/future.h): each is the
// shared state of the resulting Future<U> and, at the same time, the callback of
// the source future, so a Then costs exactly one allocation.
//
// Included by the public future.h because Then is a template.
//
// Thread-safety: as FutureState. Lifetime: owned like any FutureState<U>; the
// continuation function is destroyed as soon as it has run (or was refused).
#ifndef KOMPACT_EXECUTORS_INTERNAL_FUTURE_THEN_H_
#define KOMPACT_EXECUTORS_INTERNAL_FUTURE_THEN_H_

#include <exception>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "executors/executor.h"
#include "executors/internal/future_errors.h"
#include "executors/internal/future_state.h"

namespace kompact::executors_internal {

// The value type of the future a continuation returning `R` produces:
// void and absl::Status -> void; absl::StatusOr<V> -> V; anything else -> R.
template <typename R>
struct ContinuationValue {
  using type = R;
};
template <>
struct ContinuationValue<void> {
  using type = void;
};
template <>
struct ContinuationValue<absl::Status> {
  using type = void;
};
template <typename V>
struct ContinuationValue<absl::StatusOr<V>> {
  using type = V;
};

template <typename T, typename F>
using ContinuationValueT =
    typename ContinuationValue<std::remove_cvref_t<std::invoke_result_t<F&&, ResultOf<T>&&>>>::type;

// Runs the continuation once; an escaping exception becomes kInternal.
template <typename U, typename F, typename A>
ResultOf<U> InvokeContinuation(F&& fn, A&& arg) noexcept {
  try {
    using R = std::invoke_result_t<F&&, A&&>;
    if constexpr (std::is_void_v<R>) {
      std::invoke(std::forward<F>(fn), std::forward<A>(arg));
      return absl::OkStatus();
    } else {
      return ResultOf<U>(std::invoke(std::forward<F>(fn), std::forward<A>(arg)));
    }
  } catch (...) {
    return ExceptionToStatus(std::current_exception(), "a Future continuation");
  }
}

// Then(F): runs `fn` on the thread that completes the source.
template <typename T, typename U, typename F>
class ThenState final : public FutureState<U>, public FutureCallback<T> {
 public:
  explicit ThenState(F fn) : fn_(std::move(fn)) {}

  void OnReady(FutureState<T>* source) noexcept override {
    ResultOf<U> result = InvokeContinuation<U>(std::move(*fn_), source->TakeAndRelease());
    fn_.reset();
    this->Complete(std::move(result));  // may delete this
  }

 private:
  std::optional<F> fn_;
};

// Then(executor, F): schedules `fn` on an executor once the source completes. The
// Runnable is embedded, so scheduling allocates nothing.
template <typename T, typename U, typename F>
class ThenOnState final : public FutureState<U>, public FutureCallback<T>, public Runnable {
 public:
  ThenOnState(Executor& executor, F fn) : executor_(&executor), fn_(std::move(fn)) {}

  void OnReady(FutureState<T>* source) noexcept override {
    source_ = source;
    const absl::Status scheduled = executor_->Schedule(*this, ScheduleHint::kWake);
    if (!scheduled.ok()) {
      // Not run: the source result and the continuation are discarded.
      source_->Release();
      source_ = nullptr;
      fn_.reset();
      this->Complete(absl::CancelledError(
          absl::StrCat("Future::Then: the executor refused the continuation: ", scheduled.message())));
    }
  }

  void Run() override {
    ResultOf<U> result = InvokeContinuation<U>(std::move(*fn_), source_->TakeAndRelease());
    source_ = nullptr;
    fn_.reset();
    this->Complete(std::move(result));  // may delete this
  }

 private:
  Executor* const executor_;
  std::optional<F> fn_;
  FutureState<T>* source_ = nullptr;
};

}  // namespace kompact::executors_internal

#endif  // KOMPACT_EXECUTORS_INTERNAL_FUTURE_THEN_H_
