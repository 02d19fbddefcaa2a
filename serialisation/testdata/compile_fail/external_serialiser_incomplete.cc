// A serialiser type without SizeHint.
// EXPECT-ERROR: serialiser S has no `static size_t SizeHint(const T&)`
#include "serialisation/serialisable.h"

struct Point {
  int x = 0;
};
struct PointSerialiser {
  static constexpr kompact::SerId kSerId = kompact::MakeSerId<43>();
  static absl::Status Serialise(const Point&, kompact::BufMut&) { return absl::OkStatus(); }
};

auto Bytes() { return kompact::SerialiseToBytes<Point, PointSerialiser>(Point{}); }
