// Stable 64-bit hashing: the same value in every process, run and build (unlike
// absl::Hash), for anything that must agree across systems — routing by sender
// (FieldHashRouting), path lookup tables, peer tables.
//
// Thread-safety: pure functions.
#ifndef KOMPACT_BASE_STABLE_HASH_H_
#define KOMPACT_BASE_STABLE_HASH_H_

#include <cstdint>
#include <string_view>

namespace kompact {

// The stable hash of a byte string.
uint64_t StableHashBytes(std::string_view bytes);
// Mixes the bits of an integer into a stable hash of it (a bijection on 64 bits).
inline uint64_t StableHashMix(uint64_t x) {  // murmur3's fmix64
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

}  // namespace kompact

#endif  // KOMPACT_BASE_STABLE_HASH_H_
