#include "runtime/internal/creation_context.h"

#include <glog/logging.h>

namespace kompact::runtime_internal {
namespace {
thread_local CreationScope* current_scope = nullptr;
}  // namespace

ComponentCore& CoreUnderConstruction(const char* what) {
  CHECK(current_scope != nullptr)
      << what << " constructed outside KompactSystem::Create: component definitions and their ports "
      << "can only be created by a system (system.Create<C>(args...))";
  return *current_scope->core();
}

void NotePortConstructed() {
  if (current_scope != nullptr) ++current_scope->ports_constructed_;
}

CreationScope::CreationScope(ComponentCore* core) : core_(core), previous_(current_scope) {
  current_scope = this;
}

CreationScope::~CreationScope() { current_scope = previous_; }

}  // namespace kompact::runtime_internal
