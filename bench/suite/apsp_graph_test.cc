#include "bench/suite/apsp_graph.h"

#include <cmath>
#include <memory>
#include <vector>

#include "gtest/gtest.h"

namespace kompact::bench {
namespace {

TEST(ApspGraph, GeneratedGraphIsDeterministicWithZeroDiagonalAndMissingEdges) {
  const Graph a = GenerateGraph(32);
  const Graph b = GenerateGraph(32);
  EXPECT_EQ(a.distance, b.distance);
  int64_t missing = 0;
  for (int64_t i = 0; i < a.nodes; ++i) {
    EXPECT_EQ(a.at(i, i), 0.0);
    for (int64_t j = 0; j < a.nodes; ++j) missing += std::isinf(a.at(i, j)) ? 1 : 0;
  }
  EXPECT_GT(missing, 0);
  EXPECT_LT(missing, a.nodes * a.nodes);
}

TEST(ApspGraph, CutAndAssembleRoundTrip) {
  const Graph g = GenerateGraph(24);
  const std::vector<std::shared_ptr<const Block>> blocks = CutIntoBlocks(g, 8);
  ASSERT_EQ(blocks.size(), 9u);
  EXPECT_EQ(blocks[5]->row(), 1);
  EXPECT_EQ(blocks[5]->column(), 2);
  EXPECT_EQ(blocks[5]->at(3, 4), g.at(8 + 3, 16 + 4));
  EXPECT_EQ(Assemble(blocks).distance, g.distance);
}

TEST(ApspGraph, PhasesOverBlocksEqualSequentialFloydWarshall) {
  Graph expected = GenerateGraph(30);
  std::vector<std::shared_ptr<const Block>> blocks = CutIntoBlocks(expected, 10);
  FloydWarshall(expected);
  for (int64_t k = 0; k < expected.nodes; ++k) {
    std::vector<std::shared_ptr<const Block>> next;
    for (const auto& b : blocks) next.push_back(FloydWarshallPhase(*b, blocks, k));
    blocks = std::move(next);
  }
  EXPECT_EQ(Assemble(blocks).distance, expected.distance);
}

TEST(ApspGraph, FloydWarshallFindsShorterPathsThroughIntermediateNodes) {
  const double inf = std::numeric_limits<double>::infinity();
  Graph g{3, {0, 1, inf, inf, 0, 2, inf, inf, 0}};
  FloydWarshall(g);
  EXPECT_EQ(g.at(0, 2), 3.0);
  EXPECT_EQ(g.at(2, 0), inf);
}

}  // namespace
}  // namespace kompact::bench
