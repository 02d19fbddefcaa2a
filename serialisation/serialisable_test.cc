#include "serialisation/serialisable.h"

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "base/uuid.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "serialisation/ser_ids.h"
#include "serialisation/test_types.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

using ::kompact::serialisation_test::Ping;
using ::kompact::serialisation_test::Point;
using ::kompact::serialisation_test::PointSerialiser;
using ::kompact::testing::IsOk;
using ::kompact::testing::IsOkAndHolds;
using ::kompact::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

// Concepts accept what the traits header promises and reject the rest.
static_assert(Serialisable<std::string> && Deserialisable<std::string>);
static_assert(Serialisable<uint64_t> && Serialisable<int8_t> && Serialisable<bool>);
static_assert(Serialisable<std::monostate> && Serialisable<Uuid>);
static_assert(Serialisable<Ping> && InClassSerialisable<Ping>);
static_assert(!Serialisable<Point> && Serialiser<PointSerialiser, Point> &&
              Deserialiser<PointSerialiser, Point>);
static_assert(!Serialisable<char> && !Serialisable<long long> && !Serialisable<double>);
static_assert(!MessageValue<int*> && !MessageValue<const Ping> && MessageValue<Ping>);

template <typename T>
std::vector<uint8_t> Bytes(const T& value) {
  absl::StatusOr<std::vector<uint8_t>> bytes = SerialiseToBytes(value);
  EXPECT_THAT(bytes, IsOk());
  return bytes.ok() ? *bytes : std::vector<uint8_t>();
}

// Serialises, checks the size hint, deserialises from one span and from every split
// into two segments, and checks that every strict prefix fails with kDataLoss.
template <typename T>
void CheckRoundTrip(const T& value) {
  SCOPED_TRACE(::testing::PrintToString(value));
  const std::vector<uint8_t> bytes = Bytes(value);
  EXPECT_EQ(DefaultSerialiser<T>::SizeHint(value), bytes.size());
  EXPECT_THAT(DeserialiseBytes<T>(bytes), IsOkAndHolds(value));
  for (size_t split = 0; split <= bytes.size(); ++split) {
    const std::span<const uint8_t> all(bytes);
    const Buf::Segment segs[] = {all.first(split), all.subspan(split)};
    Buf buf = Buf::OverSegments(segs);
    EXPECT_THAT(DeserialiseAll<T>(buf), IsOkAndHolds(value)) << "split at " << split;
  }
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_THAT(DeserialiseBytes<T>(std::span<const uint8_t>(bytes).first(n)),
                StatusIs(absl::StatusCode::kDataLoss))
        << "prefix of " << n << " of " << bytes.size() << " bytes";
  }
}

TEST(BuiltinSerialisers, HaveTheReservedIds) {
  EXPECT_EQ(DefaultSerialiser<std::string>::kSerId, ser_ids::kString);
  EXPECT_EQ(DefaultSerialiser<uint64_t>::kSerId, ser_ids::kU64);
  EXPECT_EQ(DefaultSerialiser<std::monostate>::kSerId, ser_ids::kUnit);
  EXPECT_EQ(DefaultSerialiser<Uuid>::kSerId, ser_ids::kUuid);
  EXPECT_EQ(DefaultSerialiser<int32_t>::kSerId, ser_ids::kI32);
  EXPECT_EQ(DefaultSerialiser<bool>::kSerId, ser_ids::kBool);
  EXPECT_NE(DefaultSerialiser<std::string>::kSerId, ser_ids::kActorPath);
}

TEST(BuiltinSerialisers, StringsRoundTripAndEveryPrefixFails) {
  CheckRoundTrip(std::string());
  CheckRoundTrip(std::string("Test string with more than 16 characters"));
  CheckRoundTrip(std::string(200, 'x'));  // two-byte length
  CheckRoundTrip(std::string("\0\xff\x80 binary", 10));
  EXPECT_THAT(Bytes(std::string("ab")), ElementsAre(2, 'a', 'b'));
}

TEST(BuiltinSerialisers, UnsignedIntegersRoundTripBigEndian) {
  for (uint8_t v : {uint8_t{0}, uint8_t{1}, uint8_t{0x7f}, uint8_t{0xff}}) CheckRoundTrip(v);
  for (uint16_t v : {uint16_t{0}, uint16_t{0x1234}, uint16_t{0xffff}}) CheckRoundTrip(v);
  for (uint32_t v : {0u, 0x12345678u, 0xffffffffu}) CheckRoundTrip(v);
  for (uint64_t v : {uint64_t{0}, uint64_t{123456789}, std::numeric_limits<uint64_t>::max()})
    CheckRoundTrip(v);
  EXPECT_THAT(Bytes(uint32_t{0x12345678}), ElementsAre(0x12, 0x34, 0x56, 0x78));
  EXPECT_THAT(Bytes(uint64_t{0x0102030405060708}), ElementsAre(1, 2, 3, 4, 5, 6, 7, 8));
}

TEST(BuiltinSerialisers, SignedIntegersRoundTripTwosComplement) {
  for (int8_t v :
       {int8_t{0}, int8_t{-1}, std::numeric_limits<int8_t>::min(), std::numeric_limits<int8_t>::max()}) {
    CheckRoundTrip(v);
  }
  for (int16_t v : {int16_t{-2}, std::numeric_limits<int16_t>::min(), std::numeric_limits<int16_t>::max()}) {
    CheckRoundTrip(v);
  }
  for (int32_t v : {-1, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()}) {
    CheckRoundTrip(v);
  }
  for (int64_t v : {int64_t{-1}, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}) {
    CheckRoundTrip(v);
  }
  EXPECT_THAT(Bytes(int16_t{-2}), ElementsAre(0xff, 0xfe));
}

TEST(BuiltinSerialisers, BoolIsOneStrictByte) {
  CheckRoundTrip(true);
  CheckRoundTrip(false);
  const uint8_t two[] = {2};
  EXPECT_THAT(DeserialiseBytes<bool>(two),
              StatusIs(absl::StatusCode::kDataLoss, "invalid bool byte 0x02 at offset 0"));
}

TEST(BuiltinSerialisers, UnitIsZeroBytes) {
  EXPECT_TRUE(Bytes(std::monostate{}).empty());
  CheckRoundTrip(std::monostate{});
  const uint8_t extra[] = {0};
  EXPECT_THAT(DeserialiseBytes<std::monostate>(extra),
              StatusIs(absl::StatusCode::kDataLoss, "1 trailing bytes"));
}

TEST(BuiltinSerialisers, UuidRoundTripsAsSixteenBigEndianBytes) {
  CheckRoundTrip(Uuid());
  CheckRoundTrip(Uuid::Random());
  const Uuid id(0x0011223344556677, 0x8899aabbccddeeff);
  CheckRoundTrip(id);
  EXPECT_THAT(Bytes(id), ElementsAreArray(id.ToBytes()));
}

TEST(Serialisable, InClassTypeRoundTrips) {
  CheckRoundTrip(Ping{.seq = 7, .who = "alice"});
  CheckRoundTrip(Ping{});
}

TEST(Serialisable, ExternalSerialiserIsNamedExplicitly) {
  const Point p{-3, 4};
  ASSERT_OK_AND_ASSIGN(std::vector<uint8_t> bytes, (SerialiseToBytes<Point, PointSerialiser>(p)));
  EXPECT_THAT(bytes, ElementsAre(0xff, 0xff, 0xff, 0xfd, 0, 0, 0, 4));
  EXPECT_THAT((DeserialiseBytes<Point, PointSerialiser>(bytes)), IsOkAndHolds(p));
}

TEST(Serialisable, TrailingBytesAreDataLossButDeserialiseFromLeavesThem) {
  std::vector<uint8_t> bytes = Bytes(uint16_t{5});
  bytes.push_back(9);
  EXPECT_THAT(
      DeserialiseBytes<uint16_t>(bytes),
      StatusIs(absl::StatusCode::kDataLoss, ::testing::AllOf(::testing::HasSubstr("1 trailing bytes after"),
                                                             ::testing::HasSubstr("at offset 2"))));
  Buf buf{std::span<const uint8_t>(bytes)};
  EXPECT_THAT(DeserialiseFrom<uint16_t>(buf), IsOkAndHolds(5));
  EXPECT_EQ(buf.remaining(), 1);
}

// A deserialiser that ignores a failed read: the helper still reports the failure.
struct Careless {
  static constexpr SerId kSerId = MakeSerId<50>();
  static absl::StatusOr<int> Deserialise(Buf& buf) { return static_cast<int>(buf.GetU32()); }
};

TEST(Serialisable, FailedReadIsReportedEvenIfTheDeserialiserIgnoresIt) {
  const uint8_t two[] = {1, 2};
  EXPECT_THAT((DeserialiseBytes<int, Careless>(two)),
              StatusIs(absl::StatusCode::kDataLoss, "reading u32 at offset 0 needs 4 bytes, 2 remain"));
}

TEST(Serialisable, SerialiserErrorIsReturned) {
  EXPECT_THAT(SerialiseToBytes(serialisation_test::Unserialisable{}),
              StatusIs(absl::StatusCode::kInternal, "Unserialisable refuses"));
}

TEST(Serialisable, EncodeIntoPutsTheMessageInPooledChunks) {
  ASSERT_OK_AND_ASSIGN(EncodeBuffer buffer,
                       EncodeBuffer::Create(BufferConfig{.chunk_size = 128,
                                                         .initial_chunk_count = 1,
                                                         .max_chunk_count = 4,
                                                         .encode_buf_min_free_space = 16}));
  const Ping ping{.seq = 1, .who = std::string(300, 'p')};  // spans three chunks
  ASSERT_OK_AND_ASSIGN(ChunkLease lease, EncodeInto(ping, buffer));
  EXPECT_GE(lease.segment_count(), 3);
  Buf reader = lease.Reader();
  EXPECT_THAT(DeserialiseAll<Ping>(reader), IsOkAndHolds(ping));
}

}  // namespace
}  // namespace kompact
