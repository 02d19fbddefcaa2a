// Routing policy distributions (FEATURES.md P4): round-robin is exact, random is
// roughly uniform and reproducible with a fixed seed, hashing is stable (same
// key, same member; fixed across runs) and spreads different keys.
#include "routing/policies.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "runtime/net_message.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

NetMessage MessageFrom(std::string_view sender, NetData data = NetData::Box(std::string("x"))) {
  return NetMessage(*SystemPath().Named(sender), *SystemPath().Named("group/?"), std::move(data));
}

struct Order {
  static constexpr SerId kSerId = MakeSerId<144>();
  uint64_t customer = 0;
  std::string item;
  size_t SizeHint() const { return 8 + 1 + item.size(); }
  absl::Status Serialise(BufMut& buf) const {
    buf.PutU64(customer);
    buf.PutString(item);
    return absl::OkStatus();
  }
  static absl::StatusOr<Order> Deserialise(Buf& buf) {
    Order o{buf.GetU64(), buf.GetString()};
    if (!buf.ok()) return buf.status();
    return o;
  }
};

TEST(RoundRobinRouting, IsExactOverWholeRounds) {
  RoundRobinRouting policy;
  EXPECT_FALSE(policy.broadcasts());
  EXPECT_TRUE(policy.selects());
  const NetMessage m = MessageFrom("a");
  for (size_t members : {1u, 2u, 3u, 7u}) {
    std::vector<int> counts(members, 0);
    for (size_t i = 0; i < members * 100; ++i) ++counts[policy.Select(m, members)];
    for (size_t i = 0; i < members; ++i) EXPECT_EQ(counts[i], 100) << members << " members, member " << i;
  }
  // In order, starting where configured.
  RoundRobinRouting from_two(2);
  EXPECT_EQ(from_two.Select(m, 3), 2u);
  EXPECT_EQ(from_two.Select(m, 3), 0u);
  EXPECT_EQ(from_two.Select(m, 3), 1u);
  // A copy continues from the same position.
  RoundRobinRouting copy(from_two);
  EXPECT_EQ(copy.Select(m, 3), 2u);
}

TEST(RandomRouting, IsRoughlyUniformAndReproducibleWithASeed) {
  RandomRouting policy(12345);
  const NetMessage m = MessageFrom("a");
  constexpr size_t kMembers = 8;
  constexpr int kDraws = 80000;
  std::vector<int> counts(kMembers, 0);
  std::vector<size_t> sequence;
  for (int i = 0; i < kDraws; ++i) {
    const size_t pick = policy.Select(m, kMembers);
    ASSERT_LT(pick, kMembers);
    ++counts[pick];
    if (i < 50) sequence.push_back(pick);
  }
  // Chi-square with 7 degrees of freedom: 24.3 is the 0.1% critical value.
  const double expected = static_cast<double>(kDraws) / kMembers;
  double chi2 = 0;
  for (int c : counts) chi2 += (c - expected) * (c - expected) / expected;
  EXPECT_LT(chi2, 24.3) << "counts are not uniform";
  RandomRouting same(12345);
  std::vector<size_t> again;
  for (int i = 0; i < 50; ++i) again.push_back(same.Select(m, kMembers));
  EXPECT_EQ(again, sequence);
  RandomRouting other(54321);
  std::vector<size_t> different;
  for (int i = 0; i < 50; ++i) different.push_back(other.Select(m, kMembers));
  EXPECT_NE(different, sequence);
}

TEST(SenderHashRouting, SameSenderSameMemberAndSendersSpread) {
  SenderHashRouting policy;
  constexpr size_t kMembers = 5;
  std::vector<int> counts(kMembers, 0);
  for (int s = 0; s < 1000; ++s) {
    const std::string sender = absl::StrCat("clients/c", s);
    const size_t first = policy.Select(MessageFrom(sender), kMembers);
    for (int k = 0; k < 3; ++k) EXPECT_EQ(policy.Select(MessageFrom(sender), kMembers), first) << sender;
    ++counts[first];
  }
  for (size_t i = 0; i < kMembers; ++i) {
    EXPECT_GT(counts[i], 120) << "member " << i;  // about 200 each
    EXPECT_LT(counts[i], 280) << "member " << i;
  }
  // Stable across processes, runs and builds (a fixed hash function): pinned values.
  EXPECT_EQ(SystemPath().Named("clients/c0")->StableHash(), 15343461521460529039ULL);
  EXPECT_EQ(policy.Select(MessageFrom("clients/c0"), 1000), 175u);
  EXPECT_EQ(policy.Select(MessageFrom("clients/c1"), 1000), 185u);
  EXPECT_EQ(policy.Select(MessageFrom("clients/c0"), kMembers), 0u);  // 175 % 5
}

TEST(FieldHashRouting, HashesAPayloadFieldBoxedOrSerialised) {
  FieldHashRouting policy(HashOfPayload<Order>([](const Order& o) { return o.customer; }), "by-customer");
  EXPECT_EQ(policy.name(), "by-customer");
  constexpr size_t kMembers = 7;
  for (uint64_t customer = 0; customer < 200; ++customer) {
    const Order order{customer, absl::StrCat("item", customer % 3)};
    const size_t boxed = policy.Select(MessageFrom("a", NetData::Box(order)), kMembers);
    ASSERT_OK_AND_ASSIGN(NetData bytes, NetData::Serialise(order));
    const size_t serialised = policy.Select(MessageFrom("b", std::move(bytes)), kMembers);
    EXPECT_EQ(boxed, serialised) << customer;  // the same member however it travels
    EXPECT_EQ(boxed, StableHashMix(customer) % kMembers);
  }
  // A string key, and a message that is not an Order (fallback key 0).
  FieldHashRouting by_item(HashOfPayload<Order>([](const Order& o) -> const std::string& { return o.item; }));
  EXPECT_EQ(by_item.Select(MessageFrom("a", NetData::Box(Order{1, "pen"})), 1000),
            by_item.Select(MessageFrom("a", NetData::Box(Order{2, "pen"})), 1000));
  EXPECT_EQ(policy.Select(MessageFrom("a"), kMembers), StableHashMix(0) % kMembers);
}

TEST(BroadcastRouting, BroadcastsOnly) {
  BroadcastRouting policy;
  EXPECT_TRUE(policy.broadcasts());
  EXPECT_FALSE(policy.selects());
  EXPECT_EQ(DefaultBroadcastPolicy().name(), "broadcast");
  EXPECT_EQ(DefaultSelectPolicy().name(), "sender-hash");
}

}  // namespace
}  // namespace kompact
