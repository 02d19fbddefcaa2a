// Raw pointers are not messages.
// EXPECT-ERROR: a message must be a movable object type that owns its data
#include "serialisation/net_data.h"
#include "serialisation/test_types.h"

kompact::NetData Make(kompact::serialisation_test::Ping* p) { return kompact::NetData::Box(p); }
