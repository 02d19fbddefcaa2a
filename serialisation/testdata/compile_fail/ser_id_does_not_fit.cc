// A user SerId that does not fit the configured width (the script picks the value).
// EXPECT-ERROR: SerId constant does not fit the SerId width
// EXPECT-ERROR: kValue = ${KOMPACT_TEST_BAD_ID}
#include "serialisation/ser_id.h"

constexpr kompact::SerId kId = kompact::MakeSerId<KOMPACT_TEST_BAD_ID>();
