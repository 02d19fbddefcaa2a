#!/bin/bash
# The rule that keeps simulation deterministic (testing/sim, FEATURES.md Y1): no
# code on the simulated path reads the wall clock, sleeps or starts a thread. The
# simulated path is what a simulated system runs: the network layer above the
# transport, the runtime, routing, the simulator itself. Lines that must use the
# clock carry "sim-clock-ok: <why>" and are listed by this script.
set -euo pipefail
cd "$(dirname "$0")/../.."
files=$(git ls-files 'net/*.cc' 'net/*.h' 'runtime/*.cc' 'runtime/*.h' 'runtime/internal/*' 'routing/*.cc' \
  'routing/*.h' 'testing/sim/*.cc' 'testing/sim/*.h' |
  grep -v -E '_test\.cc$|_benchmark\.cc$|net/tcp_transport\.|net/soak_main\.cc|net/testing/|testing/sim/run_seeds\.cc')
pattern='absl::Now\(|steady_clock::now|system_clock::now|high_resolution_clock|sleep_for|usleep\(|absl::SleepFor|std::thread\b|std::random_device'
# Code only: comment lines ("// seeded from ...") do not run.
bad=$(grep -n -E "$pattern" $files | grep -v -E '^[^:]+:[0-9]+:[[:space:]]*//' | grep -v 'sim-clock-ok' || true)
if [ -n "$bad" ]; then
  echo "check_sim_clock: wall clock, sleep, thread or OS randomness on the simulated path:"
  echo "$bad"
  echo "(use the system's Timer and the seeded generators; or mark a justified line 'sim-clock-ok: why')"
  exit 1
fi
echo "check_sim_clock: $(echo "$files" | wc -l) files on the simulated path read no clock; exceptions:"
grep -n 'sim-clock-ok' $files | sed 's/^/  /' || true
