// BoxedValue: a type-erased message value inside a NetData that remembers how to
// serialise itself (Kompact's Box<dyn Serialisable>), so a local receiver can take it
// back without any serialisation. Private to //serialisation; included by net_data.h
// because NetData's templates create and unwrap boxes.
#ifndef KOMPACT_SERIALISATION_INTERNAL_BOXED_H_
#define KOMPACT_SERIALISATION_INTERNAL_BOXED_H_

#include <cstddef>
#include <memory>
#include <new>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"
#include "base/node_pool.h"
#include "serialisation/buf.h"
#include "serialisation/internal/type_name.h"
#include "serialisation/serialisable.h"

namespace kompact::serialisation_internal {

class BoxedValue {
 public:
  BoxedValue(const BoxedValue&) = delete;
  BoxedValue& operator=(const BoxedValue&) = delete;
  virtual ~BoxedValue() = default;

  // The boxed T if this box holds exactly a T, else nullptr.
  template <typename T>
  T* As() {
    return *type_ == typeid(T) ? static_cast<T*>(value_) : nullptr;
  }
  std::string_view type_name() const { return type_name_; }

  virtual size_t SizeHint() const = 0;
  virtual absl::Status Serialise(BufMut& buf) const = 0;
  // A boxed copy if the value is copyable, else nullptr.
  virtual std::unique_ptr<BoxedValue> CloneIfCopyable() const = 0;

 protected:
  BoxedValue(const std::type_info& type, std::string_view type_name) : type_(&type), type_name_(type_name) {}
  void set_value(void* value) { value_ = value; }

 private:
  const std::type_info* type_;
  std::string_view type_name_;
  void* value_ = nullptr;
};

template <typename T, typename S>
class BoxedImpl final : public BoxedValue {
 public:
  // Boxes live in the per-thread block pools (base/node_pool.h), so boxing a message
  // for a path-addressed tell does not call malloc. The class is final: `size` is
  // always sizeof(BoxedImpl).
  static void* operator new(size_t size) {
    if constexpr (alignof(BoxedImpl) <= 64) {
      return base_internal::AllocateNodeBlock<sizeof(BoxedImpl)>();
    } else {
      return ::operator new (size, std::align_val_t{alignof(BoxedImpl)});
    }
  }
  static void operator delete(void* block) {
    if constexpr (alignof(BoxedImpl) <= 64) {
      base_internal::FreeNodeBlock<sizeof(BoxedImpl)>(block);
    } else {
      ::operator delete (block, std::align_val_t{alignof(BoxedImpl)});
    }
  }

  template <typename... Args>
  explicit BoxedImpl(Args&&... args)
      : BoxedValue(typeid(T), TypeName<T>()), value_(std::forward<Args>(args)...) {
    set_value(&value_);
  }

  size_t SizeHint() const override {
    if constexpr (Serialiser<S, T>) {
      return S::SizeHint(value_);
    } else {
      return 0;
    }
  }
  absl::Status Serialise(BufMut& buf) const override {
    if constexpr (Serialiser<S, T>) {
      return SerialiseInto<T, S>(value_, buf);
    } else {
      return absl::FailedPreconditionError(absl::StrCat("boxed ", AsAbsl(TypeName<T>()),
                                                        " has no serialiser (", AsAbsl(TypeName<S>()),
                                                        " only deserialises)"));
    }
  }
  std::unique_ptr<BoxedValue> CloneIfCopyable() const override {
    if constexpr (std::is_copy_constructible_v<T>) {
      return std::make_unique<BoxedImpl>(value_);
    } else {
      return nullptr;
    }
  }

 private:
  T value_;
};

}  // namespace kompact::serialisation_internal

#endif  // KOMPACT_SERIALISATION_INTERNAL_BOXED_H_
