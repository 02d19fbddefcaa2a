#include "bench/suite/apsp_graph.h"

#include <algorithm>
#include <limits>
#include <random>

#include "glog/logging.h"

namespace kompact::bench {

Graph GenerateGraph(int64_t nodes) {
  constexpr double kWeightFactor = 10.0;
  constexpr double kWeightCutoff = 5.0;
  std::mt19937_64 random(static_cast<uint64_t>(nodes));
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  Graph g{nodes, std::vector<double>(nodes * nodes)};
  for (int64_t i = 0; i < nodes; ++i) {
    for (int64_t j = 0; j < nodes; ++j) {
      const double w = unit(random) * kWeightFactor;
      g.at(i, j) = i == j ? 0.0 : (w > kWeightCutoff ? std::numeric_limits<double>::infinity() : w);
    }
  }
  return g;
}

void FloydWarshall(Graph& g) {
  for (int64_t k = 0; k < g.nodes; ++k) {
    for (int64_t i = 0; i < g.nodes; ++i) {
      const double ik = g.at(i, k);
      for (int64_t j = 0; j < g.nodes; ++j) g.at(i, j) = std::min(g.at(i, j), ik + g.at(k, j));
    }
  }
}

std::vector<std::shared_ptr<const Block>> CutIntoBlocks(const Graph& graph, int64_t block_size) {
  CHECK_GT(block_size, 0);
  CHECK_EQ(graph.nodes % block_size, 0) << "the block size must divide the node count";
  const int64_t per_dim = graph.nodes / block_size;
  std::vector<std::shared_ptr<const Block>> blocks;
  blocks.reserve(per_dim * per_dim);
  for (int64_t id = 0; id < per_dim * per_dim; ++id) {
    auto b = std::make_shared<Block>();
    b->id = id;
    b->blocks_per_dim = per_dim;
    b->size = block_size;
    b->distance.resize(block_size * block_size);
    for (int64_t i = 0; i < block_size; ++i) {
      for (int64_t j = 0; j < block_size; ++j) {
        b->distance[i * block_size + j] = graph.at(b->row() * block_size + i, b->column() * block_size + j);
      }
    }
    blocks.push_back(std::move(b));
  }
  return blocks;
}

Graph Assemble(const std::vector<std::shared_ptr<const Block>>& blocks) {
  CHECK(!blocks.empty());
  const int64_t size = blocks[0]->size;
  const int64_t per_dim = blocks[0]->blocks_per_dim;
  Graph g{size * per_dim, std::vector<double>(size * per_dim * size * per_dim)};
  for (const auto& b : blocks) {
    for (int64_t i = 0; i < size; ++i) {
      for (int64_t j = 0; j < size; ++j) g.at(b->row() * size + i, b->column() * size + j) = b->at(i, j);
    }
  }
  return g;
}

std::shared_ptr<const Block> FloydWarshallPhase(const Block& current,
                                                const std::vector<std::shared_ptr<const Block>>& blocks,
                                                int64_t k) {
  const int64_t size = current.size;
  const int64_t kb = k / size;  // the block row/column holding node k
  const int64_t kl = k % size;
  // Column k for our rows lives in block (our row, kb); row k for our columns in
  // block (kb, our column).
  const Block& column_block = *blocks[current.row() * current.blocks_per_dim + kb];
  const Block& row_block = *blocks[kb * current.blocks_per_dim + current.column()];
  auto next = std::make_shared<Block>();
  next->id = current.id;
  next->blocks_per_dim = current.blocks_per_dim;
  next->size = size;
  next->distance.resize(size * size);
  const double* row_k = &row_block.distance[kl * size];
  for (int64_t i = 0; i < size; ++i) {
    const double ik = column_block.at(i, kl);
    const double* in = &current.distance[i * size];
    double* out = &next->distance[i * size];
    for (int64_t j = 0; j < size; ++j) out[j] = std::min(in[j], ik + row_k[j]);
  }
  return next;
}

}  // namespace kompact::bench
