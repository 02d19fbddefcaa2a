// An in-class serialisable type without its static Deserialise.
// EXPECT-ERROR: T is not serialisable: it has no `static absl::StatusOr<T> Deserialise(kompact::Buf&)`
#include "serialisation/serialisable.h"

struct HalfDone {
  static constexpr kompact::SerId kSerId = kompact::MakeSerId<42>();
  size_t SizeHint() const { return 0; }
  absl::Status Serialise(kompact::BufMut&) const { return absl::OkStatus(); }
};

auto Bytes() { return kompact::SerialiseToBytes(HalfDone{}); }
