#include "serialisation/buf.h"

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "serialisation/ser_id.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

using ::kompact::testing::IsOk;
using ::kompact::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<uint8_t> Written(VectorBufMut& buf) {
  EXPECT_THAT(buf.status(), IsOk());
  return buf.Release();
}

TEST(BufMut, WritesBigEndianFixedWidthIntegers) {
  VectorBufMut buf;
  buf.PutU8(0xab);
  buf.PutU16(0x0102);
  buf.PutU32(0x03040506);
  buf.PutU64(0x0708090a0b0c0d0e);
  buf.PutI8(-1);
  buf.PutI16(-2);
  buf.PutI32(-3);
  buf.PutI64(-4);
  buf.PutBool(true);
  EXPECT_EQ(buf.written(), 1 + 2 + 4 + 8 + 1 + 2 + 4 + 8 + 1);
  EXPECT_THAT(Written(buf),
              ElementsAre(0xab, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0xff, 0xff, 0xfe, 0xff, 0xff,
                          0xff, 0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfc, 1));
}

TEST(Buf, ReadsWhatBufMutWrote) {
  VectorBufMut out;
  out.PutU8(200);
  out.PutU16(65000);
  out.PutU32(4000000000u);
  out.PutU64(std::numeric_limits<uint64_t>::max());
  out.PutI8(std::numeric_limits<int8_t>::min());
  out.PutI16(-30000);
  out.PutI32(std::numeric_limits<int32_t>::min());
  out.PutI64(std::numeric_limits<int64_t>::min());
  out.PutBool(false);
  out.PutSerId(kMaxSerId);
  out.PutVarU64(300);
  out.PutString("hello");
  const std::vector<uint8_t> bytes = Written(out);

  Buf in{std::span<const uint8_t>(bytes)};
  EXPECT_EQ(in.GetU8(), 200);
  EXPECT_EQ(in.GetU16(), 65000);
  EXPECT_EQ(in.GetU32(), 4000000000u);
  EXPECT_EQ(in.GetU64(), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(in.GetI8(), std::numeric_limits<int8_t>::min());
  EXPECT_EQ(in.GetI16(), -30000);
  EXPECT_EQ(in.GetI32(), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(in.GetI64(), std::numeric_limits<int64_t>::min());
  EXPECT_FALSE(in.GetBool());
  EXPECT_EQ(in.GetSerId(), kMaxSerId);
  EXPECT_EQ(in.GetVarU64(), 300);
  EXPECT_EQ(in.GetString(), "hello");
  EXPECT_THAT(in.status(), IsOk());
  EXPECT_EQ(in.remaining(), 0);
  EXPECT_EQ(in.position(), bytes.size());
}

TEST(BufMut, SerIdTakesTheConfiguredWidth) {
  VectorBufMut out;
  out.PutSerId(MakeSerId<42>());
  const std::vector<uint8_t> bytes = Written(out);
  ASSERT_EQ(bytes.size(), kSerIdBytes);
  EXPECT_EQ(bytes.back(), 42);
  for (size_t i = 0; i + 1 < bytes.size(); ++i) EXPECT_EQ(bytes[i], 0);
}

TEST(Varint, EncodesUnsignedLeb128) {
  auto encode = [](uint64_t v) {
    VectorBufMut out;
    out.PutVarU64(v);
    return out.Release();
  };
  EXPECT_THAT(encode(0), ElementsAre(0));
  EXPECT_THAT(encode(127), ElementsAre(127));
  EXPECT_THAT(encode(128), ElementsAre(0x80, 1));
  EXPECT_THAT(encode(300), ElementsAre(0xac, 0x02));
  EXPECT_EQ(encode(std::numeric_limits<uint64_t>::max()).size(), 10);
  for (uint64_t v : {uint64_t{0}, uint64_t{1} << 7, (uint64_t{1} << 14) - 1, uint64_t{1} << 35,
                     std::numeric_limits<uint64_t>::max()}) {
    const std::vector<uint8_t> bytes = encode(v);
    Buf in{std::span<const uint8_t>(bytes)};
    EXPECT_EQ(in.GetVarU64(), v);
    EXPECT_THAT(in.status(), IsOk());
    EXPECT_EQ(in.remaining(), 0);
  }
}

TEST(Varint, RejectsNonCanonicalOverflowingAndTruncatedForms) {
  const uint8_t overlong[] = {0x80, 0x00};
  Buf a{std::span<const uint8_t>(overlong)};
  a.GetVarU64();
  EXPECT_THAT(a.status(), StatusIs(absl::StatusCode::kDataLoss, "non-canonical varint at offset 0"));

  const uint8_t overflow[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
  Buf b{std::span<const uint8_t>(overflow)};
  b.GetVarU64();
  EXPECT_THAT(b.status(), StatusIs(absl::StatusCode::kDataLoss, "overflows 64 bits"));

  const uint8_t eleven[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x81, 0x00};
  Buf c{std::span<const uint8_t>(eleven)};
  c.GetVarU64();
  EXPECT_THAT(c.status(), StatusIs(absl::StatusCode::kDataLoss, "longer than 10 bytes"));

  const uint8_t truncated[] = {0x80, 0x80};
  Buf d{std::span<const uint8_t>(truncated)};
  d.GetVarU64();
  EXPECT_THAT(d.status(),
              StatusIs(absl::StatusCode::kDataLoss, "reading varint at offset 2 needs 1 bytes, 0 remain"));
}

TEST(Buf, TruncatedReadIsDataLossWithPositionAndIsSticky) {
  const uint8_t bytes[] = {0, 1, 2, 3, 4, 5};
  Buf in{std::span<const uint8_t>(bytes)};
  EXPECT_EQ(in.GetU16(), 1);
  EXPECT_EQ(in.GetU64(), 0);  // only 4 bytes left
  EXPECT_THAT(in.status(), StatusIs(absl::StatusCode::kDataLoss,
                                    "truncated input: reading u64 at offset 2 needs 8 bytes, 4 remain"));
  EXPECT_EQ(in.position(), 2);
  EXPECT_EQ(in.remaining(), 0);
  // Later reads fail too, without changing the first error.
  EXPECT_EQ(in.GetU8(), 0);
  EXPECT_EQ(in.GetString(), "");
  in.Skip(1);
  EXPECT_THAT(in.status(), StatusIs(absl::StatusCode::kDataLoss, "reading u64 at offset 2"));
}

TEST(Buf, EveryTruncationOfEveryPrimitiveFails) {
  VectorBufMut out;
  out.PutU16(1);
  out.PutU32(2);
  out.PutU64(3);
  out.PutSerId(4);
  out.PutVarU64(1u << 20);
  out.PutString("twelve bytes");
  const std::vector<uint8_t> bytes = Written(out);
  for (size_t n = 0; n < bytes.size(); ++n) {
    Buf in{std::span<const uint8_t>(bytes).first(n)};
    in.GetU16();
    in.GetU32();
    in.GetU64();
    in.GetSerId();
    in.GetVarU64();
    in.GetString();
    EXPECT_THAT(in.status(), StatusIs(absl::StatusCode::kDataLoss)) << "prefix " << n;
    EXPECT_LE(in.position(), n);
  }
}

TEST(Buf, StringLengthBeyondTheInputFailsBeforeAllocating) {
  VectorBufMut out;
  out.PutVarU64(uint64_t{1} << 40);  // claims a terabyte
  out.PutBytes(std::string_view("abc"));
  const std::vector<uint8_t> bytes = Written(out);
  Buf in{std::span<const uint8_t>(bytes)};
  EXPECT_EQ(in.GetString(), "");
  EXPECT_THAT(in.status(), StatusIs(absl::StatusCode::kDataLoss, "exceeds the 3 bytes that remain"));
}

TEST(Buf, StringLengthLimitIsEnforced) {
  VectorBufMut out;
  out.PutString("too long");
  const std::vector<uint8_t> bytes = Written(out);
  Buf in{std::span<const uint8_t>(bytes)};
  EXPECT_EQ(in.GetString(/*max_length=*/4), "");
  EXPECT_THAT(in.status(),
              StatusIs(absl::StatusCode::kDataLoss, "length 8 at offset 0 exceeds the limit of 4"));
}

TEST(Buf, ReadsAcrossSegmentsAtEverySplit) {
  VectorBufMut out;
  out.PutU32(0xdeadbeef);
  out.PutString("segmented");
  out.PutU64(77);
  out.PutVarU64(123456789);
  const std::vector<uint8_t> bytes = Written(out);
  const std::span<const uint8_t> all(bytes);
  for (size_t i = 0; i <= bytes.size(); ++i) {
    for (size_t j = i; j <= bytes.size(); ++j) {
      // Three segments, some possibly empty.
      const Buf::Segment segs[] = {all.first(i), all.subspan(i, j - i), all.subspan(j)};
      Buf in = Buf::OverSegments(segs);
      EXPECT_EQ(in.remaining(), bytes.size());
      EXPECT_EQ(in.GetU32(), 0xdeadbeef);
      EXPECT_EQ(in.GetString(), "segmented");
      EXPECT_EQ(in.GetU64(), 77);
      EXPECT_EQ(in.GetVarU64(), 123456789);
      EXPECT_THAT(in.status(), IsOk()) << i << "," << j;
      EXPECT_EQ(in.position(), bytes.size());
      EXPECT_EQ(in.remaining(), 0);
    }
  }
}

TEST(Buf, ChunkAndSkipWalkTheSegments) {
  const uint8_t a[] = {1, 2};
  const uint8_t b[] = {3, 4, 5};
  const Buf::Segment segs[] = {a, b};
  Buf in = Buf::OverSegments(segs);
  EXPECT_EQ(in.Chunk().size(), 2);
  in.Skip(3);
  EXPECT_EQ(in.position(), 3);
  EXPECT_THAT(in.Chunk(), ElementsAre(4, 5));
  in.Skip(3);
  EXPECT_THAT(in.status(), StatusIs(absl::StatusCode::kDataLoss, "skipped bytes at offset 3"));
}

TEST(Buf, CopiesReadIndependently) {
  const uint8_t bytes[] = {1, 2, 3};
  Buf in{std::span<const uint8_t>(bytes)};
  in.GetU8();
  Buf copy = in;
  EXPECT_EQ(copy.GetU8(), 2);
  EXPECT_EQ(in.GetU8(), 2);
  EXPECT_EQ(in.GetU8(), 3);
  EXPECT_EQ(copy.remaining(), 1);
}

TEST(Buf, CorruptRecordsDataLossAtThePosition) {
  const uint8_t bytes[] = {9, 9};
  Buf in{std::span<const uint8_t>(bytes)};
  in.GetU8();
  EXPECT_THAT(in.Corrupt("unknown tag 9"),
              StatusIs(absl::StatusCode::kDataLoss, "unknown tag 9 at offset 1"));
  EXPECT_FALSE(in.ok());
}

TEST(SpanBufMut, OverflowIsOutOfRangeAndDropsLaterWrites) {
  uint8_t storage[6] = {};
  SpanBufMut out{std::span<uint8_t>(storage)};
  out.PutU32(0x01020304);
  out.PutU32(0x05060708);  // only 2 bytes fit
  EXPECT_THAT(out.status(),
              StatusIs(absl::StatusCode::kOutOfRange,
                       "writing 2 more bytes at offset 6 overflows the fixed buffer of 6 bytes"));
  out.PutU8(9);
  EXPECT_EQ(out.written(), 6);
  EXPECT_THAT(out.bytes(), ElementsAre(1, 2, 3, 4, 5, 6));
  EXPECT_EQ(out.Contiguous(1), nullptr);
}

TEST(VectorBufMut, GrowsAndReleasesExactlyTheWrittenBytes) {
  VectorBufMut out(/*initial_capacity=*/2);
  std::string big(10000, 'z');
  out.PutU8(1);
  out.PutBytes(big);
  out.PutU8(2);
  EXPECT_EQ(out.written(), 10002);
  std::vector<uint8_t> bytes = out.Release();
  ASSERT_EQ(bytes.size(), 10002);
  EXPECT_EQ(bytes.front(), 1);
  EXPECT_EQ(bytes[5000], 'z');
  EXPECT_EQ(bytes.back(), 2);
  // Reusable after Release.
  out.PutU16(0x0a0b);
  EXPECT_THAT(out.Release(), ElementsAre(0x0a, 0x0b));
}

TEST(VectorBufMut, ContiguousHandsOutWritableBytes) {
  VectorBufMut out;
  out.PutU8(1);
  uint8_t* p = out.Contiguous(1000);
  ASSERT_NE(p, nullptr);
  for (int i = 0; i < 1000; ++i) p[i] = static_cast<uint8_t>(i);
  out.PutU8(2);
  std::vector<uint8_t> bytes = out.Release();
  ASSERT_EQ(bytes.size(), 1002);
  EXPECT_EQ(bytes[1 + 999], static_cast<uint8_t>(999));
  EXPECT_EQ(bytes.back(), 2);
}

TEST(BufMut, FailIsStickyAndKeepsTheFirstError) {
  VectorBufMut out;
  out.PutU8(1);
  out.Fail(absl::InvalidArgumentError("first"));
  out.Fail(absl::InternalError("second"));
  out.PutU64(5);
  EXPECT_THAT(out.status(), StatusIs(absl::StatusCode::kInvalidArgument, "first"));
  EXPECT_EQ(out.written(), 1);
}

}  // namespace
}  // namespace kompact
