// What every handler returns (FEATURES.md C7, Kompact v0.12 `HandlerResult`).
//
//   HandlerResult Handle(const Increment&) {
//     if (bad) return HandlerResult::Benign(absl::InvalidArgumentError("..."));
//     return Handled::kOk;
//   }
//
// - Handled::kOk         continue normally.
// - Handled::kShutdown   Kompact's DieNow: the component is destroyed now; OnKill
//                        runs and the supervisor is told it was killed.
// - BlockOn(task)        suspend all other processing of this component until the
//                        task completes (runtime/async.h).
// - an error status, with a severity:
//     Benign        logged at WARNING; the component continues.
//     Recoverable   logged at ERROR; the component becomes Faulty and its recovery
//                   function runs on the supervisor (the default for a plain
//                   non-OK absl::Status, and for exceptions thrown by handlers).
//     Unrecoverable logged at ERROR; the component is destroyed without recovery.
//
// Thread-safety: a value type. Lifetime: owns the blocking task, if any.
#ifndef KOMPACT_RUNTIME_HANDLER_RESULT_H_
#define KOMPACT_RUNTIME_HANDLER_RESULT_H_

#include <cstdint>
#include <memory>
#include <ostream>
#include <utility>

#include "absl/status/status.h"

namespace kompact {

// A successful outcome: kOk or kShutdown (see the file comment).
enum class Handled : uint8_t { kOk, kShutdown };

// How bad a handler's error is (see the file comment).
enum class FaultSeverity : uint8_t { kBenign, kRecoverable, kUnrecoverable };

// Writes "benign", "recoverable" or "unrecoverable".
std::ostream& operator<<(std::ostream& os, FaultSeverity severity);

class ComponentCore;
class ResumeContext;
class HandlerResult;
template <typename T>
class Future;

namespace runtime_internal {
// A task that a component blocks on (runtime/async.h creates it).
class BlockingTask {
 public:
  virtual ~BlockingTask() = default;
  // Starts the task with every step resumed through `context`, keeping
  // `component`'s memory alive until the task tree is gone.
  virtual Future<HandlerResult> Start(ResumeContext& context, ComponentCore* component) && = 0;
};
}  // namespace runtime_internal

// The outcome of a handler (see the file comment). Cheap to return when OK.
class [[nodiscard]] HandlerResult {
 public:
  // Which outcome this is: Handled::kOk, Handled::kShutdown, BlockOn or an error.
  enum class Kind : uint8_t { kOk, kShutdown, kBlockOn, kError };

  // Handled::kOk or Handled::kShutdown.
  HandlerResult(Handled handled)  // NOLINT: implicit, so `return Handled::kOk;` works
      : kind_(handled == Handled::kOk ? Kind::kOk : Kind::kShutdown) {}
  // A non-OK status is a recoverable fault; an OK status is Handled::kOk.
  HandlerResult(absl::Status status)  // NOLINT: implicit, so handlers can return statuses
      : kind_(status.ok() ? Kind::kOk : Kind::kError) {
    if (!status.ok())
      rare_ = std::make_unique<Rare>(Rare{FaultSeverity::kRecoverable, std::move(status), nullptr});
  }

  // An error of the named severity (an OK `status` becomes kUnknown, so it is still an error):
  static HandlerResult Benign(absl::Status status) {
    return Error(std::move(status), FaultSeverity::kBenign);
  }
  static HandlerResult Recoverable(absl::Status status) {
    return Error(std::move(status), FaultSeverity::kRecoverable);
  }
  static HandlerResult Unrecoverable(absl::Status status) {
    return Error(std::move(status), FaultSeverity::kUnrecoverable);
  }
  // Used by BlockOn (runtime/async.h).
  static HandlerResult Blocking(std::unique_ptr<runtime_internal::BlockingTask> task) {
    HandlerResult r(Handled::kOk);
    r.kind_ = Kind::kBlockOn;
    r.rare_ = std::make_unique<Rare>(Rare{FaultSeverity::kRecoverable, absl::OkStatus(), std::move(task)});
    return r;
  }

  // The kind of outcome.
  Kind kind() const { return kind_; }
  // True iff kind() is kOk.
  bool ok() const { return kind_ == Kind::kOk; }
  // The error's severity (meaningful only if kind() is kError).
  FaultSeverity severity() const { return rare_ ? rare_->severity : FaultSeverity::kRecoverable; }
  // The error (OK unless kind() is kError).
  const absl::Status& status() const { return rare_ ? rare_->status : OkStatusRef(); }
  // Moves out the task of a kBlockOn result (nullptr otherwise, or once taken); used by the runtime.
  std::unique_ptr<runtime_internal::BlockingTask> TakeBlockingTask() {
    return rare_ ? std::move(rare_->task) : nullptr;
  }

 private:
  // Everything but the kind lives out of line: the common result (kOk) is one
  // byte and a null pointer, cheap to return from every handler.
  struct Rare {
    FaultSeverity severity;
    absl::Status status;
    std::unique_ptr<runtime_internal::BlockingTask> task;
  };

  static HandlerResult Error(absl::Status status, FaultSeverity severity) {
    if (status.ok()) status = absl::UnknownError("handler reported an error with an OK status");
    HandlerResult r(std::move(status));
    r.rare_->severity = severity;
    return r;
  }
  static const absl::Status& OkStatusRef() {
    static const absl::Status* const ok = new absl::Status();
    return *ok;
  }

  Kind kind_;
  std::unique_ptr<Rare> rare_;
};

}  // namespace kompact

#endif  // KOMPACT_RUNTIME_HANDLER_RESULT_H_
