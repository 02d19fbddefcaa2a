#include "serialisation/net_data.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "serialisation/buffer_pool.h"
#include "serialisation/encode_buffer.h"
#include "serialisation/ser_ids.h"
#include "serialisation/test_types.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

using ::kompact::serialisation_test::Blob;
using ::kompact::serialisation_test::Counted;
using ::kompact::serialisation_test::Ping;
using ::kompact::serialisation_test::Point;
using ::kompact::serialisation_test::PointSerialiser;
using ::kompact::serialisation_test::PointView;
using ::kompact::serialisation_test::PointViewDeserialiser;
using ::kompact::serialisation_test::Unserialisable;
using ::kompact::testing::IsOk;
using ::kompact::testing::IsOkAndHolds;
using ::kompact::testing::StatusIs;
using ::testing::HasSubstr;
using Kind = NetData::Kind;

class NetDataTest : public ::testing::Test {
 protected:
  void SetUp() override { Counted::ResetCounts(); }
};

TEST_F(NetDataTest, BoxedValueIsTakenBackWithoutSerialisation) {
  NetData data = NetData::Box(Counted{.value = 5});
  EXPECT_EQ(data.kind(), Kind::kBoxed);
  EXPECT_EQ(data.ser_id(), Counted::kSerId);
  EXPECT_TRUE(data.Holds<Counted>());
  EXPECT_FALSE(data.Holds<Ping>());
  EXPECT_EQ(data.TryTake<Ping>(), std::nullopt);  // wrong type: untouched
  EXPECT_TRUE(data.is_boxed());
  std::optional<Counted> taken = data.TryTake<Counted>();
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->value, 5);
  EXPECT_TRUE(data.empty());
  EXPECT_EQ(Counted::serialisations.load(), 0);
  EXPECT_EQ(Counted::deserialisations.load(), 0);
}

TEST_F(NetDataTest, TrySerialiseTurnsTheBoxIntoBytesOnce) {
  NetData data = NetData::Box(Counted{.value = 0x01020304});
  ASSERT_OK(data.TrySerialise());
  EXPECT_EQ(Counted::serialisations.load(), 1);
  EXPECT_EQ(data.kind(), Kind::kBytes);
  EXPECT_EQ(data.ser_id(), Counted::kSerId);
  EXPECT_EQ(data.serialised_size(), 4);
  ASSERT_OK(data.TrySerialise());  // already bytes: no-op
  EXPECT_EQ(Counted::serialisations.load(), 1);
  ASSERT_EQ(data.segment_count(), 1);
  EXPECT_THAT(data.segment(0), ::testing::ElementsAre(1, 2, 3, 4));
  EXPECT_FALSE(data.TryTake<Counted>().has_value());  // no box any more
  ASSERT_OK_AND_ASSIGN(Counted back, data.TryDeserialise<Counted>());
  EXPECT_EQ(back.value, 0x01020304u);
  EXPECT_EQ(Counted::deserialisations.load(), 1);
}

TEST_F(NetDataTest, TrySerialiseIntoAnEncodeBufferGivesAChunkRef) {
  ASSERT_OK_AND_ASSIGN(EncodeBuffer buffer,
                       EncodeBuffer::Create(BufferConfig{.chunk_size = 128,
                                                         .initial_chunk_count = 1,
                                                         .max_chunk_count = 4,
                                                         .encode_buf_min_free_space = 16}));
  NetData data = NetData::Box(Ping{.seq = 3, .who = std::string(200, 'w')});
  ASSERT_OK(data.TrySerialise(buffer));
  EXPECT_EQ(data.kind(), Kind::kChunkRef);
  EXPECT_GE(data.segment_count(), 2);
  EXPECT_THAT(data.TryDeserialise<Ping>(), IsOkAndHolds(Ping{.seq = 3, .who = std::string(200, 'w')}));
}

TEST_F(NetDataTest, EagerSerialiseProducesBytesOrChunks) {
  ASSERT_OK_AND_ASSIGN(NetData bytes, NetData::Serialise(Ping{.seq = 1, .who = "a"}));
  EXPECT_EQ(bytes.kind(), Kind::kBytes);
  EXPECT_EQ(bytes.ser_id(), Ping::kSerId);
  ASSERT_OK_AND_ASSIGN(EncodeBuffer buffer, EncodeBuffer::Create(BufferConfig{}));
  ASSERT_OK_AND_ASSIGN(NetData pooled, (NetData::Serialise<Point, PointSerialiser>(Point{1, 2}, buffer)));
  EXPECT_EQ(pooled.kind(), Kind::kChunkRef);
  EXPECT_EQ(pooled.ser_id(), PointSerialiser::kSerId);
  EXPECT_THAT((pooled.TryDeserialise<Point, PointSerialiser>()), IsOkAndHolds(Point{1, 2}));
}

TEST_F(NetDataTest, SerIdMismatchLeavesTheDataAlone) {
  NetData data = NetData::Box(Ping{.seq = 9, .who = ""});
  EXPECT_THAT(data.TryDeserialise<Counted>(),
              StatusIs(absl::StatusCode::kInvalidArgument, "NetData has SerId 42"));
  EXPECT_TRUE(data.Holds<Ping>());
  EXPECT_THAT(data.TryDeserialise<Ping>(), IsOkAndHolds(Ping{.seq = 9, .who = ""}));
  EXPECT_TRUE(data.empty());
}

TEST_F(NetDataTest, BoxOfAnotherTypeWithTheSameSerIdIsReadThroughBytes) {
  NetData data = NetData::Box<Point, PointSerialiser>(Point{7, -7});
  ASSERT_OK_AND_ASSIGN(PointView view, (data.TryDeserialise<PointView, PointViewDeserialiser>()));
  EXPECT_EQ(view.x, 7);
  EXPECT_EQ(view.y, -7);
}

TEST_F(NetDataTest, CorruptBytesNameTheTypeAndSerId) {
  NetData data = NetData::FromBytes(Ping::kSerId, {0, 0, 0});
  EXPECT_THAT(
      data.TryDeserialise<Ping>(),
      StatusIs(absl::StatusCode::kDataLoss,
               ::testing::AllOf(HasSubstr("deserialising kompact::serialisation_test::Ping (SerId 42)"),
                                HasSubstr("reading u64 at offset 0"))));
  std::vector<uint8_t> trailing = {0, 0, 0, 0, 0, 0, 0, 1, 0, 9};
  NetData extra = NetData::FromBytes(Ping::kSerId, trailing);
  EXPECT_THAT(extra.TryDeserialise<Ping>(), StatusIs(absl::StatusCode::kDataLoss, "1 trailing bytes"));
}

TEST_F(NetDataTest, ReaderNeedsSerialisedData) {
  NetData boxed = NetData::Box(Ping{});
  EXPECT_THAT(boxed.Reader(), StatusIs(absl::StatusCode::kFailedPrecondition, "boxed"));
  EXPECT_EQ(boxed.serialised_size(), 0);
  EXPECT_EQ(boxed.segment_count(), 0);
  NetData empty;
  EXPECT_EQ(empty.ser_id(), ser_ids::kUnknown);
  EXPECT_THAT(empty.Reader(), StatusIs(absl::StatusCode::kFailedPrecondition, "empty"));
  EXPECT_THAT(empty.TrySerialise(), StatusIs(absl::StatusCode::kFailedPrecondition));
  NetData ref = NetData::FromChunkRef(ser_ids::kU16, ChunkRef::CopyOf(std::vector<uint8_t>{0, 5}));
  ASSERT_OK_AND_ASSIGN(Buf reader, ref.Reader());
  EXPECT_EQ(reader.GetU16(), 5);
}

TEST_F(NetDataTest, FailedSerialisationKeepsTheBox) {
  NetData data = NetData::Box(Unserialisable{});
  EXPECT_THAT(data.TrySerialise(), StatusIs(absl::StatusCode::kInternal,
                                            "serialising boxed kompact::serialisation_test::Unserialisable"));
  EXPECT_TRUE(data.is_boxed());
}

TEST_F(NetDataTest, SerialiseToWritesTheBoxWithoutChangingTheData) {
  NetData data = NetData::Box(Counted{.value = 0x01020304});
  VectorBufMut out;
  out.PutU8(9);  // appends after what the writer holds
  ASSERT_OK(data.SerialiseTo(out));
  EXPECT_THAT(out.bytes(), ::testing::ElementsAre(9, 1, 2, 3, 4));
  EXPECT_EQ(Counted::serialisations.load(), 1);
  EXPECT_TRUE(data.is_boxed());  // still lazy
  ASSERT_OK(data.TrySerialise());
  VectorBufMut again;
  ASSERT_OK(data.SerialiseTo(again));  // bytes are copied
  EXPECT_THAT(again.bytes(), ::testing::ElementsAre(1, 2, 3, 4));
  EXPECT_EQ(Counted::serialisations.load(), 2);
}

TEST_F(NetDataTest, SerialiseToReportsErrorsAndEmptyData) {
  VectorBufMut out;
  EXPECT_THAT(
      NetData::Box(Unserialisable{}).SerialiseTo(out),
      StatusIs(absl::StatusCode::kInternal, "serialising boxed kompact::serialisation_test::Unserialisable"));
  EXPECT_THAT(NetData().SerialiseTo(out), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(NetDataTest, TryCloneCopiesBoxesSharesRefsAndSerialisesMoveOnlyValues) {
  NetData boxed = NetData::Box(Counted{.value = 1});
  ASSERT_OK_AND_ASSIGN(NetData copy, boxed.TryClone());
  EXPECT_TRUE(copy.Holds<Counted>());  // still lazy
  EXPECT_EQ(Counted::serialisations.load(), 0);

  NetData blob = NetData::Box(Blob{std::make_unique<std::string>("move only")});
  ASSERT_OK_AND_ASSIGN(NetData blob_copy, blob.TryClone());
  EXPECT_EQ(blob_copy.kind(), Kind::kBytes);
  ASSERT_OK_AND_ASSIGN(Blob back, blob_copy.TryDeserialise<Blob>());
  EXPECT_EQ(*back.bytes, "move only");
  EXPECT_TRUE(blob.Holds<Blob>());

  NetData ref = NetData::FromChunkRef(ser_ids::kU8, ChunkRef::CopyOf(std::vector<uint8_t>{3}));
  ASSERT_OK_AND_ASSIGN(NetData ref_copy, ref.TryClone());
  EXPECT_EQ(ref_copy.kind(), Kind::kChunkRef);
  EXPECT_EQ(ref_copy.segment(0).data(), ref.segment(0).data());  // same bytes, shared

  NetData bytes = NetData::FromBytes(ser_ids::kU8, {4});
  ASSERT_OK_AND_ASSIGN(NetData bytes_copy, bytes.TryClone());
  EXPECT_NE(bytes_copy.segment(0).data(), bytes.segment(0).data());
  EXPECT_THAT(bytes_copy.TryDeserialise<uint8_t>(), IsOkAndHolds(4));
}

TEST_F(NetDataTest, BuiltinsBoxUnderTheirReservedIds) {
  NetData s = NetData::Box(std::string("text"));
  EXPECT_EQ(s.ser_id(), ser_ids::kString);
  ASSERT_OK(s.TrySerialise());
  EXPECT_THAT(s.TryDeserialise<std::string>(), IsOkAndHolds("text"));
  NetData n = NetData::Box(uint64_t{7});
  EXPECT_EQ(n.ser_id(), ser_ids::kU64);
  EXPECT_THAT(n.TryDeserialise<uint64_t>(), IsOkAndHolds(7));
}

}  // namespace
}  // namespace kompact
