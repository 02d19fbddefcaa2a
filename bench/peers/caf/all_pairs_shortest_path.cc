// AllPairsShortestPath: block-parallel Floyd-Warshall (the Kompics suite's
// design). A manager breaks the graph into blocks, spawns one actor per block and
// tells each its neighbours (the other blocks in its block row and block column).
// In phase k every block needs row k and column k of phase k-1, which its
// neighbours hold: each block sends its data to all neighbours after every phase
// and computes the next phase once it has all of theirs. After the last phase the
// blocks send their data to the manager and quit; the manager assembles the graph
// and answers the driver. Timed from the compute request to the answer.
#include <cstdint>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "bench/peers/caf/apsp_graph.h"
#include "bench/peers/caf/atoms.h"
#include "bench/peers/caf/driver.h"
#include "bench/peers/caf/workloads.h"
#include "caf/all.hpp"
#include "glog/logging.h"

namespace kompact::bench::caf_peer {

// Immutable graph and block data travel between actors by shared pointer (never
// serialised: the workload is local).
using GraphPtr = std::shared_ptr<const Graph>;
using BlockPtr = std::shared_ptr<const Block>;

}  // namespace kompact::bench::caf_peer

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kompact::bench::caf_peer::GraphPtr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kompact::bench::caf_peer::BlockPtr)

namespace kompact::bench::caf_peer {
namespace {

struct BlockState {
  int nodes = 0;
  caf::actor manager;
  std::vector<caf::actor> neighbours;
  std::shared_ptr<Block> data;  // copied on write while neighbours still read it
  int k = -1;                   // phase done; -1: the initial data
  // Neighbours' data of phase k (index: block id) and of phase k + 1, which can
  // arrive before this block has finished phase k + 1's input.
  std::vector<BlockPtr> current;
  int current_count = 0;
  std::vector<BlockPtr> next;
  int next_count = 0;
};

void Notify(caf::stateful_actor<BlockState>* self) {
  BlockState& s = self->state;
  // One message shared (copy on write) by all neighbours.
  const caf::message message = caf::make_message(phase_atom::value, int32_t{s.k}, BlockPtr(s.data));
  for (const caf::actor& neighbour : s.neighbours) self->send(neighbour, message);
}

// Computes phase s.k + 1 from the neighbours' data of phase s.k.
void ComputeNextPhase(BlockState& s) {
  const int k = s.k + 1;
  if (s.data.use_count() > 1) s.data = std::make_shared<Block>(*s.data);  // a neighbour still reads it
  Block& block = *s.data;
  const int k_block = k / block.size;
  const int column_k_id = block.block_row() * block.per_dim + k_block;
  const int row_k_id = k_block * block.per_dim + block.block_column();
  const Block& column_k = column_k_id == block.id ? block : *s.current[column_k_id];
  const Block& row_k = row_k_id == block.id ? block : *s.current[row_k_id];
  ComputePhase(block, k, column_k, row_k);
  s.k = k;
  for (BlockPtr& p : s.current) p.reset();  // lets the neighbours write in place
  std::swap(s.current, s.next);
  s.current_count = s.next_count;
  s.next_count = 0;
}

caf::behavior BlockActor(caf::stateful_actor<BlockState>* self, std::shared_ptr<Block> data, int nodes,
                         caf::actor manager) {
  BlockState& s = self->state;
  s.nodes = nodes;
  s.manager = std::move(manager);
  s.current.resize(static_cast<size_t>(data->per_dim) * data->per_dim);
  s.next.resize(s.current.size());
  s.data = std::move(data);
  // Neighbours may send phase data before this block knows its neighbours: CAF
  // leaves such messages in the mailbox until the behaviour below handles them.
  self->set_default_handler(caf::skip);
  return {
      [self](neighbours_atom, std::vector<caf::actor> neighbours) {
        self->state.neighbours = std::move(neighbours);
        Notify(self);
        self->become(caf::behavior{
            [self](phase_atom, int32_t k, const BlockPtr& data) {
              BlockState& s = self->state;
              if (k == s.k) {
                s.current[data->id] = data;
                ++s.current_count;
              } else {
                CHECK_EQ(k, s.k + 1) << "block " << s.data->id << " got phase " << k << " in phase " << s.k;
                s.next[data->id] = data;
                ++s.next_count;
              }
              while (s.current_count == static_cast<int>(s.neighbours.size())) {
                ComputeNextPhase(s);
                if (s.k == s.nodes - 1) {
                  self->send(s.manager, block_atom::value, BlockPtr(std::move(s.data)));
                  self->quit();
                  return;
                }
                Notify(self);
              }
            },
        });
      },
  };
}

struct ManagerState {
  int block_size = 0;
  std::vector<BlockPtr> results;  // index: block id
  int missing = 0;
  caf::response_promise done;  // to the driver, with the solved graph
};

caf::behavior Manager(caf::stateful_actor<ManagerState>* self, int block_size) {
  self->state.block_size = block_size;
  return {
      [self](compute_atom, const GraphPtr& graph) {
        ManagerState& s = self->state;
        std::vector<Block> blocks = BreakIntoBlocks(*graph, s.block_size);
        const int per_dim = graph->nodes / s.block_size;
        std::vector<caf::actor> actors;
        actors.reserve(blocks.size());
        for (Block& block : blocks) {
          actors.push_back(self->spawn(BlockActor, std::make_shared<Block>(std::move(block)), graph->nodes,
                                       caf::actor{self}));
        }
        for (int id = 0; id < per_dim * per_dim; ++id) {
          const int row = id / per_dim, column = id % per_dim;
          std::vector<caf::actor> neighbours;
          neighbours.reserve(2 * static_cast<size_t>(per_dim) - 2);
          for (int c = 0; c < per_dim; ++c) {
            if (c != column) neighbours.push_back(actors[row * per_dim + c]);
          }
          for (int r = 0; r < per_dim; ++r) {
            if (r != row) neighbours.push_back(actors[r * per_dim + column]);
          }
          self->send(actors[id], neighbours_atom::value, std::move(neighbours));
        }
        s.results.assign(actors.size(), nullptr);
        s.missing = static_cast<int>(actors.size());
        s.done = self->make_response_promise();
      },
      [self](block_atom, const BlockPtr& block) {
        ManagerState& s = self->state;
        s.results[block->id] = block;
        if (--s.missing > 0) return;
        std::vector<const Block*> blocks;
        for (const BlockPtr& b : s.results) blocks.push_back(b.get());
        GraphPtr result = std::make_shared<const Graph>(AssembleFromBlocks(blocks));
        s.results.clear();
        s.done.deliver(done_atom::value, std::move(result));
      },
  };
}

// The input graph and its sequential solution, computed once per size.
struct Problem {
  GraphPtr graph;
  Graph solution;
};

const Problem& ProblemFor(int nodes) {
  static std::map<int, Problem>* problems = new std::map<int, Problem>();
  auto it = problems->find(nodes);
  if (it == problems->end()) {
    Graph graph = GenerateGraph(nodes);
    Graph solution = graph;
    FloydWarshall(solution);
    it = problems
             ->emplace(nodes, Problem{std::make_shared<const Graph>(std::move(graph)), std::move(solution)})
             .first;
  }
  return it->second;
}

}  // namespace

absl::StatusOr<double> RunAllPairsShortestPath(caf::actor_system& system, int nodes, int block_size) {
  if (block_size < 1 || nodes % block_size != 0 || nodes / block_size < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("AllPairsShortestPath: ", nodes, " nodes, block size ", block_size,
                     ": need at least two blocks per dimension and no remainder"));
  }
  const Problem& problem = ProblemFor(nodes);
  absl::Status status;
  double seconds = 0;
  {
    caf::scoped_actor driver{system, /*hide=*/true};
    caf::actor manager = system.spawn(Manager, block_size);
    const Stopwatch stopwatch;
    driver->request(manager, kRunDeadline, compute_atom::value, problem.graph)
        .receive(
            [&](done_atom, const GraphPtr& result) {
              seconds = stopwatch.Seconds();
              if (!(*result == problem.solution)) {
                status = absl::InternalError(absl::StrCat("AllPairsShortestPath: wrong distances for ", nodes,
                                                          " nodes, block size ", block_size));
              }
            },
            [&](caf::error& error) { status = FromCafError(system, error, "AllPairsShortestPath"); });
    driver->send_exit(manager, caf::exit_reason::user_shutdown);
  }
  AwaitAllActorsDone(system);
  if (!status.ok()) return status;
  return 1.0 / seconds;
}

}  // namespace kompact::bench::caf_peer
