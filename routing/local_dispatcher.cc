#include "routing/local_dispatcher.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"
#include "base/status.h"

namespace kompact {

void DeliverLocally(const ActorStore& store, const DispatcherContext& context, NetMessage&& message) {
  const ActorPath& to = message.receiver();
  if (ABSL_PREDICT_FALSE(to.is_dead_letter_path())) {
    context.DeadLetter(message, "sent to the dead-letter path");
    return;
  }
  ActorStore::ReadGuard guard;
  const LookupResult found = store.Lookup(to, guard);
  switch (found.kind) {
    case LookupResult::Kind::kActor:
      context.DeliverTo(*found.actor, std::move(message));
      return;
    case LookupResult::Kind::kGroup:
      if (found.members.empty()) {
        context.DeadLetter(message, "nothing is registered below this routing path");
        return;
      }
      found.policy->Route(RoutingGroup(found.members, context), std::move(message));
      return;
    case LookupResult::Kind::kNone:
      context.DeadLetter(message, "nothing is registered at this path");
      return;
    case LookupResult::Kind::kError:
      context.DeadLetter(message, found.error);
      return;
  }
}

absl::StatusOr<std::unique_ptr<LocalDispatcher>> LocalDispatcher::Create(const DispatcherContext& context) {
  KOMPACT_ASSIGN_OR_RETURN(ReaperOptions options, ReaperOptions::FromConfig(context.config()));
  return std::unique_ptr<LocalDispatcher>(new LocalDispatcher(context, options));
}

absl::StatusOr<std::unique_ptr<Dispatcher>> LocalDispatcher::Factory(const DispatcherContext& context) {
  KOMPACT_ASSIGN_OR_RETURN(std::unique_ptr<LocalDispatcher> dispatcher, Create(context));
  return std::unique_ptr<Dispatcher>(std::move(dispatcher));
}

LocalDispatcher::LocalDispatcher(const DispatcherContext& context, ReaperOptions options)
    : context_(context),
      system_path_(Transport::kLocal, IpAddress::Loopback(), 0),
      store_(std::make_shared<ActorStore>()),
      reaper_(store_, context, options) {}

LocalDispatcher::~LocalDispatcher() = default;

absl::StatusOr<ActorPath> LocalDispatcher::Register(ComponentCore& component) {
  KOMPACT_RETURN_IF_ERROR(store_->InsertUnique(component));
  reaper_.Start();
  return ActorPath::Unique(system_path_, component.id());
}

template <typename Insert>
absl::StatusOr<ActorPath> LocalDispatcher::RegisterNamed(std::string_view relative, Insert&& insert) {
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

absl::StatusOr<ActorPath> LocalDispatcher::RegisterAlias(ComponentCore& component, std::string_view alias,
                                                         bool update) {
  return RegisterNamed(alias,
                       [&](const ActorPath& path) { return store_->InsertNamed(path, component, update); });
}

absl::StatusOr<ActorPath> LocalDispatcher::SetRoutingPolicy(std::shared_ptr<const RoutingPolicy> policy,
                                                            std::string_view path, bool update) {
  return RegisterNamed(
      path, [&](const ActorPath& named) { return store_->InsertPolicy(named, std::move(policy), update); });
}

absl::Status LocalDispatcher::Deregister(const ActorPath& path) {
  if (path.system() != system_path_) {
    return absl::InvalidArgumentError(absl::StrCat("cannot deregister ", path.ToString(),
                                                   ": it belongs to system ", path.system().ToString(),
                                                   ", this one is ", system_path_.ToString()));
  }
  return store_->Remove(path);
}

void LocalDispatcher::Deliver(NetMessage&& message) {
  if (ABSL_PREDICT_FALSE(message.receiver().system() != system_path_)) {
    context_.DeadLetter(
        message,
        "the receiver is on another system; the local dispatcher delivers only inside its own (a "
        "network dispatcher is needed)");
    return;
  }
  DeliverLocally(*store_, context_, std::move(message));
}

void LocalDispatcher::Shutdown() {
  reaper_.Stop();
  store_->Close();
}

}  // namespace kompact
