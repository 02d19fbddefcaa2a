// xoshiro256** (Blackman & Vigna): a fast generator with 256 bits of state and
// good statistical quality, seeded through splitmix64 (or with a whole random
// state): the generator behind Uuid::Random (base/uuid.cc) and the simulator's
// seeded generators (testing/sim/scheduler.h).
//
// Thread-safety: none (one owner; Uuid keeps one per thread). Not cryptographic.
#ifndef KOMPACT_BASE_INTERNAL_XOSHIRO256_H_
#define KOMPACT_BASE_INTERNAL_XOSHIRO256_H_

#include <cstdint>

namespace kompact::base_internal {

class Xoshiro256 {
 public:
  explicit Xoshiro256(uint64_t seed) { Seed(seed); }

  // splitmix64 expands the seed into the state (never all zero).
  void Seed(uint64_t seed) {
    for (uint64_t& word : s_) {
      seed += 0x9E3779B97F4A7C15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      word = z ^ (z >> 31);
    }
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;  // the all-zero state is a fixed point
  }

  // Sets the whole state (an all-zero state, a fixed point, becomes a valid one).
  void SetState(uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
    s_[0] = a;
    s_[1] = b;
    s_[2] = c;
    s_[3] = d;
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace kompact::base_internal

#endif  // KOMPACT_BASE_INTERNAL_XOSHIRO256_H_
