// Two MatchDeser arms for the same SerId.
// EXPECT-ERROR: MatchDeser: two On<> arms have the same SerId
// EXPECT-ERROR: CheckUniqueArmSerId<42, 2>
#include "serialisation/match_deser.h"
#include "serialisation/test_types.h"

struct PingAgain {
  int seq = 0;
};
struct PingAgainDeserialiser {
  static constexpr kompact::SerId kSerId = kompact::serialisation_test::Ping::kSerId;
  static absl::StatusOr<PingAgain> Deserialise(kompact::Buf&) { return PingAgain{}; }
};

int Dispatch(kompact::NetData& data) {
  using kompact::serialisation_test::Ping;
  return kompact::MatchDeser(kompact::On<Ping>([](Ping) { return 1; }),
                             kompact::On<PingAgain, PingAgainDeserialiser>([](PingAgain) { return 2; }),
                             kompact::OnError([] { return 3; }), kompact::OnDefault([] { return 4; }))
      .Match(data);
}
