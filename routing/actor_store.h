// ActorStore: the lookup table behind path-addressed delivery (FEATURES.md P2-P4;
// Kompact's ActorStore): a path trie for named paths (aliases and routing
// policies) and an id map for unique paths, each entry pointing at a component.
//
// Readers are lock-free and allocation-free: the store is a persistent structure
// published as immutable versions through one atomic pointer. A write copies only
// the changed branch — the trie nodes on the path and, inside each, the HAMT nodes
// (32-way, keyed by segment hash) on the way to the changed child, so O(depth x
// log32(fan-out)) nodes, not the whole store as Kompact does — then publishes the
// new version. Replaced nodes are freed by epoch-based reclamation
// (routing/internal/epoch.h) once no reader can still be inside them.
//
//   ActorStore::ReadGuard guard;                      // epoch critical section
//   LookupResult r = store.Lookup(path, guard);       // valid while `guard` lives
//   if (r.kind == LookupResult::Kind::kActor) ... r.actor ...
//
// Routing (P4): a lookup of `…/node/*` or `…/node/?` returns the group of every
// component registered below `node` with the policy set on `node`; without one,
// the default broadcast or sender-hash select policy when implicit routes are on
// (KOMPACT_IMPLICIT_ROUTES, --//routing:implicit_routes), else an error (the DoS
// defence). Sending to a policy's own path (no marker) routes with it too. A
// group's member list is computed on the first routed lookup of that version of the
// node (one allocation) and reused until the subtree changes.
//
// Thread-safety: Lookup/ForEach from any thread, concurrently with writers;
// writers (Insert*, Remove, Reap, Clear) are serialised by an internal mutex.
// Lifetime: a LookupResult's pointers are valid while its ReadGuard lives;
// components found there are alive in memory (not necessarily accepting events).
#ifndef KOMPACT_ROUTING_ACTOR_STORE_H_
#define KOMPACT_ROUTING_ACTOR_STORE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "base/uuid.h"
#include "routing/internal/epoch.h"
#include "routing/routing_config.h"
#include "runtime/actor_path.h"
#include "runtime/component_core.h"
#include "runtime/routing_policy.h"

namespace kompact {

namespace routing_internal {
struct Version;
struct TrieNode;
struct Target;
}  // namespace routing_internal

// True when --//routing:implicit_routes is on (the default).
inline constexpr bool kImplicitRoutes = KOMPACT_IMPLICIT_ROUTES != 0;

// Where a path being looked up came from, which decides whether a routing marker
// (`*`, `?`) on a node without an explicit policy routes implicitly:
enum class RouteOrigin : uint8_t {
  kLocal,           // sent inside this process: implicit when kImplicitRoutes (the build flag)
  kRemote,          // arrived from another system: never implicit
  kRemoteImplicit,  // arrived from another system, kompact.net.remote-implicit-routes = true: implicit
};

// What ActorStore::Lookup found at a path; its pointers and views are valid while
// the lookup's ReadGuard lives.
struct LookupResult {
  // Which of the fields below the lookup filled in.
  enum class Kind {
    kNone,   // nothing is registered there
    kActor,  // `actor`
    kGroup,  // route with `policy` over `members` (possibly empty)
    kError,  // the path cannot be used as given; `error` says why
  };
  Kind kind = Kind::kNone;                  // what was found
  ComponentCore* actor = nullptr;           // the component (kActor)
  const RoutingPolicy* policy = nullptr;    // the group's policy (kGroup)
  std::span<ComponentCore* const> members;  // the group's members (kGroup)
  std::string_view error;                   // static text
};

// The lookup table of one system (see the file comment for its structure,
// routing, threads and lifetime).
class ActorStore {
 public:
  // A reader's epoch critical section: hold one across a Lookup or ForEach* and
  // every use of what it returned. Cheap; nests; not copyable.
  using ReadGuard = routing_internal::EpochDomain::ReadGuard;

  // An empty, open store.
  ActorStore();
  // No reader may be inside the store any more.
  ~ActorStore();
  ActorStore(const ActorStore&) = delete;
  ActorStore& operator=(const ActorStore&) = delete;

  // ---- writers ------------------------------------------------------------------------
  // Registers `component` under its id. Again for the same component: OK.
  [[nodiscard]] absl::Status InsertUnique(ComponentCore& component);
  // Registers `component` at `path` (ValidateInsertPath). kAlreadyExists if a
  // component or policy is there, unless `update` (then it is replaced).
  [[nodiscard]] absl::Status InsertNamed(std::span<const std::string> path, ComponentCore& component,
                                         bool update);
  // Sets the routing policy of `path`; same rules as InsertNamed.
  [[nodiscard]] absl::Status InsertPolicy(std::span<const std::string> path,
                                          std::shared_ptr<const RoutingPolicy> policy, bool update);
  // The same for a named path (its system is not looked at). The table keeps a copy:
  // lookups of paths that share its segments (copies of it) compare in constant time.
  [[nodiscard]] absl::Status InsertNamed(const ActorPath& path, ComponentCore& component, bool update);
  // Sets the routing policy of a named path; as InsertNamed(const ActorPath&, ...).
  [[nodiscard]] absl::Status InsertPolicy(const ActorPath& path, std::shared_ptr<const RoutingPolicy> policy,
                                          bool update);
  // Removes the entry of a unique path, or the component/policy at exactly a named
  // path (nodes below stay). kNotFound if there is none; the path's system is not
  // looked at.
  [[nodiscard]] absl::Status Remove(const ActorPath& path);
  // Removes every entry whose component is destroyed (dead or killed); returns how
  // many (FEATURES.md P2, reaping).
  size_t Reap();
  // Removes everything.
  void Clear();
  // Removes everything and refuses later inserts (kFailedPrecondition): the
  // system's shutdown, after which entries (weak references to components, which
  // reference their system) must not come back.
  void Close();

  // ---- readers ------------------------------------------------------------------------
  // What `path` resolves to: the component of a unique or named path, the group of
  // a path ending in `*` or `?` (see the file comment), kNone if nothing is
  // registered there, kError for a marker that cannot be served. `origin` decides
  // whether a marker on a node without a policy routes implicitly (RouteOrigin).
  // Lock-free.
  LookupResult Lookup(const ActorPath& path, const ReadGuard& guard,
                      RouteOrigin origin = RouteOrigin::kLocal) const;
  // Every named entry, depth first: f(segments, component or nullptr, policy or nullptr).
  void ForEachNamed(
      const ReadGuard& guard,
      absl::FunctionRef<void(std::span<const std::string_view>, ComponentCore*, const RoutingPolicy*)> f)
      const;
  // Every unique entry: f(id, component).
  void ForEachUnique(const ReadGuard& guard, absl::FunctionRef<void(const Uuid&, ComponentCore*)> f) const;
  // Number of unique entries (components registered under their id).
  size_t unique_count() const;
  // Number of named entries (components and policies at named paths).
  size_t named_count() const;

  // Retired nodes not yet freed (for tests of the reclamation).
  size_t retired_pending() const;

 private:
  class Batch;
  const routing_internal::Version* current() const { return current_.load(std::memory_order_seq_cst); }
  absl::Status CheckOpen() const;  // mu_ held
  absl::Status InsertValue(const ActorPath& path, ComponentCore* component,
                           std::shared_ptr<const RoutingPolicy> policy, bool update);
  void ClearLocked();  // mu_ held

  mutable std::mutex mu_;  // serialises writers
  uint64_t next_batch_ ABSL_GUARDED_BY(mu_) = 1;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  routing_internal::RetireList retired_ ABSL_GUARDED_BY(mu_);
  std::atomic<const routing_internal::Version*> current_;
};

}  // namespace kompact

#endif  // KOMPACT_ROUTING_ACTOR_STORE_H_
