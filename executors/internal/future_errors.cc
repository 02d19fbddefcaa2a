#include "executors/internal/future_errors.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"
#include "base/build_config.h"
#include "base/log.h"

namespace kompact::executors_internal {
namespace {

const Logger& FutureLogger() {
  static const Logger* const logger = new Logger(Logger().WithContext("module", "executors"));
  return *logger;
}

}  // namespace

absl::Status PromiseDroppedError() {
  return absl::CancelledError(
      "PromiseDropped: the Promise of this Future was destroyed before it was fulfilled");
}

absl::Status BlockingWaitOnExecutorError(std::string_view operation) {
  std::string message =
      absl::StrCat(AsAbsl(operation),
                   " called on an executor thread: blocking a pool thread can deadlock the system "
                   "(the work that would complete the future may need this thread); use co_await "
                   "in a Task or Future::Then instead");
  KLOG(FutureLogger(), ERROR) << message;
  return absl::FailedPreconditionError(message);
}

absl::Status InvalidFutureError(std::string_view operation) {
  return absl::FailedPreconditionError(
      absl::StrCat(AsAbsl(operation),
                   " on an invalid future or task (default-constructed, moved from or "
                   "already consumed)"));
}

absl::Status WaitTimeoutError(std::string_view operation, absl::Duration timeout) {
  return absl::DeadlineExceededError(absl::StrCat(AsAbsl(operation), ": the future was not completed within ",
                                                  absl::FormatDuration(timeout),
                                                  "; it stays valid and can be waited on again"));
}

absl::Status ExceptionToStatus(std::exception_ptr exception, std::string_view where) {
  try {
    std::rethrow_exception(exception);
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("an exception escaped ", AsAbsl(where), ": ", e.what()));
  } catch (...) {
    return absl::InternalError(
        absl::StrCat("an exception escaped ", AsAbsl(where), ": unknown exception type"));
  }
}

absl::Status OkPassedAsFailureError(std::string_view operation) {
  return absl::InternalError(
      absl::StrCat(AsAbsl(operation), " was given an OK status; a failure was required"));
}

void ReportInvalidPromise(std::string_view operation) {
  if (kDebugBuild) {
    KLOG(FutureLogger(), FATAL) << operation << " on a promise that was already completed or moved from";
  } else {
    KLOG(FutureLogger(), ERROR) << operation
                                << " on a promise that was already completed or moved from; "
                                   "ignored";
  }
}

}  // namespace kompact::executors_internal
