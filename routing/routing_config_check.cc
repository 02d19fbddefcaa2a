// Checks that --//routing:implicit_routes reached the code: compares the value
// compiled into routing/routing_config.h with argv[1] (0 or 1).
#include <cstdio>
#include <cstdlib>

#include "routing/routing_config.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <0|1>\n", argv[0]);
    return 2;
  }
  const int expected = std::atoi(argv[1]);
  std::printf("KOMPACT_IMPLICIT_ROUTES = %d (expected %d)\n", KOMPACT_IMPLICIT_ROUTES, expected);
  return KOMPACT_IMPLICIT_ROUTES == expected ? 0 : 1;
}
