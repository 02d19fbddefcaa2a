#!/usr/bin/env bash
# Compile-time diagnostics of //serialisation (tools/build_defs/compile_fail_test.sh
# over serialisation/testdata) for one SerId width, with KOMPACT_TEST_BAD_ID set to
# an id MakeSerId must refuse at that width and KOMPACT_TEST_BIG_ID to a positive
# constant too large for it.
#
# Usage (from Bazel): compile_fail_test.sh <checker> <c++ compiler> <expected width>
set -uo pipefail

checker="$1"
cxx="$2"
expected_bits="$3"
bits="$(sed -n 's/^#define KOMPACT_SER_ID_BITS \([0-9]*\)$/\1/p' serialisation/ser_id_config.h)"
if [[ "$bits" != "$expected_bits" ]]; then
  echo "FAIL: serialisation/ser_id_config.h says ${bits:-nothing}, this test is for $expected_bits bits"
  exit 1
fi
case "$bits" in
  8) bad_id=256; big_id=300 ;;
  16) bad_id=65536; big_id=70000 ;;
  32) bad_id=4294967296; big_id=4294967296 ;;
  # No integer literal exceeds 64 bits (GCC only warns "integer constant is too
  # large for its type"): a 128-bit constant expression stands in for it.
  64) bad_id=-1; big_id='(static_cast<unsigned __int128>(1) << 64)' ;;
  *) echo "cannot read KOMPACT_SER_ID_BITS from serialisation/ser_id_config.h"; exit 1 ;;
esac
echo "SerId bits: $bits; out-of-range ids: $bad_id, $big_id"
exec "$checker" "$cxx" serialisation/testdata -DKOMPACT_TEST_BAD_ID="$bad_id" -DKOMPACT_TEST_BIG_ID="$big_id"
