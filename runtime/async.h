// Async inside components (FEATURES.md C8), on C++20 coroutines
// (executors/task.h: Task<T>, co_await on Future<T> and Task<T>).
//
//   // Block: nothing else of this component runs until the task completes; the
//   // task has exclusive access to the component at every step.
//   HandlerResult OnStart() override { return kompact::BlockOn(Connect(*this)); }
//   static Task<HandlerResult> Connect(Resolver& self) {
//     auto addr = co_await self.service_.Ask<Address>(Lookup{"db"});
//     ...; co_return Handled::kOk;
//   }
//
//   // Interleave: the task runs between this component's other events, with
//   // exclusive access each time it resumes.
//   JoinHandle<int> h = SpawnLocal(*this, Query(*this, name));
//
//   // Off the component: on the system's executor, no access to the component.
//   JoinHandle<Digest> d = SpawnOff(*this, Hash(std::move(bytes)));
//   JoinHandle<int> j = system.Spawn(Work());
//
// A task that takes `Self&` may use it only between its own co_awaits (it runs
// on the component's thread then); it must not hand the reference to other
// threads. If the component dies, its queued and future resumptions are
// cancelled: the task's frames are destroyed and its join future fails with
// kCancelled. Sending to yourself while blocked does not deadlock (Kompact #108):
// the message waits until the block ends. A lifecycle handler may block; the
// transition (and its …Notify future) completes when the task does. Kill ends a
// block at once, abandoning the task.
//
// g++ 12 caveat: a temporary with a non-trivial destructor inside a co_await
// expression (`co_await ref.Ask<R>(Lookup{id, name})`) can be destroyed too early
// (a compiler bug: heap-use-after-free under ASan). Name the future first:
//   Future<R> reply = ref.Ask<R>(Lookup{id, name});
//   absl::StatusOr<R> r = co_await std::move(reply);
//
// Thread-safety: BlockOn/SpawnLocal/SpawnOff are called from the component's own
// handlers; KompactSystem::Spawn from anywhere. Lifetime: join futures may be
// dropped or Detach()ed (the task keeps running).
#ifndef KOMPACT_RUNTIME_ASYNC_H_
#define KOMPACT_RUNTIME_ASYNC_H_

#include <memory>
#include <utility>

#include "executors/future.h"
#include "executors/spawn.h"
#include "executors/task.h"
#include "glog/logging.h"
#include "runtime/component_core.h"
#include "runtime/component_definition.h"
#include "runtime/handler_result.h"
#include "runtime/internal/component_extras.h"
#include "runtime/internal/core_refs.h"
#include "runtime/kompact_system.h"

namespace kompact {

namespace runtime_internal {

// Runs `task` through one of `core`'s resume contexts. The contexts live in the
// component's memory, which must outlive the task tree: a weak reference is held
// until the join future completes (the tree finished or was cancelled).
template <typename T>
JoinHandle<T> SpawnOnComponent(ComponentCore& core, Task<T> task, bool blocking) {
  ComponentExtras& ex = core.extras_for_async();
  ResumeContext& context = blocking ? static_cast<ResumeContext&>(ex.blocking_context) : ex.local_context;
  return Spawn(context, std::move(task)).Then([keep = WeakCoreRef(&core)](FutureResult<T> result) {
    return result;
  });
}

class BlockingTaskImpl final : public BlockingTask {
 public:
  explicit BlockingTaskImpl(Task<HandlerResult> task) : task_(std::move(task)) {}
  Future<HandlerResult> Start(ResumeContext&, ComponentCore* component) && override {
    return SpawnOnComponent(*component, std::move(task_), /*blocking=*/true);
  }

 private:
  Task<HandlerResult> task_;
};

}  // namespace runtime_internal

// Return from a handler (or lifecycle hook) to block the component on `task`;
// the task's HandlerResult is then applied as if the handler had returned it.
inline HandlerResult BlockOn(Task<HandlerResult> task) {
  return HandlerResult::Blocking(std::make_unique<runtime_internal::BlockingTaskImpl>(std::move(task)));
}

// Runs `task` interleaved with `self`'s event handling. Own thread only.
template <typename Self, typename T>
JoinHandle<T> SpawnLocal(ComponentDefinition<Self>& self, Task<T> task) {
  DCHECK(self.core().IsCurrent()) << "SpawnLocal must be called from the component's own handlers";
  return runtime_internal::SpawnOnComponent(self.core(), std::move(task), /*blocking=*/false);
}

// Runs `task` on the system's executor, without access to the component.
template <typename Self, typename T>
JoinHandle<T> SpawnOff(ComponentDefinition<Self>& self, Task<T> task) {
  return Spawn(self.core().executor(), std::move(task));
}

}  // namespace kompact

#endif  // KOMPACT_RUNTIME_ASYNC_H_
