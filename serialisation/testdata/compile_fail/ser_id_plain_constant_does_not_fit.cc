// The plain spelling of a SerId constant (no MakeSerId) with a value too large for
// the configured width (the script picks it): an error, not a truncated id.
// EXPECT-ERROR: changes value from
// EXPECT-ERROR: kompact::SerId
#include "serialisation/ser_id.h"

struct Ping {
  static constexpr kompact::SerId kSerId = KOMPACT_TEST_BIG_ID;
};
