// Graphs for the AllPairsShortestPath workload: generation (as in the Kompics
// suite: weights uniform in [0, 10), those above 5 are "no edge", i.e. +inf),
// sequential Floyd-Warshall (the reference result), and the blocked form the
// block actors compute: one phase k of Floyd-Warshall over one block, given the
// blocks holding row k and column k from the previous phase.
//
// Plain values; not synchronised (actors share blocks read-only).
#ifndef KOMPACT_BENCH_PEERS_CAF_APSP_GRAPH_H_
#define KOMPACT_BENCH_PEERS_CAF_APSP_GRAPH_H_

#include <cstddef>
#include <vector>

namespace kompact::bench::caf_peer {

// A dense distance matrix, row-major.
struct Graph {
  int nodes = 0;
  std::vector<double> distance;  // nodes * nodes

  double at(int i, int j) const { return distance[static_cast<std::size_t>(i) * nodes + j]; }
  bool operator==(const Graph&) const = default;
};

// A `size` x `size` block of a graph; block `id` sits at block row id / per_dim,
// block column id % per_dim.
struct Block {
  int id = 0;
  int per_dim = 0;  // blocks per dimension
  int size = 0;
  std::vector<double> distance;  // size * size, row-major

  int block_row() const { return id / per_dim; }
  int block_column() const { return id % per_dim; }
};

// A deterministic random graph (seeded by `nodes`): distance 0 on the diagonal.
Graph GenerateGraph(int nodes);

// Floyd-Warshall in place.
void FloydWarshall(Graph& graph);

// Blocks in id order; `graph.nodes` must be a multiple of `block_size`.
std::vector<Block> BreakIntoBlocks(const Graph& graph, int block_size);

// The graph the blocks (indexed by id, all present) form.
Graph AssembleFromBlocks(const std::vector<const Block*>& blocks);

// Phase `k` of Floyd-Warshall over `block`: `row_k_block` is the block holding
// global row k in `block`'s column, `column_k_block` the one holding global
// column k in `block`'s row (either may be `block` itself). Gives exactly the
// values of the sequential algorithm.
void ComputePhase(Block& block, int k, const Block& column_k_block, const Block& row_k_block);

}  // namespace kompact::bench::caf_peer

#endif  // KOMPACT_BENCH_PEERS_CAF_APSP_GRAPH_H_
