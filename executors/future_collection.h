// Operations on collections of futures (FEATURES.md A4; Kompact's FutureCollection).
//
//   Future<std::vector<absl::StatusOr<int>>> all = WaitAll(std::move(futures));
//   absl::StatusOr<std::vector<int>> values =
//       CollectWithTimeout(std::move(futures), absl::Seconds(5));
//
// Differences from Kompact, on purpose:
//  * CollectWithTimeout's timeout bounds the whole call (Kompact applies it to each
//    future in turn, so n futures could take n × timeout).
//  * A future that fails makes CollectWithTimeout return that failure (annotated
//    with the future's index) rather than a timeout, so a dropped promise
//    (kCancelled) stays distinguishable from a slow one (kDeadlineExceeded).
//  * WaitAll is non-blocking (a future of all results, each with its own status),
//    usable from tasks and continuations; Kompact has no direct counterpart.
//
// Thread-safety: the functions consume their futures; call from one thread.
#ifndef KOMPACT_EXECUTORS_FUTURE_COLLECTION_H_
#define KOMPACT_EXECUTORS_FUTURE_COLLECTION_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/status.h"
#include "executors/future.h"
#include "executors/internal/future_errors.h"
#include "executors/internal/future_state.h"

namespace kompact {

// What CollectWithTimeout returns: all values, or absl::Status for void futures.
template <typename T>
using CollectResult = std::conditional_t<std::is_void_v<T>, absl::Status, absl::StatusOr<std::vector<T>>>;

namespace executors_internal {

inline const absl::Status& StatusOf(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& result) {
  return result.status();
}

// The shared state of WaitAll's future; also the callback of every input future
// (one slot each), so WaitAll allocates this state and its slot array only.
template <typename T>
class WaitAllState final : public FutureState<std::vector<ResultOf<T>>> {
 public:
  explicit WaitAllState(size_t n) : slots_(std::make_unique<Slot[]>(n)), remaining_(n + 1) {
    results_.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      results_.emplace_back(absl::UnknownError("WaitAll: result not delivered"));
      slots_[i].parent = this;
      slots_[i].index = i;
    }
  }

  // Attaches to every input; may complete this state before returning.
  void Start(std::vector<Future<T>>& futures) {
    for (size_t i = 0; i < futures.size(); ++i) {
      FutureState<T>* input = FutureAccess::Release(futures[i]);
      if (input == nullptr) {
        results_[i] = InvalidFutureError("WaitAll");
        Arrive();
      } else if (!input->Attach(&slots_[i])) {
        slots_[i].OnReady(input);
      }
    }
    Arrive();  // the set-up's own count: nothing completes before every slot is attached
  }

 private:
  struct Slot final : FutureCallback<T> {
    void OnReady(FutureState<T>* input) noexcept override {
      parent->results_[index] = input->TakeAndRelease();
      parent->Arrive();
    }
    WaitAllState* parent = nullptr;
    size_t index = 0;
  };

  void Arrive() noexcept {
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      this->Complete(std::move(results_));  // may delete this
    }
  }

  std::vector<ResultOf<T>> results_;
  std::unique_ptr<Slot[]> slots_;
  std::atomic<size_t> remaining_;
};

}  // namespace executors_internal

// A future completed when every input has completed, holding each input's result
// in input order (failures included; an invalid input yields kFailedPrecondition in
// its slot). Non-blocking; the last input to complete completes it, on its thread.
template <typename T>
[[nodiscard]] Future<std::vector<FutureResult<T>>> WaitAll(std::vector<Future<T>> futures) {
  auto* state = new executors_internal::WaitAllState<T>(futures.size());
  state->Start(futures);
  return executors_internal::FutureAccess::Wrap<std::vector<FutureResult<T>>>(state);
}

// Blocks until every future has completed successfully and returns their values in
// order, or returns early:
//  * kDeadlineExceeded if `timeout` (for the whole call) passes first; the message
//    says how many of the futures had completed;
//  * the status of the first future (in order) that failed, annotated with its index;
//  * kFailedPrecondition on an executor thread (see Future::Wait).
// The futures are consumed either way.
template <typename T>
[[nodiscard]] CollectResult<T> CollectWithTimeout(std::vector<Future<T>> futures, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  const size_t n = futures.size();
  [[maybe_unused]] std::vector<std::conditional_t<std::is_void_v<T>, char, T>> values;
  if constexpr (!std::is_void_v<T>) values.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    FutureResult<T> result = futures[i].WaitFor(std::max(deadline - absl::Now(), absl::ZeroDuration()));
    const absl::Status& status = executors_internal::StatusOf(result);
    if (futures[i].valid()) {  // nothing delivered: timed out or refused
      if (status.code() != absl::StatusCode::kDeadlineExceeded) return status;
      const size_t completed = i + std::count_if(futures.begin() + i, futures.end(),
                                                 [](const Future<T>& f) { return f.IsReady(); });
      return absl::DeadlineExceededError(absl::StrCat("CollectWithTimeout: ", completed, " of ", n,
                                                      " futures completed within ",
                                                      absl::FormatDuration(timeout)));
    }
    if (!status.ok()) {
      return Annotate(status, absl::StrCat("CollectWithTimeout: future ", i, " of ", n));
    }
    if constexpr (!std::is_void_v<T>) values.push_back(*std::move(result));
  }
  if constexpr (std::is_void_v<T>) {
    return absl::OkStatus();
  } else {
    return values;
  }
}

}  // namespace kompact

#endif  // KOMPACT_EXECUTORS_FUTURE_COLLECTION_H_
