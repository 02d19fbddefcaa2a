#include "bench/peers/caf/driver.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"
#include "caf/actor_registry.hpp"
#include "caf/sec.hpp"

namespace kompact::bench::caf_peer {

absl::Status FromCafError(caf::actor_system& system, const caf::error& error, std::string_view what) {
  const std::string message = absl::StrCat(AsAbsl(what), ": ", system.render(error));
  if (error == caf::sec::request_timeout) return absl::DeadlineExceededError(message);
  return absl::InternalError(message);
}

void AwaitAllActorsDone(caf::actor_system& system) { system.registry().await_running_count_equal(0); }

}  // namespace kompact::bench::caf_peer
