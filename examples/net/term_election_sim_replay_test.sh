#!/bin/bash
# A seed replays byte for byte in another process: two separate runs of one seed
# (with the planted bug's failing scenario and the correct one) write identical
# traces. Separate processes differ in addresses, hash seeds and wall-clock time,
# so any of those leaking into the simulated path would show here.
set -euo pipefail
binary="$1"
out="${TEST_TMPDIR:-/tmp}"
for seed in 268 7; do
  for run in 1 2; do
    "$binary" --gtest_filter='*AThousandSeeds*' --sim_seed="$seed" --sim_trace="$out/trace-$seed-$run.txt" \
      >"$out/log-$seed-$run.txt" 2>&1 || { cat "$out/log-$seed-$run.txt"; exit 1; }
  done
  lines=$(wc -l <"$out/trace-$seed-1.txt")
  if [ "$lines" -lt 1000 ]; then echo "seed $seed: only $lines steps traced"; exit 1; fi
  if ! cmp "$out/trace-$seed-1.txt" "$out/trace-$seed-2.txt"; then
    echo "seed $seed: the two processes' traces differ"; exit 1
  fi
  echo "seed $seed: $lines steps, identical in two processes"
done
