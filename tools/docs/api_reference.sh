#!/usr/bin/env bash
# Builds the API reference (Doxygen over the public headers; tools/docs/Doxyfile)
# into a browsable HTML tree, and fails if Doxygen printed any warning: every
# public class and function must be documented.
#
# Usage (from anywhere in the repository):
#   tools/docs/api_reference.sh [--out DIR] [DIR_OR_HEADER ...]
#     --out DIR   where the tree goes (default: api-reference/ at the root;
#                 open DIR/html/index.html)
#     DIR_OR_HEADER  only these inputs (default: every public header), e.g. `net`
# Exit status: 0 with no warning, 1 with warnings (listed, file:line: text), 2 on
# a usage or tool error.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

out="$root/api-reference"
inputs=()
while (($#)); do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) inputs+=("$1"); shift ;;
  esac
done
command -v doxygen >/dev/null || { echo "api_reference: doxygen is missing (tools/install_deps.sh installs it)" >&2; exit 2; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"
rm -rf "$out/html" "$out/warnings.txt"

config=$(cat tools/docs/Doxyfile)
if ((${#inputs[@]})); then
  config+=$'\n'"INPUT = ${inputs[*]}"
fi
start=$(date +%s)
KOMPACT_API_OUT="$out" doxygen - <<<"$config" >"$out/doxygen.log" 2>&1 || {
  echo "api_reference: doxygen failed (log: $out/doxygen.log)" >&2; tail -5 "$out/doxygen.log" >&2; exit 2; }
count=$(grep -c . "$out/warnings.txt" || true)
echo "api_reference: $out/html/index.html in $(( $(date +%s) - start )) s, $count warning(s)"
if ((count)); then
  sed "s|^$root/||" "$out/warnings.txt"
  exit 1
fi
