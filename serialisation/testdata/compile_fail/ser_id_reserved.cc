// User SerIds may not use the built-in range 0-20.
// EXPECT-ERROR: SerIds 0-20 are reserved for Kompact's built-in serialisers
// EXPECT-ERROR: kValue = 7
#include "serialisation/ser_id.h"

constexpr kompact::SerId kId = kompact::MakeSerId<7>();
