// Chameneos (the Kompics message-passing suite): contention on a shared mall.
// Each creature asks the mall for a meeting; the mall pairs two waiting
// creatures, both change colour, and ask again, until the mall has arranged the
// given number of meetings; then it sends every creature away, and each reports
// how many meetings it had and dies. Timed from starting the creatures to the
// mall having every report; returns M meetings/s. The reports must add up to
// twice the meetings.
//
//   actor  everything is actor messages (creatures hold the mall's ref)
//   mixed  creatures reach the mall through a port (requests Meet / MeetingCount,
//          indication Exit broadcast to all once every creature is back at the
//          mall); creatures talk to each other with actor messages, as in
//          Kompact's mixed version
//
// Thread-safety: the workloads run on the suite's driver thread.
#ifndef KOMPACT_BENCH_SUITE_CHAMENEOS_H_
#define KOMPACT_BENCH_SUITE_CHAMENEOS_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "runtime/kompact_system.h"

namespace kompact::bench {

enum class ChameneosColour : uint8_t { kRed, kYellow, kBlue, kFaded };

// The colour of creature i at the start (red, yellow, blue, red, ...).
ChameneosColour ChameneosColourFor(int64_t i);
// The colour a creature of colour `a` takes after meeting one of colour `b`.
ChameneosColour Complement(ChameneosColour a, ChameneosColour b);

[[nodiscard]] absl::StatusOr<double> RunActorChameneos(const KompactSystem& system, int64_t creatures,
                                                       int64_t meetings);
[[nodiscard]] absl::StatusOr<double> RunMixedChameneos(const KompactSystem& system, int64_t creatures,
                                                       int64_t meetings);

}  // namespace kompact::bench

#endif  // KOMPACT_BENCH_SUITE_CHAMENEOS_H_
