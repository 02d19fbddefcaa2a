#include "serialisation/buffer_pool.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "serialisation/chunk.h"
#include "serialisation/encode_buffer.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

using ::kompact::testing::IsOk;
using ::kompact::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

BufferConfig Small(size_t initial, size_t max) {
  return BufferConfig{.chunk_size = 128,
                      .initial_chunk_count = initial,
                      .max_chunk_count = max,
                      .encode_buf_min_free_space = 16};
}

void Fill(ChunkLease& lease, uint8_t value) {
  for (size_t i = 0; i < lease.segment_count(); ++i) {
    for (uint8_t& b : lease.segment(i)) b = value;
  }
}

TEST(BufferConfig, DefaultIsValidAndMatchesKompact) {
  const BufferConfig config;
  EXPECT_THAT(config.Validate(), IsOk());
  EXPECT_EQ(config.chunk_size, 128000);
  EXPECT_EQ(config.initial_chunk_count, 2);
  EXPECT_EQ(config.max_chunk_count, 1000);
  EXPECT_EQ(config.encode_buf_min_free_space, 64);
}

TEST(BufferConfig, ValidationNamesEveryBadField) {
  EXPECT_THAT((BufferConfig{.chunk_size = 64, .encode_buf_min_free_space = 8}.Validate()),
              StatusIs(absl::StatusCode::kInvalidArgument, "chunk_size (64) must be at least 128 bytes"));
  EXPECT_THAT((BufferConfig{.chunk_size = 128, .encode_buf_min_free_space = 128}.Validate()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "encode_buf_min_free_space (128) must be less than chunk_size (128)"));
  EXPECT_THAT((BufferConfig{.initial_chunk_count = 1, .max_chunk_count = 1}.Validate()),
              StatusIs(absl::StatusCode::kInvalidArgument, "max_chunk_count (1) must be at least 2"));
  EXPECT_THAT((BufferConfig{.initial_chunk_count = 3, .max_chunk_count = 2}.Validate()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "initial_chunk_count (3) must not exceed max_chunk_count (2)"));
  // Several at once are all reported.
  EXPECT_THAT((BufferConfig{.chunk_size = 100, .initial_chunk_count = 5, .max_chunk_count = 1}.Validate()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("chunk_size (100)"), HasSubstr("max_chunk_count (1)"),
                             HasSubstr("initial_chunk_count (5)"))));
  EXPECT_THAT(BufferPool::Create(BufferConfig{.chunk_size = 1}),
              StatusIs(absl::StatusCode::kInvalidArgument, "chunk_size (1)"));
}

TEST(BufferPool, AllocatesInitialChunksAndGrowsToTheLimit) {
  ASSERT_OK_AND_ASSIGN(BufferPool pool, BufferPool::Create(Small(2, 5)));
  EXPECT_EQ(pool.allocated_chunks(), 2);
  EXPECT_EQ(pool.free_chunks(), 2);
  std::vector<ChunkLease> held;
  for (int i = 0; i < 5; ++i) {
    ASSERT_OK_AND_ASSIGN(ChunkLease lease, pool.Acquire());
    EXPECT_EQ(lease.size(), 128);
    EXPECT_EQ(lease.segment_count(), 1);
    held.push_back(std::move(lease));
  }
  EXPECT_EQ(pool.allocated_chunks(), 5);
  EXPECT_EQ(pool.free_chunks(), 0);
  EXPECT_THAT(pool.Acquire(), StatusIs(absl::StatusCode::kResourceExhausted,
                                       "all 5 chunks (max_chunk_count) of 128 bytes are held"));
  held.pop_back();  // one back
  EXPECT_EQ(pool.free_chunks(), 1);
  EXPECT_THAT(pool.Acquire(), IsOk());
  EXPECT_EQ(pool.allocated_chunks(), 5);
}

TEST(BufferPool, ReusesAChunkOnlyWhenEveryLeaseAndRefIsGone) {
  ASSERT_OK_AND_ASSIGN(BufferPool pool, BufferPool::Create(Small(1, 2)));
  ASSERT_OK_AND_ASSIGN(ChunkLease whole, pool.Acquire());
  ChunkLease first = whole.SplitPrefix(10);
  ChunkRef shared = std::move(first).Freeze();
  ChunkRef copy = shared;
  whole = ChunkLease();  // drop the rest of the chunk; refs remain
  EXPECT_EQ(pool.free_chunks(), 0);
  ASSERT_OK_AND_ASSIGN(ChunkLease second, pool.Acquire());  // must be a new chunk
  EXPECT_EQ(pool.allocated_chunks(), 2);
  EXPECT_THAT(pool.Acquire(), StatusIs(absl::StatusCode::kResourceExhausted));
  shared = ChunkRef();
  EXPECT_EQ(pool.free_chunks(), 0);  // `copy` still holds it
  copy = ChunkRef();
  EXPECT_EQ(pool.free_chunks(), 1);
  EXPECT_THAT(pool.Acquire(), IsOk());
}

TEST(BufferPool, ChunksOutliveTheirPool) {
  std::optional<ChunkRef> survivor;
  {
    ASSERT_OK_AND_ASSIGN(BufferPool pool, BufferPool::Create(Small(1, 2)));
    ASSERT_OK_AND_ASSIGN(ChunkLease lease, pool.Acquire());
    Fill(lease, 0x5a);
    survivor = std::move(lease).Freeze();
  }
  // ASan would flag a read of a freed chunk.
  ASSERT_EQ(survivor->size(), 128);
  EXPECT_EQ(survivor->segment(0)[127], 0x5a);
}

TEST(ChunkLease, SplitAppendAndFreezeKeepTheBytesInOrder) {
  ASSERT_OK_AND_ASSIGN(BufferPool pool, BufferPool::Create(Small(2, 2)));
  ASSERT_OK_AND_ASSIGN(ChunkLease a, pool.Acquire());
  ASSERT_OK_AND_ASSIGN(ChunkLease b, pool.Acquire());
  for (size_t i = 0; i < 128; ++i) {
    a.segment(0)[i] = static_cast<uint8_t>(i);
    b.segment(0)[i] = static_cast<uint8_t>(128 + i);
  }
  ChunkLease head = a.SplitPrefix(100);  // a keeps 28 bytes
  EXPECT_EQ(head.size(), 100);
  EXPECT_EQ(a.size(), 28);
  EXPECT_EQ(a.segment(0)[0], 100);
  head.Append(std::move(a));
  head.Append(std::move(b));
  EXPECT_EQ(head.size(), 256);
  EXPECT_EQ(head.segment_count(), 3);
  // Split across a segment boundary.
  ChunkLease front = head.SplitPrefix(130);
  EXPECT_EQ(front.size(), 130);
  EXPECT_EQ(head.size(), 126);
  std::vector<uint8_t> bytes = front.ToVector();
  for (size_t i = 0; i < bytes.size(); ++i) ASSERT_EQ(bytes[i], static_cast<uint8_t>(i));
  ChunkRef rest = std::move(head).Freeze();
  Buf reader = rest.Reader();
  EXPECT_EQ(reader.GetU8(), 130);
  EXPECT_EQ(reader.remaining(), 125);
  EXPECT_EQ(rest.ToVector().back(), 255);
}

TEST(ChunkLease, SplitAtTheEndsGivesEmptyParts) {
  ASSERT_OK_AND_ASSIGN(BufferPool pool, BufferPool::Create(Small(1, 2)));
  ASSERT_OK_AND_ASSIGN(ChunkLease lease, pool.Acquire());
  ChunkLease none = lease.SplitPrefix(0);
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.segment_count(), 0);
  ChunkLease all = lease.SplitPrefix(128);
  EXPECT_EQ(all.size(), 128);
  EXPECT_TRUE(lease.empty());
}

TEST(ChunkRef, CopyOfOwnsItsBytes) {
  std::vector<uint8_t> bytes = {1, 2, 3};
  ChunkRef ref = ChunkRef::CopyOf(bytes);
  bytes[0] = 9;
  EXPECT_THAT(ref.ToVector(), ElementsAre(1, 2, 3));
  ChunkRef copy = ref;
  ref = ChunkRef();
  EXPECT_THAT(copy.ToVector(), ElementsAre(1, 2, 3));
  EXPECT_TRUE(ChunkRef::CopyOf({}).empty());
}

TEST(EncodeBuffer, PacksSmallMessagesIntoOneChunk) {
  ASSERT_OK_AND_ASSIGN(EncodeBuffer buffer, EncodeBuffer::Create(Small(1, 4)));
  std::vector<ChunkRef> messages;
  for (uint32_t i = 0; i < 10; ++i) {
    EncodeBuffer::Encoder enc = buffer.Begin(4);
    enc.PutU32(i);
    ASSERT_OK_AND_ASSIGN(ChunkLease lease, enc.Finish());
    EXPECT_EQ(lease.size(), 4);
    messages.push_back(std::move(lease).Freeze());
  }
  EXPECT_EQ(buffer.pool().allocated_chunks(), 1);
  for (uint32_t i = 0; i < 10; ++i) {
    Buf r = messages[i].Reader();
    EXPECT_EQ(r.GetU32(), i);
  }
}

TEST(EncodeBuffer, StartsAFreshChunkBelowMinFreeSpaceOrForTheSizeHint) {
  ASSERT_OK_AND_ASSIGN(EncodeBuffer buffer, EncodeBuffer::Create(Small(1, 4)));
  std::vector<ChunkLease> keep;
  {
    EncodeBuffer::Encoder enc = buffer.Begin();
    enc.PutBytes(std::string(120, 'a'));  // leaves 8 < 16 free
    ASSERT_OK_AND_ASSIGN(ChunkLease lease, enc.Finish());
    keep.push_back(std::move(lease));
  }
  EXPECT_EQ(buffer.active_free(), 8);
  {
    EncodeBuffer::Encoder enc = buffer.Begin();
    enc.PutU8(1);
    ASSERT_OK_AND_ASSIGN(ChunkLease lease, enc.Finish());
    EXPECT_EQ(lease.segment_count(), 1);
    keep.push_back(std::move(lease));
  }
  EXPECT_EQ(buffer.pool().allocated_chunks(), 2);
  EXPECT_EQ(buffer.active_free(), 127);
  {
    EncodeBuffer::Encoder enc = buffer.Begin(/*size_hint=*/128);  // does not fit in 127
    enc.PutBytes(std::string(128, 'b'));
    ASSERT_OK_AND_ASSIGN(ChunkLease lease, enc.Finish());
    EXPECT_EQ(lease.segment_count(), 1);
    keep.push_back(std::move(lease));
  }
  EXPECT_EQ(buffer.pool().allocated_chunks(), 3);
}

TEST(EncodeBuffer, LargeMessagesSpanChunks) {
  ASSERT_OK_AND_ASSIGN(EncodeBuffer buffer, EncodeBuffer::Create(Small(1, 8)));
  std::string big(500, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
  EncodeBuffer::Encoder enc = buffer.Begin();
  enc.PutString(big);
  enc.PutU64(0x1122334455667788);
  ASSERT_OK_AND_ASSIGN(ChunkLease lease, enc.Finish());
  EXPECT_GE(lease.segment_count(), 4);
  Buf r = lease.Reader();
  EXPECT_EQ(r.GetString(), big);
  EXPECT_EQ(r.GetU64(), 0x1122334455667788u);
  EXPECT_THAT(r.status(), IsOk());
  EXPECT_EQ(r.remaining(), 0);
}

TEST(EncodeBuffer, ContiguousSwapsToAFreshChunkWhenTheRequestFits) {
  ASSERT_OK_AND_ASSIGN(EncodeBuffer buffer, EncodeBuffer::Create(Small(1, 4)));
  EncodeBuffer::Encoder enc = buffer.Begin();
  enc.PutBytes(std::string(100, 'x'));
  uint8_t* p = enc.Contiguous(100);  // 28 left: continues in a fresh chunk
  ASSERT_NE(p, nullptr);
  std::fill(p, p + 100, 'y');
  EXPECT_EQ(enc.Contiguous(129), nullptr);  // larger than a chunk: not possible
  EXPECT_THAT(enc.status(), IsOk());
  ASSERT_OK_AND_ASSIGN(ChunkLease lease, enc.Finish());
  EXPECT_EQ(lease.size(), 200);
  EXPECT_EQ(lease.segment_count(), 2);
}

TEST(EncodeBuffer, ExhaustionIsResourceExhaustedAndRecoverable) {
  ASSERT_OK_AND_ASSIGN(EncodeBuffer buffer, EncodeBuffer::Create(Small(1, 2)));
  std::vector<ChunkLease> held;
  absl::Status failure;
  for (int i = 0; i < 10 && failure.ok(); ++i) {
    EncodeBuffer::Encoder enc = buffer.Begin();
    enc.PutBytes(std::string(100, 'z'));
    absl::StatusOr<ChunkLease> lease = enc.Finish();
    if (lease.ok()) {
      held.push_back(*std::move(lease));
    } else {
      failure = lease.status();
    }
  }
  EXPECT_THAT(failure, StatusIs(absl::StatusCode::kResourceExhausted, "BufferPool exhausted"));
  EXPECT_EQ(held.size(), 2);
  held.clear();  // the receiver drops the messages
  EncodeBuffer::Encoder enc = buffer.Begin();
  enc.PutBytes(std::string(100, 'z'));
  EXPECT_THAT(enc.Finish(), IsOk());
}

TEST(EncodeBuffer, HintBeyondThePoolFailsAtOnce) {
  ASSERT_OK_AND_ASSIGN(EncodeBuffer buffer, EncodeBuffer::Create(Small(1, 2)));
  EncodeBuffer::Encoder enc = buffer.Begin(/*size_hint=*/1000);
  EXPECT_THAT(enc.status(), StatusIs(absl::StatusCode::kResourceExhausted,
                                     "a message of 1000 bytes cannot fit in max_chunk_count (2) chunks"));
  EXPECT_THAT(enc.Finish(), StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST(EncodeBuffer, AbandonedMessageSpaceIsReused) {
  ASSERT_OK_AND_ASSIGN(EncodeBuffer buffer, EncodeBuffer::Create(Small(1, 4)));
  const size_t before = buffer.active_free();
  {
    EncodeBuffer::Encoder enc = buffer.Begin();
    enc.PutU64(1);
  }  // no Finish
  EXPECT_EQ(buffer.active_free(), before);
  EncodeBuffer::Encoder enc = buffer.Begin();
  enc.PutU8(7);
  ASSERT_OK_AND_ASSIGN(ChunkLease lease, enc.Finish());
  EXPECT_THAT(lease.ToVector(), ElementsAre(7));
  EXPECT_THAT(enc.Finish(), StatusIs(absl::StatusCode::kFailedPrecondition, "Finish() called twice"));
}

}  // namespace
}  // namespace kompact
