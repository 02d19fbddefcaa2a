// Marks the calling thread as an executor thread for OnExecutorThread()
// (executors/executor.h). Every executor's worker loop holds an
// ExecutorThreadScope for its lifetime; ManualExecutor holds one while running tasks.
//
// Thread-safety: thread-local state only.
#ifndef KOMPACT_EXECUTORS_INTERNAL_EXECUTOR_THREAD_H_
#define KOMPACT_EXECUTORS_INTERNAL_EXECUTOR_THREAD_H_

namespace kompact::executors_internal {

class ExecutorThreadScope {
 public:
  ExecutorThreadScope();
  ~ExecutorThreadScope();
  ExecutorThreadScope(const ExecutorThreadScope&) = delete;
  ExecutorThreadScope& operator=(const ExecutorThreadScope&) = delete;

 private:
  bool was_on_executor_thread_;
};

}  // namespace kompact::executors_internal

#endif  // KOMPACT_EXECUTORS_INTERNAL_EXECUTOR_THREAD_H_
