// Seeding the per-thread generator behind Uuid::Random (base/uuid.h), for the
// simulator (testing/sim): a simulation runs every system on one thread, so seeding
// that thread's generator makes component ids and incarnation ids, and with them
// paths and simultaneous-dial decisions, the same in every run of one seed.
//
// Thread-safety: each call affects the calling thread's generator only.
#ifndef KOMPACT_BASE_INTERNAL_UUID_SEED_H_
#define KOMPACT_BASE_INTERNAL_UUID_SEED_H_

#include <cstdint>

namespace kompact::base_internal {

// From now on this thread's Uuid::Random() draws a sequence fixed by `seed`.
void SeedUuidsOnThisThread(uint64_t seed);
// Back to a seed from std::random_device (as a new thread starts).
void ReseedUuidsOnThisThreadRandomly();

}  // namespace kompact::base_internal

#endif  // KOMPACT_BASE_INTERNAL_UUID_SEED_H_
