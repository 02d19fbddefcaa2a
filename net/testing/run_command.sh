#!/usr/bin/env bash
# Runs its arguments as one command (a binary and its flags) and passes its exit
# status on: an sh_test wrapper for binaries that check themselves (//net:soak).
set -euo pipefail
exec "$@"
