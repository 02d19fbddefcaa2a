// The OS threads of one executor: started together, joined once.
//
// Threads are created with pthread_create so that a failure is a status, not an
// exception. Join() may be called from several threads at once (Shutdown and
// AwaitTermination racing): the first caller joins, the others block on a mutex
// until it is done; no polling.
//
// Thread-safety: Start once, before anything else; Join from any thread that is
// not one of the group's. Lifetime: the group must outlive its threads (Join
// before destruction; the destructor CHECKs that).
#ifndef KOMPACT_EXECUTORS_INTERNAL_THREAD_GROUP_H_
#define KOMPACT_EXECUTORS_INTERNAL_THREAD_GROUP_H_

#include <pthread.h>

#include <cstddef>
#include <functional>
#include <mutex>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"

namespace kompact::executors_internal {

class ThreadGroup {
 public:
  ThreadGroup() = default;
  ThreadGroup(const ThreadGroup&) = delete;
  ThreadGroup& operator=(const ThreadGroup&) = delete;
  ~ThreadGroup();

  // Starts `count` threads, thread i running body(i). On failure returns
  // kResourceExhausted naming `what`; the threads started so far keep running
  // and must be stopped by the caller and joined with Join().
  [[nodiscard]] absl::Status Start(size_t count, std::function<void(size_t)> body, const char* what);

  // Blocks until every started thread has exited. Idempotent.
  void Join();

  size_t size() const { return threads_.size(); }

 private:
  struct Launch {
    ThreadGroup* group;
    size_t index;
  };
  static void* Trampoline(void* arg);

  std::function<void(size_t)> body_;
  std::vector<pthread_t> threads_;  // written by Start only
  std::mutex join_mu_;
  bool joined_ ABSL_GUARDED_BY(join_mu_) = false;
};

}  // namespace kompact::executors_internal

#endif  // KOMPACT_EXECUTORS_INTERNAL_THREAD_GROUP_H_
