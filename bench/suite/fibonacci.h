// Fibonacci (the Kompics message-passing suite): recursive component creation.
// The component asked for fib(n) (n > 2) creates and starts two children, asks
// them for fib(n-1) and fib(n-2), adds their answers, reports to its parent and
// dies; fib(1) = fib(2) = 1 answer at once. fib(n) creates 2 fib(n) - 1
// components. Timed from the request to the root's answer (the children are
// still dying then, as in Kompact's version); the run then waits until every
// component is gone. Returns M components/s; the answer and the number of
// components created are checked.
//
// Thread-safety: the workload runs on the suite's driver thread.
#ifndef KOMPACT_BENCH_SUITE_FIBONACCI_H_
#define KOMPACT_BENCH_SUITE_FIBONACCI_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "runtime/kompact_system.h"

namespace kompact::bench {

[[nodiscard]] absl::StatusOr<double> RunFibonacci(const KompactSystem& system, int n);

// fib(n) with fib(1) = fib(2) = 1, iteratively.
uint64_t Fibonacci(int n);

// The n whose work is about `scale` times that of fib(n) (work grows by the
// golden ratio per step), at least 3.
int ScaledFibonacciN(int n, double scale);

}  // namespace kompact::bench

#endif  // KOMPACT_BENCH_SUITE_FIBONACCI_H_
