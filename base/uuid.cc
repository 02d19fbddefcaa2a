#include "base/uuid.h"

#include <random>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/internal/uuid_seed.h"
#include "base/internal/xoshiro256.h"

namespace kompact {
namespace {

// A state of 256 bits from std::random_device.
void SeedRandomly(base_internal::Xoshiro256& rng) {
  std::random_device rd;
  uint64_t words[4];
  for (uint64_t& word : words) word = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  rng.SetState(words[0], words[1], words[2], words[3]);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

base_internal::Xoshiro256& ThreadRng() {
  thread_local base_internal::Xoshiro256 rng = [] {
    base_internal::Xoshiro256 seeded(0);
    SeedRandomly(seeded);
    return seeded;
  }();
  return rng;
}

}  // namespace

namespace base_internal {
void SeedUuidsOnThisThread(uint64_t seed) { ThreadRng().Seed(seed); }
void ReseedUuidsOnThisThreadRandomly() { SeedRandomly(ThreadRng()); }
}  // namespace base_internal

Uuid Uuid::Random() {
  base_internal::Xoshiro256& rng = ThreadRng();
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
