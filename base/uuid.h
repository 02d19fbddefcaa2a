// 128-bit UUIDs (RFC 4122): random version-4 ids for components, and parsing and
// printing of the canonical "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" form.
//
//   Uuid id = Uuid::Random();
//   std::string s = id.ToString();
//   absl::StatusOr<Uuid> back = Uuid::Parse(s);
//
// Random() draws from a per-thread generator seeded from std::random_device (or
// from a fixed seed, by the simulator, through base/internal/uuid_seed.h); it is
// cheap (no lock, no syscall after the first call on a thread) because every
// component gets one. The ids are unique, not secret.
//
// Thread-safety: Uuid is a value type; Random() may be called from any thread.
#ifndef KOMPACT_BASE_UUID_H_
#define KOMPACT_BASE_UUID_H_

#include <array>
#include <compare>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"

namespace kompact {

// A 128-bit UUID; a value type (see the file comment).
class Uuid {
 public:
  // The nil UUID (all zeros).
  constexpr Uuid() = default;
  // From its two halves: `high` is bytes 0-7 of the big-endian form, `low` bytes 8-15.
  constexpr Uuid(uint64_t high, uint64_t low) : high_(high), low_(low) {}

  // A random version-4 (variant 1) UUID.
  static Uuid Random();
  // Parses the canonical 36-character form (either case). Errors are
  // kInvalidArgument naming the offending position.
  static absl::StatusOr<Uuid> Parse(std::string_view text);
  // From 16 big-endian bytes.
  static Uuid FromBytes(const std::array<uint8_t, 16>& bytes);

  // Lower-case canonical form.
  std::string ToString() const;
  // The 16 big-endian bytes (FromBytes reads them back).
  std::array<uint8_t, 16> ToBytes() const;

  // Bytes 0-7 of the big-endian form.
  uint64_t high() const { return high_; }
  // Bytes 8-15 of the big-endian form.
  uint64_t low() const { return low_; }
  // Whether this is the nil UUID (all zeros).
  bool IsNil() const { return high_ == 0 && low_ == 0; }
  // The version field (4 for Random() ids; 0 for the nil UUID).
  int version() const { return static_cast<int>((high_ >> 12) & 0xF); }

  // By value; ordered as the 16 big-endian bytes are:
  friend constexpr bool operator==(const Uuid&, const Uuid&) = default;
  friend constexpr std::strong_ordering operator<=>(const Uuid&, const Uuid&) = default;

  // For absl::Hash (absl containers); not stable across processes (see base/stable_hash.h).
  template <typename H>
  friend H AbslHashValue(H h, const Uuid& id) {
    return H::combine(std::move(h), id.high_, id.low_);
  }
  // Writes ToString().
  friend std::ostream& operator<<(std::ostream& os, const Uuid& id) { return os << id.ToString(); }

 private:
  uint64_t high_ = 0;
  uint64_t low_ = 0;
};

// std::hash support, so Uuid works as a key of std containers too.
struct UuidHash {
  // Mixes both halves into one size_t.
  size_t operator()(const Uuid& id) const noexcept {
    return static_cast<size_t>(id.high() * 0x9E3779B97F4A7C15ULL ^ id.low());
  }
};

}  // namespace kompact

#endif  // KOMPACT_BASE_UUID_H_
