// The component being constructed on this thread, so that the definition's base
// class and its port fields can find their ComponentCore during construction
// (KompactSystem::Create sets it around the definition's constructor).
//
// Thread-safety: thread-local; nesting (a constructor that creates components)
// is handled by saving and restoring the previous value.
#ifndef KOMPACT_RUNTIME_INTERNAL_CREATION_CONTEXT_H_
#define KOMPACT_RUNTIME_INTERNAL_CREATION_CONTEXT_H_

namespace kompact {
class ComponentCore;
namespace runtime_internal {

// Returns the core of the component under construction on this thread. Aborts
// with a clear message if there is none (a definition or port was constructed
// outside KompactSystem::Create).
ComponentCore& CoreUnderConstruction(const char* what);
// Port fields call this from their constructors, so Create can check that every
// port field is listed in Ports().
void NotePortConstructed();

class CreationScope {
 public:
  explicit CreationScope(ComponentCore* core);
  ~CreationScope();
  CreationScope(const CreationScope&) = delete;
  CreationScope& operator=(const CreationScope&) = delete;

  // Port fields constructed for this component so far.
  int ports_constructed() const { return ports_constructed_; }
  ComponentCore* core() const { return core_; }

 private:
  friend void NotePortConstructed();
  ComponentCore* core_;
  CreationScope* previous_;
  int ports_constructed_ = 0;
};

}  // namespace runtime_internal
}  // namespace kompact

#endif  // KOMPACT_RUNTIME_INTERNAL_CREATION_CONTEXT_H_
