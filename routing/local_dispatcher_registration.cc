// Makes LocalDispatcher the default dispatcher of every system in a binary that
// links //routing:local_dispatcher (runtime/dispatcher.h). Linked with alwayslink,
// so the registration happens even though nothing refers to this file.
#include "routing/local_dispatcher.h"
#include "runtime/dispatcher.h"

namespace kompact {
namespace {

[[maybe_unused]] const bool registered = [] {
  SetDefaultDispatcherFactory(&LocalDispatcher::Factory);
  return true;
}();

}  // namespace
}  // namespace kompact
