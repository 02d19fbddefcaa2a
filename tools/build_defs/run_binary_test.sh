#!/usr/bin/env bash
# Runs its arguments as a command; a test passes when the command exits 0.
# Used to smoke-test benchmarks and example binaries under `bazel test`.
set -euo pipefail
"$@"
