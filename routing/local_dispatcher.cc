#include "routing/local_dispatcher.h"

#include <utility>

#include "base/status.h"

namespace kompact {

absl::StatusOr<std::unique_ptr<LocalDispatcher>> LocalDispatcher::Create(const DispatcherContext& context) {
  KOMPACT_ASSIGN_OR_RETURN(
      std::unique_ptr<PathRegistry> registry,
      PathRegistry::Create(context, SystemPath(Transport::kLocal, IpAddress::Loopback(), 0)));
  return std::unique_ptr<LocalDispatcher>(new LocalDispatcher(std::move(registry)));
}

absl::StatusOr<std::unique_ptr<Dispatcher>> LocalDispatcher::Factory(const DispatcherContext& context) {
  KOMPACT_ASSIGN_OR_RETURN(std::unique_ptr<LocalDispatcher> dispatcher, Create(context));
  return std::unique_ptr<Dispatcher>(std::move(dispatcher));
}

LocalDispatcher::~LocalDispatcher() = default;

void LocalDispatcher::Deliver(NetMessage&& message) {
  if (ABSL_PREDICT_FALSE(message.receiver().system() != registry().system_path())) {
    registry().DeadLetter(
        message,
        "the receiver is on another system; the local dispatcher delivers only inside its own (a "
        "network dispatcher is needed)");
    return;
  }
  registry().DeliverLocally(std::move(message));
}

void LocalDispatcher::Shutdown() { registry().Shutdown(); }

}  // namespace kompact
