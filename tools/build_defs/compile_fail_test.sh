#!/usr/bin/env bash
# Checks compile-time diagnostics: <dir>/compile_ok.cc (the control, same headers)
# must compile, and every <dir>/compile_fail/*.cc must FAIL to compile with each of
# its "// EXPECT-ERROR: <text>" lines found in the compiler's output.
#
# Usage (from a Bazel sh_test, run in the runfiles tree so that workspace-relative
# includes work):
#   compile_fail_test.sh <c++ compiler> <testdata dir> [-DNAME=VALUE ...]
# Each -DNAME=VALUE is passed to the compiler, and ${NAME} in an expectation reads
# VALUE (e.g. an out-of-range id chosen for the configured build).
set -uo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 <c++ compiler> <testdata dir> [-DNAME=VALUE ...]"
  exit 2
fi
cxx="$1"
dir="$2"
shift 2
defines=("$@")
flags=(-x c++ -std=c++20 -fsyntax-only -fno-diagnostics-color -ftemplate-backtrace-limit=0
       -I "$(pwd)" "${defines[@]}")
echo "compiler: $cxx; sources: $dir; defines: ${defines[*]:-none}"

# Expands ${NAME} for every -DNAME=VALUE.
expand() {
  local text="$1" d name value
  for d in "${defines[@]}"; do
    [[ "$d" == -D*=* ]] || continue
    name="${d#-D}"
    name="${name%%=*}"
    value="${d#*=}"
    text="${text//\$\{$name\}/$value}"
  done
  printf '%s' "$text"
}

if ! out="$("$cxx" "${flags[@]}" "$dir/compile_ok.cc" 2>&1)"; then
  echo "FAIL: the control $dir/compile_ok.cc does not compile:"
  echo "$out" | head -40
  exit 1
fi
echo "ok: control compiles"

shopt -s nullglob
sources=("$dir"/compile_fail/*.cc)
if [[ ${#sources[@]} -eq 0 ]]; then
  echo "FAIL: no sources in $dir/compile_fail"
  exit 1
fi
failures=0
for src in "${sources[@]}"; do
  if out="$("$cxx" "${flags[@]}" "$src" 2>&1)"; then
    echo "FAIL: $src compiled, but must not"
    failures=$((failures + 1))
    continue
  fi
  missing=0
  expectations=0
  while IFS= read -r expected; do
    expectations=$((expectations + 1))
    expected="$(expand "$expected")"
    if ! grep -qF -- "$expected" <<<"$out"; then
      echo "FAIL: $src: diagnostic lacks: $expected"
      missing=1
    fi
  done < <(sed -n 's|^// EXPECT-ERROR: ||p' "$src")
  if [[ $expectations -eq 0 ]]; then
    echo "FAIL: $src has no // EXPECT-ERROR: line (any error would pass)"
    missing=1
  fi
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
