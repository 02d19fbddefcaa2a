#include "routing/path_registry.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"
#include "base/status.h"

namespace kompact {

absl::StatusOr<std::unique_ptr<PathRegistry>> PathRegistry::Create(const DispatcherContext& context,
                                                                   SystemPath system_path) {
  KOMPACT_ASSIGN_OR_RETURN(ReaperOptions options, ReaperOptions::FromConfig(context.config()));
  return std::unique_ptr<PathRegistry>(new PathRegistry(context, system_path, options));
}

PathRegistry::PathRegistry(const DispatcherContext& context, SystemPath system_path, ReaperOptions options)
    : context_(context),
      system_path_(system_path),
      store_(std::make_shared<ActorStore>()),
      reaper_(store_, context, options) {}

PathRegistry::~PathRegistry() = default;

void PathRegistry::DeliverLocally(NetMessage&& message, RouteOrigin origin) const {
  const ActorPath& to = message.receiver();
  if (ABSL_PREDICT_FALSE(to.is_dead_letter_path())) {
    DeadLetter(message, "sent to the dead-letter path");
    return;
  }
  ActorStore::ReadGuard guard;
  const LookupResult found = store_->Lookup(to, guard, origin);
  switch (found.kind) {
    case LookupResult::Kind::kActor:
      context_.DeliverTo(*found.actor, std::move(message));
      return;
    case LookupResult::Kind::kGroup:
      if (found.members.empty()) {
        DeadLetter(message, "nothing is registered below this routing path");
        return;
      }
      found.policy->Route(RoutingGroup(found.members, context_), std::move(message));
      return;
    case LookupResult::Kind::kNone:
      DeadLetter(message, "nothing is registered at this path");
      return;
    case LookupResult::Kind::kError:
      DeadLetter(message, found.error);
      return;
  }
}

absl::StatusOr<ActorPath> PathRegistry::Register(ComponentCore& component) {
  KOMPACT_RETURN_IF_ERROR(store_->InsertUnique(component));
  reaper_.Start();
  return ActorPath::Unique(system_path_, component.id());
}

template <typename Insert>
absl::StatusOr<ActorPath> PathRegistry::RegisterNamed(std::string_view relative, Insert&& insert) {
  // The table keeps this very path: senders that use the returned copy are matched
  // by identity of the shared segments.
  absl::StatusOr<ActorPath> path = ActorPath::Named(system_path_, SplitPath(relative));
  absl::Status inserted = path.ok() ? insert(*path) : path.status();
  if (!inserted.ok()) {
    return Annotate(inserted,
                    absl::StrCat("registering \"", AsAbsl(relative), "\" on ", system_path_.ToString()));
  }
  reaper_.Start();
  return path;
}

absl::StatusOr<ActorPath> PathRegistry::RegisterAlias(ComponentCore& component, std::string_view alias,
                                                      bool update) {
  return RegisterNamed(alias,
                       [&](const ActorPath& path) { return store_->InsertNamed(path, component, update); });
}

absl::StatusOr<ActorPath> PathRegistry::SetRoutingPolicy(std::shared_ptr<const RoutingPolicy> policy,
                                                         std::string_view path, bool update) {
  return RegisterNamed(
      path, [&](const ActorPath& named) { return store_->InsertPolicy(named, std::move(policy), update); });
}

absl::Status PathRegistry::Deregister(const ActorPath& path) {
  if (path.system() != system_path_) {
    return absl::InvalidArgumentError(absl::StrCat("cannot deregister ", path.ToString(),
                                                   ": it belongs to system ", path.system().ToString(),
                                                   ", this one is ", system_path_.ToString()));
  }
  return store_->Remove(path);
}

void PathRegistry::Shutdown() {
  reaper_.Stop();
  store_->Close();
}

}  // namespace kompact
