// MatchDeser arms returning different types.
// EXPECT-ERROR: every arm's handler must return the same type
#include <string>

#include "serialisation/match_deser.h"
#include "serialisation/test_types.h"

int Dispatch(kompact::NetData& data) {
  using kompact::serialisation_test::Ping;
  return kompact::MatchDeser(kompact::On<Ping>([](Ping) { return 1; }),
                             kompact::OnError([] { return std::string("no"); }),
                             kompact::OnDefault([] { return 4; }))
      .Match(data);
}
