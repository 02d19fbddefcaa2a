// kSerId declared with another integer type.
// EXPECT-ERROR: T::kSerId must have type kompact::SerId
#include "serialisation/serialisable.h"

struct WrongType {
  static constexpr int kSerId = 42;
  size_t SizeHint() const { return 0; }
  absl::Status Serialise(kompact::BufMut&) const { return absl::OkStatus(); }
  static absl::StatusOr<WrongType> Deserialise(kompact::Buf&) { return WrongType{}; }
};

auto Bytes() { return kompact::SerialiseToBytes(WrongType{}); }
