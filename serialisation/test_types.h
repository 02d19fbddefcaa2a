// Message types shared by the serialisation tests and benchmarks (testonly). All ids
// fit 8 bits, so the tests pass with every --//serialisation:ser_id_bits.
#ifndef KOMPACT_SERIALISATION_TEST_TYPES_H_
#define KOMPACT_SERIALISATION_TEST_TYPES_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "serialisation/buf.h"
#include "serialisation/ser_id.h"
#include "serialisation/serialisable.h"

namespace kompact::serialisation_test {

// In-class serialisable: a small message (an id and a short name).
struct Ping {
  static constexpr SerId kSerId = MakeSerId<42>();
  uint64_t seq = 0;
  std::string who;

  size_t SizeHint() const { return 8 + 1 + who.size(); }
  absl::Status Serialise(BufMut& buf) const {
    buf.PutU64(seq);
    buf.PutString(who);
    return absl::OkStatus();
  }
  static absl::StatusOr<Ping> Deserialise(Buf& buf) {
    Ping p{.seq = buf.GetU64(), .who = buf.GetString()};
    if (!buf.ok()) return buf.status();
    return p;
  }
  friend bool operator==(const Ping&, const Ping&) = default;
};

// A type "we cannot edit", serialised by PointSerialiser.
struct Point {
  int32_t x = 0;
  int32_t y = 0;
  friend bool operator==(const Point&, const Point&) = default;
};

struct PointSerialiser {
  static constexpr SerId kSerId = MakeSerId<43>();
  static size_t SizeHint(const Point&) { return 8; }
  static absl::Status Serialise(const Point& p, BufMut& buf) {
    buf.PutI32(p.x);
    buf.PutI32(p.y);
    return absl::OkStatus();
  }
  static absl::StatusOr<Point> Deserialise(Buf& buf) {
    Point p{buf.GetI32(), buf.GetI32()};
    if (!buf.ok()) return buf.status();
    return p;
  }
};

// Same wire format and SerId as Point, another C++ type: a box of Point read as a
// PointView goes through serialisation.
struct PointView {
  int32_t x = 0;
  int32_t y = 0;
};
struct PointViewDeserialiser {
  static constexpr SerId kSerId = PointSerialiser::kSerId;
  static absl::StatusOr<PointView> Deserialise(Buf& buf) {
    PointView p{buf.GetI32(), buf.GetI32()};
    if (!buf.ok()) return buf.status();
    return p;
  }
};

// Counts every serialisation and deserialisation, to prove the local path does none.
struct Counted {
  static constexpr SerId kSerId = MakeSerId<44>();
  static inline std::atomic<int> serialisations{0};
  static inline std::atomic<int> deserialisations{0};
  static void ResetCounts() {
    serialisations = 0;
    deserialisations = 0;
  }

  uint32_t value = 0;

  size_t SizeHint() const { return 4; }
  absl::Status Serialise(BufMut& buf) const {
    serialisations.fetch_add(1);
    buf.PutU32(value);
    return absl::OkStatus();
  }
  static absl::StatusOr<Counted> Deserialise(Buf& buf) {
    deserialisations.fetch_add(1);
    Counted c{.value = buf.GetU32()};
    if (!buf.ok()) return buf.status();
    return c;
  }
};

// Always fails to serialise.
struct Unserialisable {
  static constexpr SerId kSerId = MakeSerId<45>();
  size_t SizeHint() const { return 0; }
  absl::Status Serialise(BufMut&) const { return absl::InternalError("Unserialisable refuses"); }
  static absl::StatusOr<Unserialisable> Deserialise(Buf&) { return Unserialisable{}; }
};

// A move-only message.
struct Blob {
  static constexpr SerId kSerId = MakeSerId<46>();
  std::unique_ptr<std::string> bytes;

  size_t SizeHint() const { return 10 + bytes->size(); }
  absl::Status Serialise(BufMut& buf) const {
    buf.PutString(*bytes);
    return absl::OkStatus();
  }
  static absl::StatusOr<Blob> Deserialise(Buf& buf) {
    auto s = std::make_unique<std::string>(buf.GetString());
    if (!buf.ok()) return buf.status();
    return Blob{std::move(s)};
  }
};

}  // namespace kompact::serialisation_test

#endif  // KOMPACT_SERIALISATION_TEST_TYPES_H_
