// Checks that --//serialisation:ser_id_bits reached the code: prints the SerId
// width compiled into serialisation/ser_id_config.h and compares it with argv[1].
// Run by the ser_id_config_<width>_test targets, each built with that width.
#include <cstdio>
#include <cstdlib>

#include "serialisation/ser_id_config.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <expected SerId bits>\n", argv[0]);
    return 2;
  }
  const int expected = std::atoi(argv[1]);
  std::printf("KOMPACT_SER_ID_BITS = %d (expected %d)\n", KOMPACT_SER_ID_BITS, expected);
  return KOMPACT_SER_ID_BITS == expected ? 0 : 1;
}
