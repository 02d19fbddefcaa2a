// The messages of the workers examples (the Kompact book's "Communication"
// chapter): a Work request (data and an associative, commutative aggregation
// function), the WorkPart a worker aggregates, and the WorkResult.
#ifndef KOMPACT_EXAMPLES_WORK_H_
#define KOMPACT_EXAMPLES_WORK_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <numeric>
#include <vector>

namespace examples {

// How two values aggregate: the signature std::accumulate takes.
using Merger = uint64_t (*)(uint64_t, uint64_t);

// [tutorial:work]
struct Work {
  std::shared_ptr<const std::vector<uint64_t>> data;  // shared with the workers, never copied
  Merger merger;
  uint64_t neutral;  // the merger's neutral element
};
// [end]

// [tutorial:work_part]
struct WorkPart {
  std::shared_ptr<const std::vector<uint64_t>> data;
  size_t begin;  // the range [begin, end) of `data` to aggregate
  size_t end;
  Merger merger;
  uint64_t neutral;

  static WorkPart From(const Work& work, size_t begin, size_t end) {
    return WorkPart{work.data, begin, end, work.merger, work.neutral};
  }
  uint64_t Aggregate() const {
    return std::accumulate(data->begin() + begin, data->begin() + end, neutral, merger);
  }
};
// [end]

// [tutorial:work_result]
struct WorkResult {
  uint64_t value;
};
// [end]

// Addition that wraps around on overflow.
inline uint64_t OverflowingSum(uint64_t a, uint64_t b) { return a + b; }

// 1 + 2 + ... + n.
inline uint64_t TriangularNumber(uint64_t n) { return n * (n + 1) / 2; }

// The data 1, 2, ..., n.
inline std::shared_ptr<const std::vector<uint64_t>> OneToN(size_t n) {
  auto data = std::make_shared<std::vector<uint64_t>>(n);
  std::iota(data->begin(), data->end(), uint64_t{1});
  return data;
}

}  // namespace examples

#endif  // KOMPACT_EXAMPLES_WORK_H_
