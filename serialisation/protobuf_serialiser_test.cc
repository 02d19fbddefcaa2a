#include "serialisation/protobuf_serialiser.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "serialisation/encode_buffer.h"
#include "serialisation/match_deser.h"
#include "serialisation/net_data.h"
#include "serialisation/serialisable.h"
#include "serialisation/testdata/test_messages.pb.h"
#include "testing/status_matchers.h"

namespace kompact::serialisation_test {
using PersonSerialiser = ProtobufSerialiser<Person, 60>;
}  // namespace kompact::serialisation_test

// Telemetry's default serialiser is the protobuf adapter.
template <>
struct kompact::DefaultSerialiser<kompact::serialisation_test::Telemetry>
    : kompact::ProtobufSerialiser<kompact::serialisation_test::Telemetry, 61> {};

namespace kompact {
namespace {

using ::kompact::serialisation_test::Person;
using ::kompact::serialisation_test::PersonSerialiser;
using ::kompact::serialisation_test::Telemetry;
using ::kompact::testing::IsOk;
using ::kompact::testing::StatusIs;

Person MakePerson() {
  Person p;
  p.set_name("Ada Lovelace");
  p.set_id(1815);
  p.add_emails("ada@example.org");
  p.add_emails("countess@example.org");
  return p;
}

Telemetry MakeTelemetry(size_t payload) {
  Telemetry t;
  t.set_sequence(99);
  t.set_timestamp_us(-123456789);
  t.set_source("sensor-7");
  for (int i = 0; i < 20; ++i) t.add_samples(i * 0.5);
  t.add_tags("a");
  t.add_tags("bb");
  t.set_payload(std::string(payload, '\x7f'));
  *t.mutable_owner() = MakePerson();
  return t;
}

MATCHER_P(ProtoEq, expected, "") { return arg.SerializeAsString() == expected.SerializeAsString(); }

static_assert(Serialiser<PersonSerialiser, Person> && Deserialiser<PersonSerialiser, Person>);
static_assert(Serialisable<Telemetry>);
static_assert(!Serialisable<Person>);

TEST(ProtobufSerialiser, RoundTripsWithTheUserSerId) {
  const Person person = MakePerson();
  EXPECT_EQ(PersonSerialiser::kSerId, 60);
  ASSERT_OK_AND_ASSIGN(std::vector<uint8_t> bytes, (SerialiseToBytes<Person, PersonSerialiser>(person)));
  EXPECT_EQ(bytes.size(), person.ByteSizeLong());
  EXPECT_EQ(std::string(bytes.begin(), bytes.end()), person.SerializeAsString());  // standard encoding
  ASSERT_OK_AND_ASSIGN(Person back, (DeserialiseBytes<Person, PersonSerialiser>(bytes)));
  EXPECT_THAT(back, ProtoEq(person));
}

TEST(ProtobufSerialiser, DefaultSerialiserSpecialisationWorksEverywhere) {
  const Telemetry t = MakeTelemetry(900);
  ASSERT_OK_AND_ASSIGN(NetData data, NetData::Serialise(t));
  EXPECT_EQ(data.ser_id(), 61);
  EXPECT_GT(data.serialised_size(), 1000);
  ASSERT_OK_AND_ASSIGN(Telemetry back, data.TryDeserialise<Telemetry>());
  EXPECT_THAT(back, ProtoEq(t));
}

TEST(ProtobufSerialiser, ParsesAcrossChunkSegments) {
  ASSERT_OK_AND_ASSIGN(EncodeBuffer buffer,
                       EncodeBuffer::Create(BufferConfig{.chunk_size = 256,
                                                         .initial_chunk_count = 1,
                                                         .max_chunk_count = 16,
                                                         .encode_buf_min_free_space = 16}));
  const Telemetry t = MakeTelemetry(1000);  // larger than a chunk: written piecewise
  ASSERT_OK_AND_ASSIGN(NetData data, NetData::Serialise(t, buffer));
  EXPECT_GT(data.segment_count(), 1);
  ASSERT_OK_AND_ASSIGN(Telemetry back, data.TryDeserialise<Telemetry>());
  EXPECT_THAT(back, ProtoEq(t));
  // A small message fits a chunk and is written in place.
  ASSERT_OK_AND_ASSIGN(NetData small, (NetData::Serialise<Person, PersonSerialiser>(MakePerson(), buffer)));
  EXPECT_EQ(small.segment_count(), 1);
  ASSERT_OK_AND_ASSIGN(Person person, (small.TryDeserialise<Person, PersonSerialiser>()));
  EXPECT_THAT(person, ProtoEq(MakePerson()));
}

TEST(ProtobufSerialiser, EmptyMessageIsZeroBytes) {
  ASSERT_OK_AND_ASSIGN(std::vector<uint8_t> bytes, (SerialiseToBytes<Person, PersonSerialiser>(Person())));
  EXPECT_TRUE(bytes.empty());
  ASSERT_OK_AND_ASSIGN(Person back, (DeserialiseBytes<Person, PersonSerialiser>(bytes)));
  EXPECT_THAT(back, ProtoEq(Person()));
}

TEST(ProtobufSerialiser, CorruptBytesAreDataLoss) {
  const std::vector<uint8_t> bad = {0x0a, 0x05, 'a'};  // field 1, length 5, only 1 byte
  EXPECT_THAT((DeserialiseBytes<Person, PersonSerialiser>(bad)),
              StatusIs(absl::StatusCode::kDataLoss,
                       "cannot parse protobuf kompact::serialisation_test::Person from 3 bytes at offset 0"));
}

TEST(ProtobufSerialiser, BoxedProtobufTravelsLazilyThroughMatchDeser) {
  NetData data = NetData::Box<Person, PersonSerialiser>(MakePerson());
  const std::string name = MatchDeser(On<Person, PersonSerialiser>([](Person p) { return p.name(); }),
                                      OnError([] { return std::string("error"); }),
                                      OnDefault([] { return std::string("default"); }))
                               .Match(data);
  EXPECT_EQ(name, "Ada Lovelace");
}

}  // namespace
}  // namespace kompact
