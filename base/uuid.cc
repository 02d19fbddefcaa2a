#include "base/uuid.h"

#include <random>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/internal/uuid_seed.h"

namespace kompact {
namespace {

// xoshiro256** (Blackman & Vigna): fast, 256-bit state, good statistical quality.
class Xoshiro256 {
 public:
  Xoshiro256() { SeedRandomly(); }
  void SeedRandomly() {
    std::random_device rd;
    for (uint64_t& word : s_) {
      word = (static_cast<uint64_t>(rd()) << 32) ^ rd();
    }
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;  // the all-zero state is a fixed point
  }
  // splitmix64 expands the seed into the state (never all zero).
  void Seed(uint64_t seed) {
    for (uint64_t& word : s_) {
      seed += 0x9E3779B97F4A7C15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      word = z ^ (z >> 31);
    }
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

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Xoshiro256& ThreadRng() {
  thread_local Xoshiro256 rng;
  return rng;
}

}  // namespace

namespace base_internal {
void SeedUuidsOnThisThread(uint64_t seed) { ThreadRng().Seed(seed); }
void ReseedUuidsOnThisThreadRandomly() { ThreadRng().SeedRandomly(); }
}  // namespace base_internal

Uuid Uuid::Random() {
  Xoshiro256& rng = ThreadRng();
  uint64_t high = rng.Next();
  uint64_t low = rng.Next();
  high = (high & ~0xF000ULL) | 0x4000ULL;            // version 4
  low = (low & ~(0xC0ULL << 56)) | (0x80ULL << 56);  // variant 10xx
  return Uuid(high, low);
}

absl::StatusOr<Uuid> Uuid::Parse(std::string_view text) {
  if (text.size() != 36) {
    return absl::InvalidArgumentError(absl::StrCat("UUID '", std::string(text), "' has ", text.size(),
                                                   " characters; expected 36 (8-4-4-4-12 hex digits)"));
  }
  uint64_t words[2] = {0, 0};
  int nibble = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position) {
      if (text[i] != '-') {
        return absl::InvalidArgumentError(
            absl::StrCat("UUID '", std::string(text), "': expected '-' at position ", i));
      }
      continue;
    }
    const int v = HexValue(text[i]);
    if (v < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("UUID '", std::string(text), "': non-hex character at position ", i));
    }
    words[nibble / 16] = (words[nibble / 16] << 4) | static_cast<uint64_t>(v);
    ++nibble;
  }
  return Uuid(words[0], words[1]);
}

Uuid Uuid::FromBytes(const std::array<uint8_t, 16>& bytes) {
  uint64_t high = 0, low = 0;
  for (int i = 0; i < 8; ++i) high = (high << 8) | bytes[i];
  for (int i = 8; i < 16; ++i) low = (low << 8) | bytes[i];
  return Uuid(high, low);
}

std::array<uint8_t, 16> Uuid::ToBytes() const {
  std::array<uint8_t, 16> out;
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(high_ >> (56 - 8 * i));
  for (int i = 0; i < 8; ++i) out[8 + i] = static_cast<uint8_t>(low_ >> (56 - 8 * i));
  return out;
}

std::string Uuid::ToString() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  int nibble = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) continue;
    const uint64_t word = nibble < 16 ? high_ : low_;
    const int shift = 60 - 4 * (nibble % 16);
    out[i] = kHex[(word >> shift) & 0xF];
    ++nibble;
  }
  return out;
}

}  // namespace kompact
