#!/usr/bin/env bash
# Compile-time diagnostics of //serialisation (tools/build_defs/compile_fail_test.sh
# over serialisation/testdata), with KOMPACT_TEST_BAD_ID set to a SerId that does not
# fit the width this build was configured with.
#
# Usage (from Bazel): compile_fail_test.sh <checker> <c++ compiler>
set -uo pipefail

checker="$1"
cxx="$2"
bits="$(sed -n 's/^#define KOMPACT_SER_ID_BITS \([0-9]*\)$/\1/p' serialisation/ser_id_config.h)"
case "$bits" in
  8) bad_id=256 ;;
  16) bad_id=65536 ;;
  32) bad_id=4294967296 ;;
  64) bad_id=-1 ;;
  *) echo "cannot read KOMPACT_SER_ID_BITS from serialisation/ser_id_config.h"; exit 1 ;;
esac
echo "SerId bits: $bits; out-of-range id: $bad_id"
exec "$checker" "$cxx" serialisation/testdata -DKOMPACT_TEST_BAD_ID="$bad_id"
