// RAII strong and weak references to a ComponentCore (the building blocks of
// Component<C>, ActorRef and port connections).
//
// Thread-safety: like std::shared_ptr — one object per thread, copies anywhere.
#ifndef KOMPACT_RUNTIME_INTERNAL_CORE_REFS_H_
#define KOMPACT_RUNTIME_INTERNAL_CORE_REFS_H_

#include <utility>

#include "runtime/component_core.h"

namespace kompact::runtime_internal {

class WeakCoreRef {
 public:
  WeakCoreRef() = default;
  explicit WeakCoreRef(ComponentCore* core) : core_(core) {
    if (core_ != nullptr) core_->AddWeakRef();
  }
  WeakCoreRef(const WeakCoreRef& other) : WeakCoreRef(other.core_) {}
  WeakCoreRef(WeakCoreRef&& other) noexcept : core_(std::exchange(other.core_, nullptr)) {}
  WeakCoreRef& operator=(WeakCoreRef other) noexcept {
    std::swap(core_, other.core_);
    return *this;
  }
  ~WeakCoreRef() {
    if (core_ != nullptr) core_->ReleaseWeakRef();
  }

  ComponentCore* get() const { return core_; }
  explicit operator bool() const { return core_ != nullptr; }
  friend bool operator==(const WeakCoreRef& a, const WeakCoreRef& b) { return a.core_ == b.core_; }

 private:
  ComponentCore* core_ = nullptr;
};

class StrongCoreRef {
 public:
  StrongCoreRef() = default;
  // Takes a new strong reference.
  explicit StrongCoreRef(ComponentCore* core) : core_(core) {
    if (core_ != nullptr) core_->AddStrongRef();
  }
  // Adopts a strong reference the caller already owns.
  static StrongCoreRef Adopt(ComponentCore* core) {
    StrongCoreRef r;
    r.core_ = core;
    return r;
  }
  StrongCoreRef(const StrongCoreRef& other) : StrongCoreRef(other.core_) {}
  StrongCoreRef(StrongCoreRef&& other) noexcept : core_(std::exchange(other.core_, nullptr)) {}
  StrongCoreRef& operator=(StrongCoreRef other) noexcept {
    std::swap(core_, other.core_);
    return *this;
  }
  ~StrongCoreRef() { Reset(); }

  void Reset() {
    if (core_ != nullptr) std::exchange(core_, nullptr)->ReleaseStrongRef();
  }
  // Gives up ownership without releasing.
  ComponentCore* Release() { return std::exchange(core_, nullptr); }
  ComponentCore* get() const { return core_; }
  ComponentCore* operator->() const { return core_; }
  explicit operator bool() const { return core_ != nullptr; }
  friend bool operator==(const StrongCoreRef& a, const StrongCoreRef& b) { return a.core_ == b.core_; }

 private:
  ComponentCore* core_ = nullptr;
};

}  // namespace kompact::runtime_internal

#endif  // KOMPACT_RUNTIME_INTERNAL_CORE_REFS_H_
