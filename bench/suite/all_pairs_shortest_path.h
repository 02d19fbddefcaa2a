// AllPairsShortestPath (the Kompics message-passing suite): block-parallel
// Floyd–Warshall over components. A manager cuts the graph into blocks and
// creates one component per block; in every phase each block sends its result
// to the blocks in its block row and column and computes the next phase once it
// has theirs; after the last phase it reports to the manager and dies. Timed
// from the request to the manager having assembled the result (block creation
// included, as in Kompact's version); the result must equal sequential
// Floyd–Warshall exactly. Returns runs/s.
//
//   actor      block results are actor messages to the neighbours' refs
//   component  block results are indications broadcast on a provided port
//              connected to the neighbours' required ports; the manager is
//              reached through a port too
//
// Thread-safety: Run* are called by the suite's driver thread, one at a time.
#ifndef KOMPACT_BENCH_SUITE_ALL_PAIRS_SHORTEST_PATH_H_
#define KOMPACT_BENCH_SUITE_ALL_PAIRS_SHORTEST_PATH_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "bench/suite/apsp_graph.h"
#include "runtime/kompact_system.h"

namespace kompact::bench {

class AllPairsShortestPath {
 public:
  // `block_size` must divide `nodes`, with at least 2 blocks per dimension.
  AllPairsShortestPath(int64_t nodes, int64_t block_size) : nodes_(nodes), block_size_(block_size) {}

  [[nodiscard]] absl::StatusOr<double> RunActor(const KompactSystem& system);
  [[nodiscard]] absl::StatusOr<double> RunComponent(const KompactSystem& system);

 private:
  // The graph and its expected result, computed on first use (not timed).
  [[nodiscard]] absl::Status Prepare();

  const int64_t nodes_;
  const int64_t block_size_;
  std::shared_ptr<const Graph> graph_;
  std::shared_ptr<const Graph> expected_;
};

}  // namespace kompact::bench

#endif  // KOMPACT_BENCH_SUITE_ALL_PAIRS_SHORTEST_PATH_H_
