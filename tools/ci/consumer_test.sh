#!/usr/bin/env bash
# Builds and tests tools/consumer_test, a separate workspace that depends on this
# repository through local_repository, then stops its Bazel server.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root/tools/consumer_test"
"$root/tools/bazel" test //... 2>&1 | grep -E '^//|Executed|ERROR'
rc=${PIPESTATUS[0]}
# The consumer spellings of the configurations: a config from tools/kompact.bazelrc
# and a kompact build setting through @kompact//.
if [[ $rc -eq 0 ]]; then
  "$root/tools/bazel" test --config=ubsan --@kompact//serialisation:ser_id_bits=8 //... 2>&1 |
    grep -E '^//|Executed|ERROR'
  rc=${PIPESTATUS[0]}
fi
"$root/tools/bazel" shutdown >/dev/null 2>&1 || true
exit "$rc"
