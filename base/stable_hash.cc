#include "base/stable_hash.h"

#include <bit>
#include <cstddef>
#include <cstring>

namespace kompact {
namespace {

constexpr uint64_t kHashMul = 0x9E3779B97F4A7C15ULL;

uint64_t LoadLittle64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

}  // namespace

uint64_t StableHashBytes(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t n = bytes.size();
  uint64_t h = (static_cast<uint64_t>(n) + 1) * kHashMul;
  while (n >= 8) {
    h = (h ^ StableHashMix(LoadLittle64(p))) * kHashMul;
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  for (size_t i = 0; i < n; ++i) tail |= static_cast<uint64_t>(p[i]) << (8 * i);
  h = (h ^ StableHashMix(tail ^ (static_cast<uint64_t>(n) << 56))) * kHashMul;
  return StableHashMix(h);
}

}  // namespace kompact
