#include "routing/policies.h"

#include <random>

#include "base/uuid.h"

namespace kompact {
namespace {
constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ULL;
}  // namespace

RandomRouting::RandomRouting(uint64_t seed) : state_(seed) {}

// Seeded from the thread's Uuid generator: random, and fixed by the seed in a
// simulation (base/internal/uuid_seed.h).
RandomRouting::RandomRouting() : state_(Uuid::Random().low()) {}

size_t RandomRouting::Select(const NetMessage&, size_t members) const {
  // splitmix64: each call takes the next state with one atomic add.
  const uint64_t x = state_.fetch_add(kGolden, std::memory_order_relaxed) + kGolden;
  const uint64_t r = StableHashMix(x);
  // Lemire's multiply-shift: uniform in [0, members) without a division.
  return static_cast<size_t>((static_cast<unsigned __int128>(r) * members) >> 64);
}

const RoutingPolicy& DefaultBroadcastPolicy() {
  static const BroadcastRouting* policy = new BroadcastRouting();
  return *policy;
}

const RoutingPolicy& DefaultSelectPolicy() {
  static const SenderHashRouting* policy = new SenderHashRouting();
  return *policy;
}

}  // namespace kompact
