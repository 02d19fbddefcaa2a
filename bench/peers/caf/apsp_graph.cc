#include "bench/peers/caf/apsp_graph.h"

#include <limits>
#include <random>

#include "glog/logging.h"

namespace kompact::bench::caf_peer {

Graph GenerateGraph(int nodes) {
  constexpr double kWeightFactor = 10.0;
  constexpr double kWeightCutoff = 5.0;
  std::mt19937_64 random(static_cast<uint64_t>(nodes));
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  Graph graph{nodes, std::vector<double>(static_cast<size_t>(nodes) * nodes)};
  for (int i = 0; i < nodes; ++i) {
    for (int j = 0; j < nodes; ++j) {
      const double weight = unit(random) * kWeightFactor;
      graph.distance[static_cast<size_t>(i) * nodes + j] =
          i == j ? 0.0 : (weight > kWeightCutoff ? std::numeric_limits<double>::infinity() : weight);
    }
  }
  return graph;
}

void FloydWarshall(Graph& graph) {
  const size_t n = static_cast<size_t>(graph.nodes);
  double* d = graph.distance.data();
  for (size_t k = 0; k < n; ++k) {
    for (size_t i = 0; i < n; ++i) {
      const double ik = d[i * n + k];
      for (size_t j = 0; j < n; ++j) {
        const double candidate = ik + d[k * n + j];
        if (d[i * n + j] > candidate) d[i * n + j] = candidate;
      }
    }
  }
}

std::vector<Block> BreakIntoBlocks(const Graph& graph, int block_size) {
  CHECK_GT(block_size, 0);
  CHECK_EQ(graph.nodes % block_size, 0) << "the block size must divide the number of nodes";
  const int per_dim = graph.nodes / block_size;
  std::vector<Block> blocks;
  blocks.reserve(static_cast<size_t>(per_dim) * per_dim);
  for (int id = 0; id < per_dim * per_dim; ++id) {
    Block block{id, per_dim, block_size, std::vector<double>(static_cast<size_t>(block_size) * block_size)};
    const int row0 = block.block_row() * block_size;
    const int column0 = block.block_column() * block_size;
    for (int i = 0; i < block_size; ++i) {
      for (int j = 0; j < block_size; ++j) {
        block.distance[static_cast<size_t>(i) * block_size + j] = graph.at(row0 + i, column0 + j);
      }
    }
    blocks.push_back(std::move(block));
  }
  return blocks;
}

Graph AssembleFromBlocks(const std::vector<const Block*>& blocks) {
  CHECK(!blocks.empty());
  const int per_dim = blocks[0]->per_dim;
  const int size = blocks[0]->size;
  CHECK_EQ(blocks.size(), static_cast<size_t>(per_dim) * per_dim);
  const int nodes = per_dim * size;
  Graph graph{nodes, std::vector<double>(static_cast<size_t>(nodes) * nodes)};
  for (const Block* block : blocks) {
    CHECK(block != nullptr);
    const int row0 = block->block_row() * size;
    const int column0 = block->block_column() * size;
    for (int i = 0; i < size; ++i) {
      for (int j = 0; j < size; ++j) {
        graph.distance[static_cast<size_t>(row0 + i) * nodes + column0 + j] =
            block->distance[static_cast<size_t>(i) * size + j];
      }
    }
  }
  return graph;
}

void ComputePhase(Block& block, int k, const Block& column_k_block, const Block& row_k_block) {
  const size_t s = static_cast<size_t>(block.size);
  const size_t local_k = static_cast<size_t>(k) % s;
  DCHECK_EQ(column_k_block.block_row(), block.block_row());
  DCHECK_EQ(column_k_block.block_column(), k / block.size);
  DCHECK_EQ(row_k_block.block_row(), k / block.size);
  DCHECK_EQ(row_k_block.block_column(), block.block_column());
  double* d = block.distance.data();
  const double* row_k = row_k_block.distance.data() + local_k * s;
  for (size_t i = 0; i < s; ++i) {
    // Row k and column k do not change in phase k (the diagonal is 0 and weights are
    // non-negative), so reading them while updating `block` in place is exact.
    const double ik = column_k_block.distance[i * s + local_k];
    for (size_t j = 0; j < s; ++j) {
      const double candidate = ik + row_k[j];
      if (d[i * s + j] > candidate) d[i * s + j] = candidate;
    }
  }
}

}  // namespace kompact::bench::caf_peer
