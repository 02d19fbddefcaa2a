#include "routing/actor_store.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/absl_compat.h"
#include "base/status.h"
#include "routing/internal/store_nodes.h"
#include "routing/internal/trie_walk.h"
#include "routing/policies.h"

namespace kompact {

using routing_internal::ChildEntry;
using routing_internal::ChildMap;
using routing_internal::Editor;
using routing_internal::FindNode;
using routing_internal::IdEntry;
using routing_internal::IdHash;
using routing_internal::IdMap;
using routing_internal::MemberList;
using routing_internal::NamedEntry;
using routing_internal::NamedIndex;
using routing_internal::SegmentIs;
using routing_internal::Skip;
using routing_internal::Target;
using routing_internal::TrieNode;
using routing_internal::Version;
using routing_internal::WalkBelow;
using routing_internal::WalkPath;

namespace {

auto IdIs(const Uuid& id) {
  return [id](const IdEntry& e) { return e.id == id; };
}

std::vector<uint64_t> HashesOf(std::span<const std::string> path) {
  std::vector<uint64_t> hashes;
  hashes.reserve(path.size());
  for (const std::string& s : path) hashes.push_back(PathSegmentHash(s));
  return hashes;
}

// Whether `path` may be registered; kInvalidArgument with ValidateInsertPath's words
// if not. Every ActorPath is a valid lookup path (runtime/actor_path.h), which leaves
// two rules of ValidateInsertPath to check, in constant time: at least one segment, no
// routing marker. ValidateInsertPath itself runs only to word the error.
absl::Status CheckInsertable(const ActorPath& path) {
  if (!path.is_named()) return absl::InvalidArgumentError("only named paths have aliases");
  if (path.segments().empty() || path.routing_marker() != '\0') return ValidateInsertPath(path.segments());
  return absl::OkStatus();
}

// `segments` as a named path to register (validated once, as ActorPath::Named does;
// CheckInsertable finishes the check), or the error ValidateInsertPath gives for them.
absl::StatusOr<ActorPath> NamedPathOf(std::span<const std::string> segments) {
  absl::StatusOr<ActorPath> path =
      ActorPath::Named(SystemPath(), std::vector<std::string>(segments.begin(), segments.end()));
  // Not a valid lookup path, so not a valid insert path either: word it as one.
  if (!path.ok()) return ValidateInsertPath(segments);
  return path;
}

// The components registered strictly below `node`, depth first: collected on the
// first call for this version of the node and kept with it.
std::span<ComponentCore* const> MembersOf(const TrieNode* node) {
  MemberList* list = node->members.load(std::memory_order_acquire);
  if (list == nullptr) {
    auto* fresh = new MemberList();
    WalkBelow(
        node,
        [&](const TrieNode* n) {
          if (n->target != nullptr) fresh->members.push_back(n->target->core());
        },
        Skip);
    MemberList* expected = nullptr;
    if (node->members.compare_exchange_strong(expected, fresh, std::memory_order_acq_rel,
                                              std::memory_order_acquire)) {
      list = fresh;
    } else {
      delete fresh;  // another reader published the same list first
      list = expected;
    }
  }
  return list->members;
}

std::string Describe(std::span<const std::string> path) { return absl::StrJoin(path, "/"); }

// Frees a whole (unpublished or unreachable) tree immediately.
void DeleteTrie(TrieNode* root) {
  auto free_node = [](TrieNode* node) {
    ChildMap::ForEachNode(node->children,
                          [](const ChildMap::Node* n) { ChildMap::Free(const_cast<ChildMap::Node*>(n)); });
    delete node->target;
    delete node;
  };
  WalkBelow(root, Skip, free_node);
  free_node(root);
}

void DeleteVersion(const Version* v) {
  DeleteTrie(v->root);
  NamedIndex::ForEachNode(
      v->named, [](const NamedIndex::Node* n) { NamedIndex::Free(const_cast<NamedIndex::Node*>(n)); });
  IdMap::ForEach(v->ids, [](const IdEntry& e) { delete e.target; });
  IdMap::ForEachNode(v->ids, [](const IdMap::Node* n) { IdMap::Free(const_cast<IdMap::Node*>(n)); });
  delete v;
}

}  // namespace

// One write: a working copy of the current version, built by copying what
// changes, published by Commit(). Replaced nodes are staged for retirement and
// sealed right after the publishing store.
class ActorStore::Batch {
 public:
  explicit Batch(ActorStore& store)
      : store_(store), editor_{store.next_batch_++, &store.retired_}, next_(*store.current()) {}
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;
  ~Batch() { Commit(); }

  Version& next() { return next_; }
  Editor& editor() { return editor_; }

  // `node` made writable in this batch (a copy if it is published; the index then
  // points at the copy).
  TrieNode* Writable(TrieNode* node) {
    if (node->batch == editor_.batch) return node;
    auto* copy = new TrieNode(*node, editor_.batch);
    editor_.retired->Retire(node);
    if (copy->target != nullptr || copy->policy != nullptr) Index(copy);
    return copy;
  }
  // Adds or replaces the index entry of `node` (which has a value and its path).
  void Index(TrieNode* node) {
    std::optional<NamedEntry> replaced;
    next_.named = NamedIndex::Assign(next_.named, NamedEntry{node->full_hash, node}, editor_, replaced);
  }
  // `node`, removed from the working tree.
  void Dispose(TrieNode* node) {
    if (node->batch == editor_.batch) {
      delete node;
    } else {
      editor_.retired->Retire(node);
    }
  }
  void Retire(Target* target) { editor_.retired->Retire(target); }

  // The writable chain root..node for `path` (creating missing nodes if `create`;
  // else the path must exist). Parents are re-linked to writable children.
  std::vector<TrieNode*> WritableChain(std::span<const std::string> path, std::span<const uint64_t> hashes) {
    std::vector<TrieNode*> chain;
    chain.reserve(path.size() + 1);
    next_.root = Writable(next_.root);
    chain.push_back(next_.root);
    WalkPath(next_.root, path, hashes, [&](size_t i, TrieNode* parent, const ChildEntry* e) {
      TrieNode* child;
      if (e == nullptr) {
        child = new TrieNode(path[i], hashes[i], parent->full_hash, editor_.batch);
        ++parent->child_count;
      } else {
        child = Writable(e->node);
      }
      if (e == nullptr || child != e->node) {
        std::optional<ChildEntry> replaced;
        parent->children =
            ChildMap::Assign(parent->children, ChildEntry{hashes[i], child}, editor_, replaced);
      }
      chain.push_back(child);
      return child;
    });
    return chain;
  }

  // Clears the value at the end of `chain` and prunes nodes left empty.
  void ClearValue(std::vector<TrieNode*>& chain) {
    TrieNode* node = chain.back();
    std::optional<NamedEntry> unindexed;
    next_.named = NamedIndex::Erase(
        next_.named, node->full_hash, [node](const NamedEntry& e) { return e.node == node; }, editor_,
        unindexed);
    if (node->target != nullptr) Retire(std::exchange(node->target, nullptr));
    node->policy.reset();
    node->path = ActorPath();
    --next_.named_count;
    for (size_t i = chain.size() - 1; i > 0 && chain[i]->empty(); --i) {
      TrieNode* parent = chain[i - 1];
      std::optional<ChildEntry> erased;
      parent->children =
          ChildMap::Erase(parent->children, chain[i]->hash, SegmentIs(chain[i]->segment), editor_, erased);
      --parent->child_count;
      Dispose(chain[i]);
    }
  }

  // Publishes the working version (once; a batch that changed nothing publishes
  // nothing).
  void Commit() {
    if (committed_) return;
    committed_ = true;
    if (next_.root == store_.current()->root && next_.ids == store_.current()->ids &&
        next_.named == store_.current()->named) {
      return;  // no change
    }
    const Version* old = store_.current_.exchange(new Version(next_), std::memory_order_seq_cst);
    editor_.retired->Retire(const_cast<Version*>(old));
    editor_.retired->Seal();
    editor_.retired->Reclaim();
  }

 private:
  ActorStore& store_;
  Editor editor_;
  Version next_;
  bool committed_ = false;
};

ActorStore::ActorStore() {
  auto* v = new Version();
  v->root = new TrieNode(/*batch=*/0);
  current_.store(v, std::memory_order_seq_cst);
}

ActorStore::~ActorStore() {
  retired_.FreeAll();
  DeleteVersion(current_.load(std::memory_order_relaxed));
}

// ---- writers --------------------------------------------------------------------------------

absl::Status ActorStore::CheckOpen() const {
  if (closed_) return absl::FailedPreconditionError("the lookup table is closed (its system has shut down)");
  return absl::OkStatus();
}

absl::Status ActorStore::InsertUnique(ComponentCore& component) {
  const Uuid id = component.id();
  std::lock_guard<std::mutex> lock(mu_);
  KOMPACT_RETURN_IF_ERROR(CheckOpen());
  if (const IdEntry* e = IdMap::Find(current()->ids, IdHash(id), IdIs(id))) {
    if (e->target->core() == &component) return absl::OkStatus();
    return absl::AlreadyExistsError(
        absl::StrCat("id ", id.ToString(), " is already registered to another component"));
  }
  Batch batch(*this);
  std::optional<IdEntry> replaced;
  batch.next().ids =
      IdMap::Assign(batch.next().ids, IdEntry{id, new Target(&component)}, batch.editor(), replaced);
  ++batch.next().id_count;
  return absl::OkStatus();
}

absl::Status ActorStore::InsertNamed(std::span<const std::string> path, ComponentCore& component,
                                     bool update) {
  absl::StatusOr<ActorPath> named = NamedPathOf(path);
  if (!named.ok()) return named.status();
  return InsertNamed(*named, component, update);
}

absl::Status ActorStore::InsertPolicy(std::span<const std::string> path,
                                      std::shared_ptr<const RoutingPolicy> policy, bool update) {
  absl::StatusOr<ActorPath> named = NamedPathOf(path);
  if (!named.ok()) return named.status();
  return InsertPolicy(*named, std::move(policy), update);
}

absl::Status ActorStore::InsertNamed(const ActorPath& path, ComponentCore& component, bool update) {
  return InsertValue(path, &component, nullptr, update);
}

absl::Status ActorStore::InsertPolicy(const ActorPath& path, std::shared_ptr<const RoutingPolicy> policy,
                                      bool update) {
  if (policy == nullptr) return absl::InvalidArgumentError("null routing policy");
  return InsertValue(path, nullptr, std::move(policy), update);
}

absl::Status ActorStore::InsertValue(const ActorPath& path, ComponentCore* component,
                                     std::shared_ptr<const RoutingPolicy> policy, bool update) {
  KOMPACT_RETURN_IF_ERROR(CheckInsertable(path));
  const std::span<const std::string> segments = path.segments();
  std::lock_guard<std::mutex> lock(mu_);
  KOMPACT_RETURN_IF_ERROR(CheckOpen());
  const TrieNode* existing = FindNode(current()->root, segments, path.segment_hashes());
  const bool occupied = existing != nullptr && (existing->target != nullptr || existing->policy != nullptr);
  if (occupied && !update) {
    return absl::AlreadyExistsError(
        absl::StrCat("path \"", Describe(segments), "\" is already registered to ",
                     existing->target != nullptr
                         ? absl::StrCat("component ", existing->target->core()->id().ToString(), " (",
                                        AsAbsl(existing->target->core()->type_name()), ")")
                         : absl::StrCat("a ", AsAbsl(existing->policy->name()), " routing policy")));
  }
  Batch batch(*this);
  std::vector<TrieNode*> chain = batch.WritableChain(segments, path.segment_hashes());
  TrieNode* node = chain.back();
  if (node->target != nullptr) batch.Retire(std::exchange(node->target, nullptr));
  node->policy.reset();
  if (component != nullptr) node->target = new Target(component);
  node->policy = std::move(policy);
  node->path = path;
  batch.Index(node);
  if (!occupied) ++batch.next().named_count;
  return absl::OkStatus();
}

absl::Status ActorStore::Remove(const ActorPath& path) {
  std::lock_guard<std::mutex> lock(mu_);
  if (path.is_unique()) {
    const Uuid& id = path.id();
    if (IdMap::Find(current()->ids, IdHash(id), IdIs(id)) == nullptr) {
      return absl::NotFoundError(absl::StrCat("nothing is registered at ", path.ToString()));
    }
    Batch batch(*this);
    std::optional<IdEntry> erased;
    batch.next().ids = IdMap::Erase(batch.next().ids, IdHash(id), IdIs(id), batch.editor(), erased);
    batch.Retire(erased->target);
    --batch.next().id_count;
    return absl::OkStatus();
  }
  std::span<const std::string> segments = path.segments();
  if (path.routing_marker() != '\0') {
    return absl::InvalidArgumentError(absl::StrCat("cannot deregister ", path.ToString(),
                                                   ": a path with a routing marker is never registered"));
  }
  const TrieNode* existing = FindNode(current()->root, segments, path.segment_hashes());
  if (segments.empty() || existing == nullptr ||
      (existing->target == nullptr && existing->policy == nullptr)) {
    return absl::NotFoundError(absl::StrCat("nothing is registered at ", path.ToString()));
  }
  Batch batch(*this);
  std::vector<TrieNode*> chain = batch.WritableChain(segments, path.segment_hashes());
  batch.ClearValue(chain);
  return absl::OkStatus();
}

size_t ActorStore::Reap() {
  std::lock_guard<std::mutex> lock(mu_);
  const Version* v = current();
  std::vector<Uuid> dead_ids;
  IdMap::ForEach(v->ids, [&](const IdEntry& e) {
    if (e.target->core()->IsDestroyed()) dead_ids.push_back(e.id);
  });
  std::vector<std::vector<std::string>> dead_paths;
  std::vector<std::string> stack;
  WalkBelow(
      v->root,
      [&](const TrieNode* node) {
        stack.push_back(node->segment);
        if (node->target != nullptr && node->target->core()->IsDestroyed()) dead_paths.push_back(stack);
      },
      [&](const TrieNode*) { stack.pop_back(); });
  if (dead_ids.empty() && dead_paths.empty()) {
    retired_.Reclaim();
    return 0;
  }
  Batch batch(*this);
  for (const Uuid& id : dead_ids) {
    std::optional<IdEntry> erased;
    batch.next().ids = IdMap::Erase(batch.next().ids, IdHash(id), IdIs(id), batch.editor(), erased);
    batch.Retire(erased->target);
    --batch.next().id_count;
  }
  for (const std::vector<std::string>& path : dead_paths) {
    const std::vector<uint64_t> hashes = HashesOf(path);
    std::vector<TrieNode*> chain = batch.WritableChain(path, hashes);
    batch.ClearValue(chain);
  }
  return dead_ids.size() + dead_paths.size();
}

void ActorStore::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  ClearLocked();
}

void ActorStore::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  ClearLocked();
}

void ActorStore::ClearLocked() {
  const Version* v = current();
  Batch batch(*this);
  // Everything reachable from the current version goes; nothing is shared with the
  // empty version that replaces it.
  auto retire_node = [&](TrieNode* node) {
    ChildMap::ForEachNode(node->children, [&](const ChildMap::Node* n) {
      retired_.Retire(const_cast<ChildMap::Node*>(n), &ChildMap::FreeVoid);
    });
    if (node->target != nullptr) retired_.Retire(node->target);
    retired_.Retire(node);
  };
  WalkBelow(v->root, Skip, retire_node);
  retire_node(v->root);
  NamedIndex::ForEachNode(v->named, [&](const NamedIndex::Node* n) {
    retired_.Retire(const_cast<NamedIndex::Node*>(n), &NamedIndex::FreeVoid);
  });
  IdMap::ForEach(v->ids, [&](const IdEntry& e) { retired_.Retire(e.target); });
  IdMap::ForEachNode(
      v->ids, [&](const IdMap::Node* n) { retired_.Retire(const_cast<IdMap::Node*>(n), &IdMap::FreeVoid); });
  batch.next() = Version();
  batch.next().root = new TrieNode(batch.editor().batch);
}

// ---- readers --------------------------------------------------------------------------------

LookupResult ActorStore::Lookup(const ActorPath& path, const ReadGuard&, RouteOrigin origin) const {
  const Version* v = current();
  LookupResult result;
  if (path.is_unique()) {
    const Uuid& id = path.id();
    if (const IdEntry* e = IdMap::Find(v->ids, IdHash(id), IdIs(id))) {
      result.kind = LookupResult::Kind::kActor;
      result.actor = e->target->core();
    }
    return result;
  }
  const std::span<const uint64_t> hashes = path.segment_hashes();
  const char marker = path.routing_marker();
  const size_t depth = hashes.size() - (marker != '\0' ? 1 : 0);
  // The node with a value at the path (without its marker), through the index.
  uint64_t full_hash = path.segments_hash();
  if (marker != '\0') {
    full_hash = kEmptySegmentsHash;
    for (size_t i = 0; i < depth; ++i) full_hash = CombineSegmentHash(full_hash, hashes[i]);
  }
  const NamedEntry* indexed = NamedIndex::Find(
      v->named, full_hash, [&](const NamedEntry& e) { return path.SegmentsEqual(e.node->path, depth); });
  const TrieNode* node;
  if (indexed != nullptr) {
    node = indexed->node;
  } else if (marker == '\0') {
    return result;  // nothing registered here
  } else {
    // A marker on a node without a value: walk the trie to find it (implicit routes).
    node = FindNode(v->root, path.segments().first(depth), hashes.first(depth));
    if (node == nullptr) return result;
  }
  if (node->target != nullptr) {
    if (marker != '\0') {
      result.kind = LookupResult::Kind::kError;
      result.error = "a routing marker after the path of a component (only groups can be routed to)";
    } else {
      result.kind = LookupResult::Kind::kActor;
      result.actor = node->target->core();
    }
    return result;
  }
  const RoutingPolicy* policy = node->policy.get();
  if (policy != nullptr) {
    if (marker == kBroadcastMarker && !policy->broadcasts()) {
      result.kind = LookupResult::Kind::kError;
      result.error = "'*' (broadcast) sent to a path whose routing policy does not broadcast";
      return result;
    }
    if (marker == kSelectMarker && !policy->selects()) {
      result.kind = LookupResult::Kind::kError;
      result.error = "'?' (select) sent to a path whose routing policy does not select";
      return result;
    }
  } else if (marker == '\0') {
    return result;  // an inner node: nothing registered here
  } else if (origin == RouteOrigin::kRemote) {
    result.kind = LookupResult::Kind::kError;
    result.error =
        "a routing marker from another system on a path without a routing policy "
        "(kompact.net.remote-implicit-routes is off): set a policy with SetRoutingPolicy";
    return result;
  } else if (origin == RouteOrigin::kLocal && !kImplicitRoutes) {
    result.kind = LookupResult::Kind::kError;
    result.error =
        "a routing marker on a path without a routing policy, and implicit routes are disabled "
        "(--//routing:implicit_routes=false): set a policy with SetRoutingPolicy";
    return result;
  } else {
    policy = marker == kBroadcastMarker ? &DefaultBroadcastPolicy() : &DefaultSelectPolicy();
  }
  result.kind = LookupResult::Kind::kGroup;
  result.policy = policy;
  result.members = MembersOf(node);
  return result;
}

void ActorStore::ForEachNamed(
    const ReadGuard&,
    absl::FunctionRef<void(std::span<const std::string_view>, ComponentCore*, const RoutingPolicy*)> f)
    const {
  std::vector<std::string_view> stack;
  WalkBelow(
      current()->root,
      [&](const TrieNode* node) {
        stack.push_back(node->segment);
        if (node->target != nullptr || node->policy != nullptr) {
          f(stack, node->target != nullptr ? node->target->core() : nullptr, node->policy.get());
        }
      },
      [&](const TrieNode*) { stack.pop_back(); });
}

void ActorStore::ForEachUnique(const ReadGuard&,
                               absl::FunctionRef<void(const Uuid&, ComponentCore*)> f) const {
  IdMap::ForEach(current()->ids, [&](const IdEntry& e) { f(e.id, e.target->core()); });
}

size_t ActorStore::unique_count() const {
  ReadGuard guard;
  return current()->id_count;
}

size_t ActorStore::named_count() const {
  ReadGuard guard;
  return current()->named_count;
}

size_t ActorStore::retired_pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return retired_.pending();
}

}  // namespace kompact
