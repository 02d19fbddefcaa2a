#!/usr/bin/env bash
# benchmark_main exits non-zero when a benchmark reports an error, naming it, and
# zero when the benchmarks that ran were fine.
# Usage: benchmark_main_test.sh <benchmark binary>
set -uo pipefail
bin="$1"
fail() { echo "FAIL: $*"; exit 1; }

out="$("$bin" --benchmark_min_time=0.001 2>&1)"
rc=$?
echo "$out"
[[ $rc -ne 0 ]] || fail "an errored benchmark left the exit code 0"
grep -q "1 benchmark run(s) reported an error" <<<"$out" || fail "no error summary"
grep -q "BM_LosesAMessage: expected 10 replies, got 9" <<<"$out" || fail "the summary does not name the benchmark"

"$bin" --benchmark_min_time=0.001 --benchmark_filter=BM_Passes >/dev/null 2>&1 || fail "a passing run exited non-zero"

"$bin" --benchmark_filter=NoSuchBenchmark >/dev/null 2>&1 && fail "a run of no benchmark exited 0"
echo "ok"
