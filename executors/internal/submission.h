// What every injector-fed executor (work-stealing pool, shared-queue pool,
// dedicated thread) does the same way: accept a submission from outside its
// threads, close for shutdown, and join.
//
// Thread-safety: SubmitFromOutside and CloseAndWakeAll from any thread;
// CloseAndJoin from any thread that is not one of the executor's (it says so
// with a status otherwise). Lifetime: the injector, parking lot and threads belong
// to the executor and outlive these calls.
#ifndef KOMPACT_EXECUTORS_INTERNAL_SUBMISSION_H_
#define KOMPACT_EXECUTORS_INTERNAL_SUBMISSION_H_

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "executors/executor.h"
#include "executors/internal/injector.h"
#include "executors/internal/parking_lot.h"
#include "executors/internal/thread_group.h"

namespace kompact::executors_internal {

// Pushes `runnable` into the injector. Accepted: wakes one parked thread unless
// `wake_one` is false (the increment in TryPush is the seq_cst RMW ParkingLot
// needs). Refused: false; if this refusal was the last thing a draining shutdown
// waited for, wakes every thread so they see it and exit.
inline bool SubmitFromOutside(Injector& injector, ParkingLot& parking, Runnable& runnable,
                              bool wake_one = true) {
  switch (injector.TryPush(runnable)) {
    case Injector::PushResult::kAccepted:
      if (wake_one) parking.NotifyOne();
      return true;
    case Injector::PushResult::kRefusedLastOut:
      parking.NotifyAll();
      return false;
    case Injector::PushResult::kRefused:
      return false;
  }
  return false;
}

// ShutdownAsync: closes the injector; the closing call wakes every thread once
// (each re-checks the injector before sleeping, so once is enough for them to
// drain and exit).
inline void CloseAndWakeAll(Injector& injector, ParkingLot& parking) {
  if (injector.Close()) parking.NotifyAll();
}

// Shutdown: CloseAndWakeAll, then join the threads. From one of the executor's
// own threads it would join itself: kFailedPrecondition naming `executor`.
inline absl::Status CloseAndJoin(bool on_own_thread, const char* executor, Injector& injector,
                                 ParkingLot& parking, ThreadGroup& threads) {
  if (on_own_thread) {
    return absl::FailedPreconditionError(absl::StrCat(executor,
                                                      "::Shutdown called from one of its own threads (it "
                                                      "would join itself); use ShutdownAsync"));
  }
  CloseAndWakeAll(injector, parking);
  threads.Join();
  return absl::OkStatus();
}

}  // namespace kompact::executors_internal

#endif  // KOMPACT_EXECUTORS_INTERNAL_SUBMISSION_H_
