// Tests of per-connection path compression (net/path_table.h).
#include "net/path_table.h"

#include <optional>
#include <span>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "net/frame.h"
#include "runtime/actor_path.h"
#include "testing/status_matchers.h"

namespace kompact::net {
namespace {

using ::kompact::testing::StatusIs;
using ::testing::HasSubstr;

const SystemPath kSystem(kompact::Transport::kTcp, IpAddress::V4(10, 0, 0, 1), 7000);

ActorPath Path(uint64_t n) { return ActorPath::Unique(kSystem, Uuid(n, n + 1)); }

TEST(PathEncoderTableTest, TwoNewPathsOfOneFrameGetDistinctIds) {
  PathEncoderTable table;
  const ActorPath a = Path(1), b = Path(2);
  const PathEncoderTable::Ref ra = table.Find(a);
  const PathEncoderTable::Ref rb = table.Find(b);
  EXPECT_FALSE(ra.known);
  EXPECT_FALSE(rb.known);
  EXPECT_NE(ra.id, 0u);
  EXPECT_NE(rb.id, 0u);
  EXPECT_NE(ra.id, rb.id);
  EXPECT_EQ(ra.path, &a);
  EXPECT_EQ(rb.path, &b);
}

TEST(PathEncoderTableTest, PathIsKnownOnlyAfterCommit) {
  PathEncoderTable table;
  const ActorPath a = Path(1);
  const PathEncoderTable::Ref first = table.Find(a);
  ASSERT_FALSE(first.known);
  // Not committed (the frame was not sent): still to be defined.
  const PathEncoderTable::Ref again = table.Find(a);
  EXPECT_FALSE(again.known);
  EXPECT_EQ(table.size(), 0u);

  table.Commit(again);
  EXPECT_EQ(table.size(), 1u);
  const PathEncoderTable::Ref known = table.Find(Path(1));  // an equal path, another object
  EXPECT_TRUE(known.known);
  EXPECT_EQ(known.id, again.id);
  // Committing a known reference changes nothing.
  table.Commit(known);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.Find(a).id, again.id);
}

TEST(PathEncoderTableTest, FullTableSendsPathsUncompressed) {
  PathEncoderTable table(/*capacity=*/2);
  const ActorPath a = Path(1), b = Path(2), c = Path(3);
  const PathEncoderTable::Ref ra = table.Find(a);
  const PathEncoderTable::Ref rb = table.Find(b);
  table.Commit(ra);
  table.Commit(rb);
  const PathEncoderTable::Ref rc = table.Find(c);
  EXPECT_EQ(rc.id, 0u);
  EXPECT_FALSE(rc.known);
  EXPECT_EQ(rc.path, &c);
  table.Commit(rc);  // id 0: nothing to remember
  EXPECT_EQ(table.size(), 2u);
  EXPECT_FALSE(table.Find(c).known);
  // The defined paths stay known.
  EXPECT_TRUE(table.Find(a).known);
  EXPECT_TRUE(table.Find(b).known);
}

TEST(PathDecoderTableTest, DefinitionThenReferenceResolves) {
  PathDecoderTable table;
  ASSERT_OK_AND_ASSIGN(ActorPath defined, table.Resolve(5, Path(1)));
  EXPECT_EQ(defined, Path(1));
  EXPECT_EQ(table.size(), 1u);
  ASSERT_OK_AND_ASSIGN(ActorPath referenced, table.Resolve(5, std::nullopt));
  EXPECT_EQ(referenced, Path(1));
}

TEST(PathDecoderTableTest, UncompressedPathDefinesNothing) {
  PathDecoderTable table;
  ASSERT_OK_AND_ASSIGN(ActorPath p, table.Resolve(0, Path(1)));
  EXPECT_EQ(p, Path(1));
  EXPECT_EQ(table.size(), 0u);
  EXPECT_THAT(table.Resolve(0, std::nullopt).status(), StatusIs(absl::StatusCode::kDataLoss));
}

TEST(PathDecoderTableTest, UndefinedIdIsDataLoss) {
  PathDecoderTable table;
  EXPECT_THAT(table.Resolve(1, std::nullopt).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("never defined")));
  ASSERT_OK(table.Resolve(7, Path(1)).status());
  // Below and above a defined id, inside the grown storage and beyond it.
  EXPECT_THAT(table.Resolve(3, std::nullopt).status(), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(table.Resolve(8, std::nullopt).status(), StatusIs(absl::StatusCode::kDataLoss));
}

TEST(PathDecoderTableTest, IdAboveCapacityIsDataLoss) {
  PathDecoderTable table(/*capacity=*/16);
  ASSERT_OK(table.Resolve(16, Path(1)).status());
  EXPECT_THAT(table.Resolve(17, Path(2)).status(), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("17")));
  EXPECT_THAT(table.Resolve(17, std::nullopt).status(), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(table.Resolve(0xFFFFFFFFu, std::nullopt).status(), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_EQ(table.size(), 1u);
}

TEST(PathDecoderTableTest, RedefinitionReplacesThePath) {
  PathDecoderTable table;
  ASSERT_OK(table.Resolve(2, Path(1)).status());
  ASSERT_OK_AND_ASSIGN(ActorPath replaced, table.Resolve(2, Path(9)));
  EXPECT_EQ(replaced, Path(9));
  EXPECT_EQ(table.size(), 1u);
  ASSERT_OK_AND_ASSIGN(ActorPath referenced, table.Resolve(2, std::nullopt));
  EXPECT_EQ(referenced, Path(9));
}

TEST(PathTableTest, EncoderAndDecoderAgreeOverManyFrames) {
  PathEncoderTable encoder(/*capacity=*/8);
  PathDecoderTable decoder(/*capacity=*/8);
  for (uint64_t i = 0; i < 100; ++i) {
    const ActorPath path = Path(i % 12);  // 12 paths, 8 ids
    const PathEncoderTable::Ref ref = encoder.Find(path);
    ASSERT_OK_AND_ASSIGN(ActorPath got,
                         decoder.Resolve(ref.id, ref.known ? std::nullopt : std::optional<ActorPath>(path)));
    EXPECT_EQ(got, path) << "frame " << i;
    encoder.Commit(ref);
  }
  EXPECT_EQ(encoder.size(), 8u);
  EXPECT_EQ(decoder.size(), 8u);
}

// ---- the hot-path Resolve (views and pointers) ------------------------------------------

// The ActorPathProto bytes of `path` (as a Data frame carries them).
std::vector<uint8_t> PathBytes(const ActorPath& path) {
  std::vector<uint8_t> frame;
  const DataFrameHead head{{0, &path}, {1, nullptr}, 0, 0};
  EXPECT_OK(AppendDataFrameHead(head, 0, 1 << 20, frame));
  DataHeaderView view;
  EXPECT_OK(DecodeDataHeaderView(std::span<const uint8_t>(frame).subspan(kFrameHeaderSize), view));
  return std::vector<uint8_t>(view.receiver.path.begin(), view.receiver.path.end());
}

TEST(PathDecoderTableTest, ViewDefinitionsGiveStablePointers) {
  PathDecoderTable table;
  ActorPath scratch;
  std::vector<std::vector<uint8_t>> bytes;
  std::vector<const ActorPath*> defined;
  for (uint32_t id = 1; id <= 200; ++id) {
    bytes.push_back(PathBytes(Path(id)));
    const ActorPath* p = nullptr;
    ASSERT_OK(table.Resolve(PathRefView{id, true, bytes.back()}, scratch, p));
    EXPECT_EQ(*p, Path(id));
    EXPECT_NE(p, &scratch);
    defined.push_back(p);
  }
  // Earlier pointers survive later definitions; references by id give the same entry.
  for (uint32_t id = 1; id <= 200; ++id) {
    const ActorPath* p = nullptr;
    ASSERT_OK(table.Resolve(PathRefView{id, false, {}}, scratch, p));
    EXPECT_EQ(p, defined[id - 1]);
    EXPECT_EQ(*p, Path(id));
  }
  EXPECT_EQ(table.size(), 200u);
}

TEST(PathDecoderTableTest, ViewUncompressedPathGoesToScratch) {
  PathDecoderTable table;
  ActorPath scratch;
  const std::vector<uint8_t> bytes = PathBytes(Path(3));
  const ActorPath* p = nullptr;
  ASSERT_OK(table.Resolve(PathRefView{0, true, bytes}, scratch, p));
  EXPECT_EQ(p, &scratch);
  EXPECT_EQ(scratch, Path(3));
  EXPECT_EQ(table.size(), 0u);
}

TEST(PathDecoderTableTest, ViewErrorsAreDataLoss) {
  PathDecoderTable table(16);
  ActorPath scratch;
  const ActorPath* p = nullptr;
  EXPECT_THAT(table.Resolve(PathRefView{0, false, {}}, scratch, p), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(table.Resolve(PathRefView{1, false, {}}, scratch, p),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("never defined")));
  EXPECT_THAT(table.Resolve(PathRefView{17, false, {}}, scratch, p),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("17")));
  const std::vector<uint8_t> bytes = PathBytes(Path(1));
  EXPECT_THAT(table.Resolve(PathRefView{17, true, bytes}, scratch, p), StatusIs(absl::StatusCode::kDataLoss));
  const std::vector<uint8_t> garbage = {0xFF, 0xFF};
  EXPECT_THAT(table.Resolve(PathRefView{2, true, garbage}, scratch, p),
              StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_EQ(table.size(), 0u);
}

TEST(PathEncoderTableTest, RecentPathsStayKnown) {
  PathEncoderTable table;
  const ActorPath a = Path(1), b = Path(2), c = Path(3);
  for (const ActorPath* p : {&a, &b, &c}) table.Commit(table.Find(*p));
  for (int round = 0; round < 3; ++round) {
    for (const ActorPath* p : {&a, &b, &c, &a, &a, &b}) {
      const PathEncoderTable::Ref r = table.Find(*p);
      EXPECT_TRUE(r.known);
      EXPECT_EQ(r.id, p == &a ? 1u : p == &b ? 2u : 3u);
    }
  }
}

}  // namespace
}  // namespace kompact::net
