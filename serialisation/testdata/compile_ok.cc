// Control for compile_fail_test: uses every header the failing sources use, and must
// compile, so a failure there is the intended diagnostic and not a harness problem.
#include "serialisation/match_deser.h"
#include "serialisation/net_data.h"
#include "serialisation/ser_id.h"
#include "serialisation/serialisable.h"
#include "serialisation/test_types.h"

constexpr kompact::SerId kId = kompact::MakeSerId<42>();

int Dispatch(kompact::NetData& data) {
  using kompact::serialisation_test::Ping;
  return kompact::MatchDeser(kompact::On<Ping>([](Ping) { return 1; }), kompact::OnError([] { return 3; }),
                             kompact::OnDefault([] { return 4; }))
      .Match(data);
}

// The plain spelling is fine for an id that fits every width.
struct PlainPing {
  static constexpr kompact::SerId kSerId = 42;
};
