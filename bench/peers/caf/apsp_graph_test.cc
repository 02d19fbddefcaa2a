#include "bench/peers/caf/apsp_graph.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"

namespace kompact::bench::caf_peer {
namespace {

TEST(ApspGraph, GenerationIsDeterministicWithZeroDiagonalAndSomeMissingEdges) {
  const Graph a = GenerateGraph(40);
  EXPECT_EQ(a, GenerateGraph(40));
  int missing = 0;
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(a.at(i, i), 0.0);
    for (int j = 0; j < 40; ++j) {
      if (std::isinf(a.at(i, j)))
        ++missing;
      else
        EXPECT_LT(a.at(i, j), 5.0 + 1e-9);
    }
  }
  // Half the weights are cut off; the diagonal never is.
  EXPECT_GT(missing, 40 * 39 / 4);
  EXPECT_LT(missing, 40 * 39 * 3 / 4);
}

TEST(ApspGraph, BlocksRoundTrip) {
  const Graph graph = GenerateGraph(24);
  const std::vector<Block> blocks = BreakIntoBlocks(graph, 8);
  ASSERT_EQ(blocks.size(), 9u);
  EXPECT_EQ(blocks[5].block_row(), 1);
  EXPECT_EQ(blocks[5].block_column(), 2);
  EXPECT_EQ(blocks[5].distance[3 * 8 + 4], graph.at(8 + 3, 16 + 4));
  std::vector<const Block*> pointers;
  for (const Block& b : blocks) pointers.push_back(&b);
  EXPECT_EQ(AssembleFromBlocks(pointers), graph);
}

TEST(ApspGraph, FloydWarshallFindsShorterPathsThroughIntermediateNodes) {
  const double inf = INFINITY;
  Graph graph{3, {0, 1, inf, inf, 0, 2, 7, inf, 0}};
  FloydWarshall(graph);
  EXPECT_EQ(graph, (Graph{3, {0, 1, 3, 9, 0, 2, 7, 8, 0}}));
}

TEST(ApspGraph, PhasesOverBlocksGiveExactlyTheSequentialResult) {
  const Graph graph = GenerateGraph(30);
  Graph expected = graph;
  FloydWarshall(expected);
  std::vector<Block> blocks = BreakIntoBlocks(graph, 10);
  for (int k = 0; k < graph.nodes; ++k) {
    const std::vector<Block> previous = blocks;  // what the neighbours sent
    for (Block& block : blocks) {
      const int kb = k / block.size;
      const Block& column_k = previous[block.block_row() * block.per_dim + kb];
      const Block& row_k = previous[kb * block.per_dim + block.block_column()];
      ComputePhase(block, k, column_k, row_k);
    }
  }
  std::vector<const Block*> pointers;
  for (const Block& b : blocks) pointers.push_back(&b);
  EXPECT_EQ(AssembleFromBlocks(pointers), expected);
  EXPECT_NE(expected, graph);  // the graph had shorter paths to find
}

}  // namespace
}  // namespace kompact::bench::caf_peer
