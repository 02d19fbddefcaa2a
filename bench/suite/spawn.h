// Spawn (../shared/spec/BENCHMARKS.md): create n components, each is started,
// receives one message and dies. Timed from the first Create to the last
// definition destroyed; returns M components/s.
//
//   actor      the message is an actor message; the handler returns Handled::kShutdown
//   component  the message is a request triggered from outside into the
//              component's provided port (KompactSystem::TriggerRequest)
//
// IdleMemory (same file: both are about the cost of a component): n components
// are created and started and left idle; returns the heap growth per component
// (glibc mallinfo2: in-use bytes of all arenas plus mmapped blocks), measured
// after they all started.
//
// Thread-safety: the workloads run on the suite's driver thread.
#ifndef KOMPACT_BENCH_SUITE_SPAWN_H_
#define KOMPACT_BENCH_SUITE_SPAWN_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "runtime/kompact_system.h"

namespace kompact::bench {

[[nodiscard]] absl::StatusOr<double> RunActorSpawn(const KompactSystem& system, int64_t n);
[[nodiscard]] absl::StatusOr<double> RunComponentSpawn(const KompactSystem& system, int64_t n);

// Bytes per idle component: `actor` (an actor, no ports) or a plain component
// with no ports.
[[nodiscard]] absl::StatusOr<double> RunIdleMemory(const KompactSystem& system, int64_t n, bool actor);

}  // namespace kompact::bench

#endif  // KOMPACT_BENCH_SUITE_SPAWN_H_
