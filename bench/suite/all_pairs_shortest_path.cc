#include "bench/suite/all_pairs_shortest_path.h"

#include <memory>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "bench/suite/common.h"
#include "runtime/actor_ref.h"
#include "runtime/channel.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_system.h"
#include "runtime/port.h"

namespace kompact::bench {
namespace {

using BlockPtr = std::shared_ptr<const Block>;

// One run's outcome: the manager assembles the result, then counts down.
struct RunState {
  Latch done{1};
  Graph result;
};

struct PhaseResult {
  int64_t k;  // -1: the initial block
  BlockPtr data;
};
struct ComputeFw {
  std::shared_ptr<const Graph> graph;
  std::shared_ptr<RunState> state;
};
struct BlockResult {
  BlockPtr block;
};

// A block's side of the algorithm, shared by both styles.
class BlockLogic {
 public:
  BlockLogic(BlockPtr initial, int64_t nodes, int64_t neighbours)
      : current_(std::move(initial)),
        nodes_(nodes),
        neighbours_(neighbours),
        data_(current_->blocks_per_dim * current_->blocks_per_dim),
        next_(data_.size()) {}

  PhaseResult Initial() const { return PhaseResult{-1, current_}; }

  // Takes a neighbour's result; `notify(PhaseResult)` for every phase this
  // completes. Returns the final block once the last phase is done.
  template <typename Notify>
  BlockPtr OnResult(const PhaseResult& result, Notify&& notify) {
    if (done_) return nullptr;
    if (result.k == k_) {
      data_[result.data->id] = result.data;
      ++have_;
      while (have_ == neighbours_) {
        ++k_;
        data_[current_->id] = current_;
        current_ = FloydWarshallPhase(*current_, data_, k_);
        for (BlockPtr& b : data_) b.reset();
        notify(PhaseResult{k_, current_});
        std::swap(data_, next_);
        have_ = std::exchange(next_have_, 0);
        if (k_ == nodes_ - 1) {
          done_ = true;
          return current_;
        }
      }
    } else if (result.k == k_ + 1) {
      next_[result.data->id] = result.data;
      ++next_have_;
    } else {
      ++protocol_errors_;  // a neighbour two phases ahead cannot happen
    }
    return nullptr;
  }
  int64_t protocol_errors() const { return protocol_errors_; }

 private:
  BlockPtr current_;
  const int64_t nodes_;
  const int64_t neighbours_;
  int64_t k_ = -1;
  std::vector<BlockPtr> data_;  // phase k_ results by block id
  std::vector<BlockPtr> next_;  // phase k_ + 1 results that arrived early
  int64_t have_ = 0;
  int64_t next_have_ = 0;
  int64_t protocol_errors_ = 0;
  bool done_ = false;
};

// The manager's assembly, shared by both styles.
class Assembly {
 public:
  void Begin(std::vector<BlockPtr> blocks, std::shared_ptr<RunState> state) {
    blocks_ = std::move(blocks);
    missing_ = static_cast<int64_t>(blocks_.size());
    state_ = std::move(state);
  }
  void OnBlock(BlockPtr block) {
    blocks_[block->id] = std::move(block);
    if (--missing_ == 0) {
      state_->result = Assemble(blocks_);
      blocks_.clear();
      std::exchange(state_, nullptr)->done.CountDown();
    }
  }

 private:
  std::vector<BlockPtr> blocks_;
  int64_t missing_ = 0;
  std::shared_ptr<RunState> state_;
};

int64_t NeighbourCount(const Block& b) { return 2 * (b.blocks_per_dim - 1); }

// Calls f(neighbour_id) for the blocks in b's block row, then its block column.
template <typename F>
void ForEachNeighbour(const Block& b, F&& f) {
  const int64_t per_dim = b.blocks_per_dim;
  for (int64_t r = 0; r < per_dim; ++r) {
    if (r != b.row()) f(r * per_dim + b.column());
  }
  for (int64_t c = 0; c < per_dim; ++c) {
    if (c != b.column()) f(b.row() * per_dim + c);
  }
}

// ---- actor style ------------------------------------------------------------------------

struct Neighbours;
using BlockMessage = std::variant<Neighbours, PhaseResult>;
struct Neighbours {
  std::vector<ActorRef<BlockMessage>> refs;
};
using ManagerMessage = std::variant<ComputeFw, BlockResult>;

class BlockActor : public ComponentDefinition<BlockActor>, public Actor<BlockMessage> {
 public:
  BlockActor(BlockPtr initial, int64_t nodes, ActorRefStrong<ManagerMessage> manager)
      : logic_(initial, nodes, NeighbourCount(*initial)), manager_(std::move(manager)) {}

  HandlerResult ReceiveLocal(BlockMessage message) {
    if (Neighbours* n = std::get_if<Neighbours>(&message)) {
      neighbours_ = std::move(n->refs);
      ready_ = true;
      Notify(logic_.Initial());
      return Handled::kOk;
    }
    PhaseResult& result = std::get<PhaseResult>(message);
    if (!ready_) {  // not wired up yet: queue it behind the Neighbours message
      actor_ref().Tell(std::move(result));
      return Handled::kOk;
    }
    if (BlockPtr final = logic_.OnResult(result, [this](const PhaseResult& r) { Notify(r); })) {
      manager_.Tell(BlockResult{std::move(final)});
      Suicide();
    }
    if (logic_.protocol_errors() > 0) return absl::InternalError("APSP: a phase result from the future");
    return Handled::kOk;
  }

 private:
  void Notify(const PhaseResult& r) {
    for (const auto& n : neighbours_) n.Tell(r);
  }

  [[no_unique_address]] Tracked tracked_;
  BlockLogic logic_;
  ActorRefStrong<ManagerMessage> manager_;
  std::vector<ActorRef<BlockMessage>> neighbours_;
  bool ready_ = false;
};

class Manager : public ComponentDefinition<Manager>, public Actor<ManagerMessage> {
 public:
  explicit Manager(int64_t block_size) : block_size_(block_size) {}

  HandlerResult ReceiveLocal(ManagerMessage message) {
    if (BlockResult* r = std::get_if<BlockResult>(&message)) {
      assembly_.OnBlock(std::move(r->block));
      return Handled::kOk;
    }
    ComputeFw& compute = std::get<ComputeFw>(message);
    std::vector<BlockPtr> blocks = CutIntoBlocks(*compute.graph, block_size_);
    KompactSystem sys = system();
    std::vector<ActorRef<BlockMessage>> refs;
    for (const BlockPtr& b : blocks) {
      Component<BlockActor> block = sys.Create<BlockActor>(b, compute.graph->nodes, actor_ref().Hold());
      sys.Start(block);
      refs.push_back(block.actor_ref());  // weak: the blocks die when they are done
    }
    for (const BlockPtr& b : blocks) {
      Neighbours n;
      ForEachNeighbour(*b, [&](int64_t id) { n.refs.push_back(refs[id]); });
      refs[b->id].Tell(std::move(n));
    }
    assembly_.Begin(std::move(blocks), std::move(compute.state));
    return Handled::kOk;
  }

 private:
  [[no_unique_address]] Tracked tracked_;
  const int64_t block_size_;
  Assembly assembly_;
};

// ---- component style --------------------------------------------------------------------

struct ManagerPort : Port<Requests<ComputeFw, BlockResult>, Indications<>> {};
struct BlockPort : Port<Requests<>, Indications<PhaseResult>> {};

class PortBlock : public ComponentDefinition<PortBlock> {
 public:
  PortBlock(BlockPtr initial, int64_t nodes) : logic_(initial, nodes, NeighbourCount(*initial)) {}

  HandlerResult OnStart() override {
    out_.Trigger(logic_.Initial());
    return Handled::kOk;
  }
  HandlerResult Handle(const PhaseResult& result) {
    if (BlockPtr final = logic_.OnResult(result, [this](const PhaseResult& r) { out_.Trigger(r); })) {
      manager_.Trigger(BlockResult{std::move(final)});
      Suicide();
    }
    if (logic_.protocol_errors() > 0) return absl::InternalError("APSP: a phase result from the future");
    return Handled::kOk;
  }
  // Nothing arrives on manager_ and out_ (their incoming directions are empty).
  static constexpr auto Ports() {
    return PortList(Ignore(&PortBlock::manager_), Ignore(&PortBlock::out_), &PortBlock::in_);
  }

 private:
  [[no_unique_address]] Tracked tracked_;
  RequiredPort<ManagerPort> manager_;
  ProvidedPort<BlockPort> out_;  // to the neighbours
  RequiredPort<BlockPort> in_;   // from the neighbours
  BlockLogic logic_;
};

class PortManager : public ComponentDefinition<PortManager> {
 public:
  explicit PortManager(int64_t block_size) : block_size_(block_size) {}

  HandlerResult Handle(const BlockResult& r) {
    assembly_.OnBlock(r.block);
    return Handled::kOk;
  }
  HandlerResult Handle(const ComputeFw& compute) {
    std::vector<BlockPtr> blocks = CutIntoBlocks(*compute.graph, block_size_);
    KompactSystem sys = system();
    std::vector<Component<PortBlock>> components;
    std::vector<RequiredPortRef<BlockPort>> inputs;
    std::vector<ProvidedPortRef<BlockPort>> outputs;
    for (const BlockPtr& b : blocks) {
      components.push_back(sys.Create<PortBlock>(b, compute.graph->nodes));
      KOMPACT_ASSIGN_OR_RETURN(RequiredPortRef<ManagerPort> to_manager,
                               components.back().GetRequiredPort<ManagerPort>());
      KOMPACT_RETURN_IF_ERROR(ConnectPorts(port_.Share(), to_manager).status());
      KOMPACT_ASSIGN_OR_RETURN(RequiredPortRef<BlockPort> in, components.back().GetRequiredPort<BlockPort>());
      KOMPACT_ASSIGN_OR_RETURN(ProvidedPortRef<BlockPort> out,
                               components.back().GetProvidedPort<BlockPort>());
      inputs.push_back(std::move(in));
      outputs.push_back(std::move(out));
    }
    for (const BlockPtr& b : blocks) {
      absl::Status connected = absl::OkStatus();
      ForEachNeighbour(
          *b, [&](int64_t id) { connected.Update(ConnectPorts(outputs[id], inputs[b->id]).status()); });
      KOMPACT_RETURN_IF_ERROR(connected);
    }
    for (const auto& c : components) sys.Start(c);  // after the connections (control events keep their order)
    assembly_.Begin(std::move(blocks), compute.state);
    return Handled::kOk;
  }
  static constexpr auto Ports() { return PortList(&PortManager::port_); }

 private:
  [[no_unique_address]] Tracked tracked_;
  ProvidedPort<ManagerPort> port_;
  const int64_t block_size_;
  Assembly assembly_;
};

absl::StatusOr<double> Check(const std::shared_ptr<RunState>& state, const Graph& expected, double seconds) {
  if (state->result.distance != expected.distance) {
    int64_t wrong = 0;
    for (size_t i = 0; i < expected.distance.size(); ++i)
      wrong += state->result.distance[i] != expected.distance[i];
    return WrongResult("AllPairsShortestPath",
                       absl::StrCat(wrong, " of ", expected.distance.size(),
                                    " distances differ from sequential Floyd-Warshall"));
  }
  return 1.0 / seconds;
}

}  // namespace

absl::Status AllPairsShortestPath::Prepare() {
  if (block_size_ <= 0 || nodes_ % block_size_ != 0 || nodes_ / block_size_ < 2) {
    return absl::InvalidArgumentError(absl::StrCat("AllPairsShortestPath: block size ", block_size_,
                                                   " must divide the ", nodes_, " nodes at least twice"));
  }
  if (graph_ == nullptr) {
    auto graph = std::make_shared<Graph>(GenerateGraph(nodes_));
    auto expected = std::make_shared<Graph>(*graph);
    FloydWarshall(*expected);
    graph_ = std::move(graph);
    expected_ = std::move(expected);
  }
  return absl::OkStatus();
}

absl::StatusOr<double> AllPairsShortestPath::RunActor(const KompactSystem& system) {
  KOMPACT_RETURN_IF_ERROR(Prepare());
  auto state = std::make_shared<RunState>();
  Component<Manager> manager = system.Create<Manager>(block_size_);
  KOMPACT_RETURN_IF_ERROR(StartAll(system, {manager}));

  Stopwatch timer;
  manager.actor_ref().Tell(ComputeFw{graph_, state});
  KOMPACT_RETURN_IF_ERROR(state->done.Wait());
  const double seconds = timer.Seconds();

  KOMPACT_RETURN_IF_ERROR(Teardown(system, std::move(manager)));  // the blocks killed themselves
  return Check(state, *expected_, seconds);
}

absl::StatusOr<double> AllPairsShortestPath::RunComponent(const KompactSystem& system) {
  KOMPACT_RETURN_IF_ERROR(Prepare());
  auto state = std::make_shared<RunState>();
  Component<PortManager> manager = system.Create<PortManager>(block_size_);
  KOMPACT_RETURN_IF_ERROR(StartAll(system, {manager}));
  KOMPACT_ASSIGN_OR_RETURN(ProvidedPortRef<ManagerPort> port, manager.GetProvidedPort<ManagerPort>());

  Stopwatch timer;
  KOMPACT_RETURN_IF_ERROR(system.TriggerRequest(port, ComputeFw{graph_, state}));
  KOMPACT_RETURN_IF_ERROR(state->done.Wait());
  const double seconds = timer.Seconds();

  KOMPACT_RETURN_IF_ERROR(Teardown(system, std::move(manager)));
  return Check(state, *expected_, seconds);
}

}  // namespace kompact::bench
