#include "serialisation/deserialiser_registry.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "serialisation/match_deser.h"
#include "serialisation/net_data.h"
#include "serialisation/ser_ids.h"
#include "serialisation/test_types.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

using ::kompact::serialisation_test::Counted;
using ::kompact::serialisation_test::Ping;
using ::kompact::serialisation_test::Point;
using ::kompact::serialisation_test::PointSerialiser;
using ::kompact::serialisation_test::PointView;
using ::kompact::serialisation_test::PointViewDeserialiser;
using ::kompact::testing::IsOk;
using ::kompact::testing::IsOkAndHolds;
using ::kompact::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

// Another type claiming Ping's SerId.
struct Impostor {
  static constexpr SerId kSerId = Ping::kSerId;
  size_t SizeHint() const { return 0; }
  absl::Status Serialise(BufMut&) const { return absl::OkStatus(); }
  static absl::StatusOr<Impostor> Deserialise(Buf&) { return Impostor{}; }
};

TEST(DeserialiserRegistry, DuplicateSerIdNamesBothTypes) {
  DeserialiserRegistry registry;
  ASSERT_OK(registry.Register<Ping>());
  EXPECT_THAT(
      registry.Register<Impostor>(),
      StatusIs(absl::StatusCode::kAlreadyExists,
               AllOf(HasSubstr("SerId 42 is already registered for kompact::serialisation_test::Ping"),
                     HasSubstr("cannot register kompact::"), HasSubstr("Impostor (serialiser "))));
  EXPECT_EQ(registry.size(), 1);
  EXPECT_EQ(registry.Find(Ping::kSerId)->type_name, "kompact::serialisation_test::Ping");
}

TEST(DeserialiserRegistry, SameTypeAndSerialiserAgainIsANoOp) {
  DeserialiserRegistry registry;
  ASSERT_OK(registry.Register<Ping>());
  EXPECT_THAT(registry.Register<Ping>(), IsOk());
  EXPECT_EQ(registry.size(), 1);
}

TEST(DeserialiserRegistry, SameSerIdWithAnotherDeserialiserIsADuplicate) {
  DeserialiserRegistry registry;
  ASSERT_OK((registry.Register<Point, PointSerialiser>()));
  EXPECT_THAT((registry.Register<PointView, PointViewDeserialiser>()),
              StatusIs(absl::StatusCode::kAlreadyExists, "PointViewDeserialiser"));
}

TEST(DeserialiserRegistry, DecodesSerialisedDataIntoABoxForTheLocalPath) {
  DeserialiserRegistry registry;
  ASSERT_OK(registry.Register<Ping>());
  ASSERT_OK(registry.Register<std::string>());
  ASSERT_OK((registry.Register<Point, PointSerialiser>()));
  ASSERT_OK_AND_ASSIGN(NetData wire, NetData::Serialise(Ping{.seq = 5, .who = "dan"}));
  ASSERT_OK_AND_ASSIGN(NetData boxed, registry.Decode(wire));
  EXPECT_TRUE(boxed.Holds<Ping>());
  EXPECT_EQ(boxed.ser_id(), Ping::kSerId);
  // MatchDeser takes it on the local path; the box can also be serialised again.
  ASSERT_OK_AND_ASSIGN(NetData again, boxed.TryClone());
  ASSERT_OK(again.TrySerialise());
  EXPECT_EQ(again.serialised_size(), wire.serialised_size());
  std::string who =
      MatchDeser(On<Ping>([](Ping p) { return p.who; }), OnError([] { return std::string("error"); }),
                 OnDefault([] { return std::string("default"); }))
          .Match(boxed);
  EXPECT_EQ(who, "dan");
}

TEST(DeserialiserRegistry, DecodeErrors) {
  DeserialiserRegistry registry;
  ASSERT_OK(registry.Register<Ping>());
  EXPECT_THAT(registry.Decode(NetData::FromBytes(ser_ids::kU64, {0, 0, 0, 0, 0, 0, 0, 1})),
              StatusIs(absl::StatusCode::kNotFound, "no deserialiser registered for SerId 7"));
  EXPECT_THAT(registry.Decode(NetData::FromBytes(Ping::kSerId, {1})),
              StatusIs(absl::StatusCode::kDataLoss, "decoding kompact::serialisation_test::Ping (SerId 42)"));
  EXPECT_THAT(registry.Decode(NetData::Box(Ping{})), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(registry.Register(DeserialiserRegistry::Entry{
                  .ser_id = Counted::kSerId, .type_name = "X", .serialiser_name = "Y", .decode = nullptr}),
              StatusIs(absl::StatusCode::kInvalidArgument, "no decode function"));
}

TEST(DeserialiserRegistry, DeserialiseOnlyBoxesCannotBeSerialisedAgain) {
  DeserialiserRegistry registry;
  ASSERT_OK((registry.Register<PointView, PointViewDeserialiser>()));
  ASSERT_OK_AND_ASSIGN(NetData wire, (NetData::Serialise<Point, PointSerialiser>(Point{1, 2})));
  ASSERT_OK_AND_ASSIGN(NetData boxed, registry.Decode(wire));
  EXPECT_TRUE(boxed.Holds<PointView>());
  EXPECT_THAT(boxed.TrySerialise(), StatusIs(absl::StatusCode::kFailedPrecondition, "only deserialises"));
}

}  // namespace
}  // namespace kompact
