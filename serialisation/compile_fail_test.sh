#!/usr/bin/env bash
# Checks the compile-time diagnostics of //serialisation: every source in
# testdata/compile_fail/ must FAIL to compile, with each of its
# "// EXPECT-ERROR: <text>" lines found in the compiler's output; and
# testdata/compile_ok.cc (the control, same headers) must compile.
# ${BAD_ID} in an expectation is a SerId that does not fit the configured width.
#
# Usage (from Bazel): compile_fail_test.sh <c++ compiler>
set -uo pipefail

cxx="$1"
root="$(pwd)"  # the runfiles tree of the workspace: workspace-relative includes work
bits="$(sed -n 's/^#define KOMPACT_SER_ID_BITS \([0-9]*\)$/\1/p' serialisation/ser_id_config.h)"
case "$bits" in
  8) bad_id=256 ;;
  16) bad_id=65536 ;;
  32) bad_id=4294967296 ;;
  64) bad_id=-1 ;;
  *) echo "cannot read KOMPACT_SER_ID_BITS from serialisation/ser_id_config.h"; exit 1 ;;
esac
flags=(-x c++ -std=c++20 -fsyntax-only -fno-diagnostics-color -ftemplate-backtrace-limit=0
       -I "$root" -DKOMPACT_TEST_BAD_ID="$bad_id")
echo "compiler: $cxx; SerId bits: $bits; out-of-range id: $bad_id"

failures=0
if ! out="$("$cxx" "${flags[@]}" serialisation/testdata/compile_ok.cc 2>&1)"; then
  echo "FAIL: the control serialisation/testdata/compile_ok.cc does not compile:"
  echo "$out" | head -40
  exit 1
fi
echo "ok: control compiles"

shopt -s nullglob
sources=(serialisation/testdata/compile_fail/*.cc)
if [[ ${#sources[@]} -eq 0 ]]; then
  echo "FAIL: no sources in serialisation/testdata/compile_fail"
  exit 1
fi
for src in "${sources[@]}"; do
  if out="$("$cxx" "${flags[@]}" "$src" 2>&1)"; then
    echo "FAIL: $src compiled, but must not"
    failures=$((failures + 1))
    continue
  fi
  missing=0
  while IFS= read -r expected; do
    expected="${expected//\$\{BAD_ID\}/$bad_id}"
    if ! grep -qF -- "$expected" <<<"$out"; then
      echo "FAIL: $src: diagnostic lacks: $expected"
      missing=1
    fi
  done < <(sed -n 's|^// EXPECT-ERROR: ||p' "$src")
  if [[ $missing -ne 0 ]]; then
    echo "---- compiler output for $src ----"
    echo "$out" | grep -E "error|required from" | head -20
    failures=$((failures + 1))
  else
    echo "ok: $src"
  fi
done
[[ $failures -eq 0 ]] || { echo "$failures source(s) failed"; exit 1; }
echo "all ${#sources[@]} diagnostics as expected"
