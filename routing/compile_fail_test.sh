#!/usr/bin/env bash
# Compile-time checks of path-addressed delivery: every routing/testdata/compile_fail
# source must FAIL to compile with each of its "// EXPECT-ERROR: <text>" lines in the
# compiler's output, and routing/testdata/compile_ok.cc must compile.
#
# Usage (from Bazel): compile_fail_test.sh <c++ compiler>
set -uo pipefail

cxx="$1"
root="$(pwd)"
flags=(-x c++ -std=c++20 -fsyntax-only -fno-diagnostics-color -I "$root")

if ! out="$("$cxx" "${flags[@]}" routing/testdata/compile_ok.cc 2>&1)"; then
  echo "FAIL: the control routing/testdata/compile_ok.cc does not compile:"
  echo "$out" | head -40
  exit 1
fi
echo "ok: control compiles"

failures=0
shopt -s nullglob
for src in routing/testdata/compile_fail/*.cc; do
  if out="$("$cxx" "${flags[@]}" "$src" 2>&1)"; then
    echo "FAIL: $src compiled, but must not"
    failures=$((failures + 1))
    continue
  fi
  missing=0
  while IFS= read -r expected; do
    if ! grep -qF -- "$expected" <<<"$out"; then
      echo "FAIL: $src: diagnostic lacks: $expected"
      missing=1
    fi
  done < <(sed -n 's|^// EXPECT-ERROR: ||p' "$src")
  if [[ $missing -ne 0 ]]; then
    echo "$out" | grep -E "error" | head -10
    failures=$((failures + 1))
  else
    echo "ok: $src"
  fi
done
exit $((failures > 0))
