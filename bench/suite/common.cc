#include "bench/suite/common.h"

#include <condition_variable>
#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status.h"

namespace kompact::bench {

// ---- Latch ----------------------------------------------------------------------------

Latch::Latch(int64_t count) : remaining_(count) {
  auto [promise, future] = MakePromise<void>();
  promise_ = std::move(promise);
  future_ = std::move(future);
  if (count <= 0) promise_.Fulfil();
}

void Latch::CountDown() {
  // Only the party that brings the count from 1 to 0 touches the promise.
  if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) promise_.Fulfil();
}

absl::Status Latch::Wait(absl::Duration limit) {
  return Annotate(future_.WaitFor(limit), "waiting for the run to complete");
}

// ---- LiveComponents -------------------------------------------------------------------

namespace {
std::atomic<int64_t> live{0};
std::atomic<int64_t> leaked{0};  // alive after a failed run; not waited for
std::atomic<int64_t> created_total{0};
std::mutex live_mu;
std::condition_variable live_cv;
}  // namespace

void LiveComponents::Add() {
  live.fetch_add(1, std::memory_order_relaxed);
  created_total.fetch_add(1, std::memory_order_relaxed);
}

void LiveComponents::Remove() {
  if (live.fetch_sub(1, std::memory_order_acq_rel) - 1 <= leaked.load(std::memory_order_relaxed)) {
    // Notify under the lock so a waiter between its check and its wait cannot miss it.
    std::lock_guard<std::mutex> lock(live_mu);
    live_cv.notify_all();
  }
}

void LiveComponents::ForgetLeaked() {
  leaked.store(live.load(std::memory_order_acquire), std::memory_order_relaxed);
}

int64_t LiveComponents::count() { return live.load(std::memory_order_acquire); }
int64_t LiveComponents::created() { return created_total.load(std::memory_order_relaxed); }

absl::Status LiveComponents::AwaitNone(absl::Duration limit) {
  std::unique_lock<std::mutex> lock(live_mu);
  const auto done = [] {
    return live.load(std::memory_order_acquire) <= leaked.load(std::memory_order_relaxed);
  };
  if (live_cv.wait_for(lock, absl::ToChronoNanoseconds(limit), done)) return absl::OkStatus();
  return absl::DeadlineExceededError(absl::StrCat(count() - leaked.load(), " components still alive after ",
                                                  absl::FormatDuration(limit), " (teardown did not finish)"));
}

// ---- start / kill -----------------------------------------------------------------------

namespace {
absl::Status AwaitAll(std::vector<Future<void>> futures, const char* what) {
  absl::Status status = absl::OkStatus();
  for (Future<void>& f : futures) status.Update(f.WaitFor(kWaitLimit));
  return Annotate(status, what);
}
}  // namespace

absl::Status StartAll(const KompactSystem& system, const std::vector<AnyComponent>& components) {
  std::vector<Future<void>> futures;
  futures.reserve(components.size());
  for (const AnyComponent& c : components) futures.push_back(system.StartNotify(c));
  return AwaitAll(std::move(futures), "starting components");
}

absl::Status KillAll(const KompactSystem& system, const std::vector<AnyComponent>& components) {
  std::vector<Future<void>> futures;
  futures.reserve(components.size());
  for (const AnyComponent& c : components) futures.push_back(system.KillNotify(c));
  return AwaitAll(std::move(futures), "killing components");
}

absl::Status TeardownAll(const KompactSystem& system, std::vector<AnyComponent> components) {
  KOMPACT_RETURN_IF_ERROR(KillAll(system, components));
  components.clear();
  return LiveComponents::AwaitNone();
}

absl::Status WrongResult(const std::string& workload, const std::string& what) {
  return absl::InternalError(absl::StrCat(workload, ": wrong result: ", what));
}

}  // namespace kompact::bench
