// The persistent HAMT under the lookup table: insert/replace/erase/iterate against a
// reference map, full-hash collisions, persistence of old versions, and that every
// replaced node is either freed at once (unpublished) or retired (published).
#include "routing/internal/hamt.h"

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <vector>

#include "gtest/gtest.h"
#include "routing/internal/epoch.h"

namespace kompact::routing_internal {
namespace {

struct E {
  uint64_t key;
  uint64_t value;
};

// hash_mask lets a test force collisions: only the masked bits of the key count.
template <uint64_t kMask>
struct MaskedTraits {
  static uint64_t Hash(const E& e) { return Mix(e.key) & kMask; }
  static bool SameKey(const E& a, const E& b) { return a.key == b.key; }
  static uint64_t Mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
  }
};

template <typename H>
class Model {
 public:
  using Node = typename H::Node;

  explicit Model(RetireList* retired) : retired_(retired) {}

  void Assign(uint64_t key, uint64_t value, uint64_t batch) {
    Editor ed{batch, retired_};
    std::optional<E> replaced;
    root_ = H::Assign(root_, E{key, value}, ed, replaced);
    EXPECT_EQ(replaced.has_value(), reference_.count(key) == 1) << key;
    if (replaced) {
      EXPECT_EQ(replaced->value, reference_[key]);
    }
    reference_[key] = value;
  }
  void Erase(uint64_t key, uint64_t batch) {
    Editor ed{batch, retired_};
    std::optional<E> erased;
    Node* before = root_;
    root_ = H::Erase(
        root_, Hash(key), [key](const E& e) { return e.key == key; }, ed, erased);
    const bool present = reference_.erase(key) == 1;
    EXPECT_EQ(erased.has_value(), present) << key;
    if (!present) {
      EXPECT_EQ(root_, before) << "erasing a missing key must not copy anything";
    }
  }
  void Check() const {
    for (const auto& [k, v] : reference_) {
      const E* e = H::Find(root_, Hash(k), [k](const E& x) { return x.key == k; });
      ASSERT_NE(e, nullptr) << k;
      EXPECT_EQ(e->value, v);
    }
    std::map<uint64_t, uint64_t> seen;
    H::ForEach(root_,
               [&](const E& e) { EXPECT_TRUE(seen.emplace(e.key, e.value).second) << "twice: " << e.key; });
    EXPECT_EQ(seen, reference_);
  }
  bool Contains(uint64_t key) const {
    return H::Find(root_, Hash(key), [key](const E& x) { return x.key == key; }) != nullptr;
  }
  static uint64_t Hash(uint64_t key) { return H::Hash(E{key, 0}); }
  Node* root() const { return root_; }
  void FreeAll() {
    H::ForEachNode(root_, [](const Node* n) { H::Free(const_cast<Node*>(n)); });
    root_ = nullptr;
  }

 private:
  RetireList* retired_;
  Node* root_ = nullptr;
  std::map<uint64_t, uint64_t> reference_;
};

template <typename T>
class HamtTest : public ::testing::Test {};

// Full 64-bit hashes; only 4 hash bits (collision nodes everywhere); 12 bits.
using Variants = ::testing::Types<MaskedTraits<~uint64_t{0}>, MaskedTraits<0xF>, MaskedTraits<0xFFF>>;
TYPED_TEST_SUITE(HamtTest, Variants);

template <typename Traits>
struct HamtWithHash : Hamt<E, Traits> {
  static uint64_t Hash(const E& e) { return Traits::Hash(e); }
};

TYPED_TEST(HamtTest, MatchesAReferenceMapThroughInsertsReplacesAndErases) {
  using H = HamtWithHash<TypeParam>;
  RetireList retired;
  Model<H> model(&retired);
  std::mt19937_64 rng(42);
  uint64_t batch = 1;
  for (int round = 0; round < 4000; ++round) {
    const uint64_t key = rng() % 600;
    if (rng() % 3 == 0) {
      model.Erase(key, batch);
    } else {
      model.Assign(key, rng(), batch);
    }
    if (round % 7 == 0) ++batch;  // some nodes are "published" between batches
  }
  model.Check();
  model.FreeAll();
}

TYPED_TEST(HamtTest, EraseEverythingLeavesAnEmptyTree) {
  using H = HamtWithHash<TypeParam>;
  RetireList retired;
  Model<H> model(&retired);
  for (uint64_t k = 0; k < 300; ++k) model.Assign(k, k, /*batch=*/k + 1);
  model.Check();
  for (uint64_t k = 0; k < 300; ++k) model.Erase(k, /*batch=*/1000 + k);
  EXPECT_EQ(model.root(), nullptr);
  model.Check();
}

TEST(Hamt, OldVersionsStayIntactUntilReclaimed) {
  using H = HamtWithHash<MaskedTraits<~uint64_t{0}>>;
  RetireList retired;
  Model<H> model(&retired);
  for (uint64_t k = 0; k < 100; ++k) model.Assign(k, k, /*batch=*/1);
  H::Node* v1 = model.root();  // "published" after batch 1
  for (uint64_t k = 0; k < 100; k += 2) model.Erase(k, /*batch=*/2);
  model.Assign(1000, 1, /*batch=*/2);
  // The old version still finds everything it had, and nothing it did not.
  for (uint64_t k = 0; k < 100; ++k) {
    EXPECT_NE(H::Find(v1, H::Hash(E{k, 0}), [k](const E& e) { return e.key == k; }), nullptr) << k;
  }
  EXPECT_EQ(H::Find(v1, H::Hash(E{1000, 0}), [](const E& e) { return e.key == 1000; }), nullptr);
  EXPECT_FALSE(model.Contains(0));
  EXPECT_TRUE(model.Contains(1));
  // Batch 2 replaced nodes of batch 1: they were retired, not freed.
  EXPECT_GT(retired.pending(), 0u);
  // With no reader inside, sealing and reclaiming frees them all (v1 is gone then).
  retired.Seal();
  const size_t pending = retired.pending();
  EXPECT_EQ(retired.Reclaim(), pending);
  EXPECT_EQ(retired.pending(), 0u);
  model.Check();
  model.FreeAll();
}

TEST(Hamt, NodesOfTheCurrentBatchAreFreedAtOnceNotRetired) {
  using H = HamtWithHash<MaskedTraits<~uint64_t{0}>>;
  RetireList retired;
  Model<H> model(&retired);
  for (uint64_t k = 0; k < 1000; ++k) model.Assign(k, k, /*batch=*/7);
  EXPECT_EQ(retired.pending(), 0u);  // every replaced node was unpublished
  model.Check();
  model.FreeAll();
}

TEST(Hamt, UpdateCopiesOnlyThePathToTheEntry) {
  using H = HamtWithHash<MaskedTraits<~uint64_t{0}>>;
  RetireList retired;
  Model<H> model(&retired);
  for (uint64_t k = 0; k < 100000; ++k) model.Assign(k, k, /*batch=*/1);
  model.Assign(77, 1, /*batch=*/2);
  // One node per level on the way to key 77 (about log32(100000) = 4), not the map.
  EXPECT_GE(retired.pending(), 2u);
  EXPECT_LE(retired.pending(), 6u);
  model.FreeAll();
  retired.FreeAll();
}

}  // namespace
}  // namespace kompact::routing_internal
