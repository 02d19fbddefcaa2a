// A type with no serialisation at all.
// EXPECT-ERROR: it has no `static constexpr kompact::SerId kSerId
// EXPECT-ERROR: NoSerId
#include "serialisation/net_data.h"

struct NoSerId {
  int x = 0;
};

kompact::NetData Make() { return kompact::NetData::Box(NoSerId{}); }
