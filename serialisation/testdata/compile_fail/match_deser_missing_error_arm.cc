// MatchDeser without an error arm.
// EXPECT-ERROR: MatchDeser needs exactly one OnError(...) arm
#include "serialisation/match_deser.h"
#include "serialisation/test_types.h"

int Dispatch(kompact::NetData& data) {
  using kompact::serialisation_test::Ping;
  return kompact::MatchDeser(kompact::On<Ping>([](Ping) { return 1; }), kompact::OnDefault([] { return 4; }))
      .Match(data);
}
