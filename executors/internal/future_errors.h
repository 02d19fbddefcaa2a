// Statuses and diagnostics shared by futures and tasks (executors/future.h,
// executors/task.h), out of line so the templates stay small.
//
// Thread-safety: stateless (the logging ones write through the default Logger).
#ifndef KOMPACT_EXECUTORS_INTERNAL_FUTURE_ERRORS_H_
#define KOMPACT_EXECUTORS_INTERNAL_FUTURE_ERRORS_H_

#include <exception>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace kompact::executors_internal {

// kCancelled: the promise was destroyed before it was completed (Kompact's
// PromiseDropped).
absl::Status PromiseDroppedError();

// kFailedPrecondition for a blocking wait called on an executor thread; also logs
// the misuse at ERROR. `operation` names the call ("Future::Wait").
absl::Status BlockingWaitOnExecutorError(std::string_view operation);

// kFailedPrecondition for an operation on a default-constructed, moved-from or
// consumed Future or Task.
absl::Status InvalidFutureError(std::string_view operation);

// kDeadlineExceeded for a wait that timed out; says the future is still usable.
absl::Status WaitTimeoutError(std::string_view operation, absl::Duration timeout);

// kInternal naming the exception's what() (or "unknown exception"), thrown by user
// code running in `where` ("a task", "a Future continuation").
absl::Status ExceptionToStatus(std::exception_ptr exception, std::string_view where);

// kInternal replacing an OK status passed where a failure is required
// (Promise::Fail(OkStatus())).
absl::Status OkPassedAsFailureError(std::string_view operation);

// A promise completed twice or after being moved from: a programming error. Fatal
// in debug builds, logged at ERROR otherwise (the call is then ignored).
void ReportInvalidPromise(std::string_view operation);

}  // namespace kompact::executors_internal

#endif  // KOMPACT_EXECUTORS_INTERNAL_FUTURE_ERRORS_H_
