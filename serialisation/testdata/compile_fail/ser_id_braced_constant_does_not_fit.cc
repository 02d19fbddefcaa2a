// A SerId constant too large for the configured width, brace-initialised.
// EXPECT-ERROR: narrow
// EXPECT-ERROR: kompact::SerId
#include "serialisation/ser_id.h"

struct Ping {
  static constexpr kompact::SerId kSerId{KOMPACT_TEST_BIG_ID};
};
