// Simultaneous dials (FEATURES.md N3): two systems that start sending to each other
// at the same moment each dial the other, so two connections come up. Both systems
// must keep the same one and close the other gracefully, and no message sent on
// either may be lost or duplicated, nor reordered per sender. The race is forced
// a few hundred times with random offsets between the two sides, so that the
// second dial starts anywhere from before the first to after its handshake.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "net/testing/net_test_util.h"
#include "routing/testing/recorder.h"
#include "testing/status_matchers.h"
#include "testing/wait_until.h"

namespace kompact {
namespace {

using ::kompact::net_testing::NetSystem;
using ::kompact::net_testing::NetworkOf;
using ::kompact::net_testing::TestNetworkConfig;
using ::kompact::routing_testing::Inbox;
using ::kompact::routing_testing::Received;
using ::kompact::routing_testing::Recorder;
using ::kompact::testing::WaitUntil;

uint64_t Seed() {
  if (const char* s = std::getenv("KOMPACT_TEST_SEED")) return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

// The texts `inbox` received, in order.
std::vector<std::string> Texts(const Inbox& inbox) {
  std::vector<std::string> out;
  for (const Received& r : inbox.items()) out.push_back(r.text);
  return out;
}

TEST(SimultaneousDial, BothSidesKeepOneConnectionAndNoMessageIsLostOrDuplicated) {
  const uint64_t seed = Seed();
  SCOPED_TRACE(absl::StrCat("seed ", seed, " (set KOMPACT_TEST_SEED to replay)"));
  std::mt19937_64 gen(seed);
  constexpr int kRounds = 400;
  constexpr int kMessages = 20;
  int raced = 0;  // rounds in which both connections came up
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    ASSERT_OK_AND_ASSIGN(KompactSystem a, NetSystem(TestNetworkConfig(), "a"));
    ASSERT_OK_AND_ASSIGN(KompactSystem b, NetSystem(TestNetworkConfig(), "b"));
    auto inbox_a = std::make_shared<Inbox>();
    auto inbox_b = std::make_shared<Inbox>();
    Component<Recorder> ra = a.Create<Recorder>(inbox_a, 0);
    Component<Recorder> rb = b.Create<Recorder>(inbox_b, 1);
    a.Start(ra);
    b.Start(rb);
    ASSERT_OK_AND_ASSIGN(ActorPath to_a, a.RegisterByAlias(ra, "r").Wait());
    ASSERT_OK_AND_ASSIGN(ActorPath to_b, b.RegisterByAlias(rb, "r").Wait());
    const auto offset = std::chrono::microseconds(gen() % 400);
    const bool a_first = (gen() & 1) != 0;
    std::atomic<bool> go{false};
    auto sender = [&](KompactSystem& from, const ActorPath& to, std::string tag, bool delayed) {
      while (!go.load(std::memory_order_acquire)) {
      }
      if (delayed) std::this_thread::sleep_for(offset);
      for (int i = 0; i < kMessages; ++i) to.Tell(absl::StrCat(tag, i), from);
    };
    std::thread ta(sender, std::ref(a), std::cref(to_b), "a", !a_first);
    std::thread tb(sender, std::ref(b), std::cref(to_a), "b", a_first);
    go.store(true, std::memory_order_release);
    ta.join();
    tb.join();
    ASSERT_TRUE(inbox_a->WaitFor(kMessages, absl::Seconds(20)));
    ASSERT_TRUE(inbox_b->WaitFor(kMessages, absl::Seconds(20)));
    // Exactly once each (a duplicate or a loss changes the multiset).
    std::vector<std::string> want_at_a, want_at_b;
    for (int i = 0; i < kMessages; ++i) {
      want_at_a.push_back(absl::StrCat("b", i));
      want_at_b.push_back(absl::StrCat("a", i));
    }
    // Messages sent on the losing connection may overtake or trail those on the
    // winner (two sessions), so compare as multisets.
    std::vector<std::string> at_a = Texts(*inbox_a), at_b = Texts(*inbox_b);
    std::vector<std::string> sorted_a = at_a, sorted_b = at_b;
    std::sort(sorted_a.begin(), sorted_a.end());
    std::sort(sorted_b.begin(), sorted_b.end());
    std::sort(want_at_a.begin(), want_at_a.end());
    std::sort(want_at_b.begin(), want_at_b.end());
    EXPECT_EQ(sorted_a, want_at_a);
    EXPECT_EQ(sorted_b, want_at_b);
    // Both sides converge on one connection: every other one is closed.
    ASSERT_TRUE(WaitUntil([&] {
      return NetworkOf(a).stats().open_connections.load() == 1 &&
             NetworkOf(b).stats().open_connections.load() == 1;
    })) << "open connections: a "
        << NetworkOf(a).stats().open_connections.load() << ", b "
        << NetworkOf(b).stats().open_connections.load();
    if (NetworkOf(a).stats().connections_established.load() > 1 ||
        NetworkOf(b).stats().connections_established.load() > 1) {
      ++raced;
    }
    EXPECT_EQ(NetworkOf(a).stats().connections_lost.load(), 0u);
    EXPECT_EQ(NetworkOf(b).stats().connections_lost.load(), 0u);
    EXPECT_EQ(a.dead_letters(), 0u);
    EXPECT_EQ(b.dead_letters(), 0u);
    ra = Component<Recorder>();
    rb = Component<Recorder>();
    ASSERT_OK(a.Shutdown());
    ASSERT_OK(b.Shutdown());
    if (::testing::Test::HasFailure()) break;
  }
  // The test is only meaningful if the race really happened often.
  EXPECT_GT(raced, kRounds / 10) << "the simultaneous-dial race was hit in only " << raced << " rounds";
  std::cout << "simultaneous dials in " << raced << " of " << kRounds << " rounds\n";
}

}  // namespace
}  // namespace kompact
