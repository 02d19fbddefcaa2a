// Stopwatch: wall-clock seconds of a measured phase (steady clock), for the
// workloads of both suites (//bench:suite and //bench/peers/caf:suite), so they
// time the same way.
//
//   Stopwatch watch;
//   ... the measured phase ...
//   return n / watch.Seconds();
//
// Thread-safety: a plain value; Seconds() may be called from any thread that
// sees the object. No lifetime requirements.
#ifndef KOMPACT_BENCH_HARNESS_STOPWATCH_H_
#define KOMPACT_BENCH_HARNESS_STOPWATCH_H_

#include <chrono>

namespace kompact::bench {

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  // Seconds since construction.
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace kompact::bench

#endif  // KOMPACT_BENCH_HARNESS_STOPWATCH_H_
