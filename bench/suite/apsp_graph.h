// Graphs for AllPairsShortestPath: a dense adjacency matrix of doubles, cut into
// square blocks, and the pieces of the block-parallel Floyd–Warshall algorithm
// (the Kompics suite's helpers/graphs).
//
// Phases: block (bi, bj) at phase k needs, from the previous phase, the blocks in
// its block row (for column k) and its block column (for row k). Row and column
// k do not change during phase k (the diagonal is 0 and weights are
// non-negative), so the result equals sequential Floyd–Warshall bit for bit.
//
// Thread-safety: values; a Block shared between components is immutable
// (std::shared_ptr<const Block>).
#ifndef KOMPACT_BENCH_SUITE_APSP_GRAPH_H_
#define KOMPACT_BENCH_SUITE_APSP_GRAPH_H_

#include <cstdint>
#include <memory>
#include <vector>

namespace kompact::bench {

// A square matrix of distances (row-major); +infinity: no edge.
struct Graph {
  int64_t nodes = 0;
  std::vector<double> distance;  // nodes * nodes

  double at(int64_t i, int64_t j) const { return distance[i * nodes + j]; }
  double& at(int64_t i, int64_t j) { return distance[i * nodes + j]; }
};

// A random graph: 0 on the diagonal, elsewhere uniform in [0, 10) or, for
// values above 5, no edge. Deterministic for a given `nodes`.
Graph GenerateGraph(int64_t nodes);

// Sequential Floyd–Warshall, in place.
void FloydWarshall(Graph& graph);

// One block of a graph cut into blocks_per_dim^2 square blocks of `size` nodes.
struct Block {
  int64_t id = 0;  // row-major block index
  int64_t blocks_per_dim = 0;
  int64_t size = 0;
  std::vector<double> distance;  // size * size

  int64_t row() const { return id / blocks_per_dim; }
  int64_t column() const { return id % blocks_per_dim; }
  double at(int64_t i, int64_t j) const { return distance[i * size + j]; }
};

// Cuts `graph` into blocks of `block_size` (which must divide the node count),
// indexed by block id.
std::vector<std::shared_ptr<const Block>> CutIntoBlocks(const Graph& graph, int64_t block_size);
// The inverse of CutIntoBlocks.
Graph Assemble(const std::vector<std::shared_ptr<const Block>>& blocks);

// Phase k of Floyd–Warshall for `current`: `blocks[id]` must hold, for every
// block in current's block row and block column, its result of phase k-1
// (current itself included). Returns the new block.
std::shared_ptr<const Block> FloydWarshallPhase(const Block& current,
                                                const std::vector<std::shared_ptr<const Block>>& blocks,
                                                int64_t k);

}  // namespace kompact::bench

#endif  // KOMPACT_BENCH_SUITE_APSP_GRAPH_H_
