#!/usr/bin/env bash
# CI smoke run of every fuzzer: the network decoders' targets (net/fuzz/run_fuzzer.sh:
# frame, connection, actor_path, system_path) and the deserialisers'
# (serialisation/fuzz/run_fuzzer.sh), each for ${KOMPACT_FUZZ_SECONDS:-30} s with
# -timeout=10 -rss_limit_mb=2048 -max_len=4096, starting from the checked-in corpus.
# Any non-zero libFuzzer exit (a broken invariant, crash, leak, OOM or timeout) fails;
# its log's tail is shown. Prints one line per target with its executions.
#
# The corpora are copied into a temporary work dir (the tree is never modified; the
# script checks); objects are kept in ${KOMPACT_FUZZ_BUILD_DIR:-/tmp/kompact-net-fuzz/build}
# so that the next run only relinks.
#
# usage: tools/ci/fuzz_smoke.sh   (from anywhere in the workspace)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

seconds="${KOMPACT_FUZZ_SECONDS:-30}"
flags=(-timeout=10 -rss_limit_mb=2048 -max_len=4096)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export KOMPACT_FUZZ_BUILD_DIR="${KOMPACT_FUZZ_BUILD_DIR:-/tmp/kompact-net-fuzz/build}"
before="$(git status --porcelain -- net/fuzz serialisation/fuzz 2>/dev/null)"
failed=0

# run_one NAME COMMAND...: one fuzzer run with its own work dir under $tmp.
run_one() {
  local name=$1
  shift
  local log="$tmp/$name.log"
  KOMPACT_FUZZ_DIR="$tmp/$name" "$@" >"$log" 2>&1
  local rc=$?
  local execs rate
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  if [[ $rc -ne 0 ]]; then
    echo "fuzz_smoke: $name FAILED (exit $rc, ${execs:-0} executions); what broke:"
    # The first report (a broken invariant, a sanitizer's ERROR, a UBSan runtime error),
    # which a long stack trace pushes out of the tail.
    grep -m 5 -E 'invariant broken|ERROR:|runtime error|deadly signal|out-of-memory|timeout' "$log" | sed 's/^/  /'
    echo "fuzz_smoke: the log's tail:"
    tail -25 "$log" | sed 's/^/  /'
    # Keep the inputs that broke it (the work dir is deleted on exit).
    local kept="${KOMPACT_FUZZ_ARTIFACTS:-/tmp/kompact-fuzz-artifacts}/$name"
    mkdir -p "$kept"
    find "$tmp/$name" -path '*/artifacts/*' -type f -exec cp -f {} "$kept/" \; 2>/dev/null
    echo "fuzz_smoke: crash inputs kept in $kept: $(ls "$kept" 2>/dev/null | tr '\n' ' ')"
    for f in "$kept"/*; do [[ -f $f ]] && echo "  $(basename "$f"): $(od -An -tx1 -v "$f" | tr -d ' \n' | head -c 2048)"; done
    failed=1
  else
    echo "fuzz_smoke: $name ok: ${execs:-?} executions in ${seconds}s (${rate:-?} exec/s)"
  fi
}

for target in frame connection actor_path system_path; do
  run_one "$target" net/fuzz/run_fuzzer.sh "$target" "$seconds" "${flags[@]}"
done
run_one deserialise serialisation/fuzz/run_fuzzer.sh "$seconds" 64 "${flags[@]}"

if [[ "$(git status --porcelain -- net/fuzz serialisation/fuzz 2>/dev/null)" != "$before" ]]; then
  echo "fuzz_smoke: the fuzzers changed files in the tree:"
  git status --porcelain -- net/fuzz serialisation/fuzz
  failed=1
fi
exit "$failed"
