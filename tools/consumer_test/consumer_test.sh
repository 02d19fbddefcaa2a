#!/usr/bin/env bash
# Runs the consumer binary and checks what it printed, including the sanitizer and
# SerId width that kompact's code saw (expected: $2 and $3, chosen by the BUILD file
# from the same command-line flags).
set -euo pipefail
out=$("$1")
echo "$out"
expected="consumer ok 42 (sanitizer: $2, SerId bits: $3)"
if [[ "$out" != "$expected" ]]; then
  echo "expected: $expected"
  exit 1
fi
