#!/usr/bin/env bash
# Runs the consumer binary and checks what it printed.
set -euo pipefail
out=$("$1")
echo "$out"
[[ "$out" == "consumer ok 42" ]]
