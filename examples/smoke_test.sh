#!/usr/bin/env bash
# Smoke test of an example binary (examples/example.bzl): runs it with a time
# limit and fails unless it exits 0, every --expect pattern (an extended regular
# expression) matches a line of its output (stdout and stderr together) and no
# --reject pattern does.
#
# `--in-order RE1 RE2` expects the first line matching RE1 before the first line
# matching RE2.
#
#   smoke_test.sh [--expect RE]... [--reject RE]... [--in-order RE1 RE2]...
#                 [--stdin FILE] [--limit SECONDS] -- BINARY [ARGS...]
set -euo pipefail

expects=()
rejects=()
orders=()
stdin=/dev/null
limit=60
while [[ $# -gt 0 ]]; do
  case "$1" in
    --expect) expects+=("$2"); shift 2 ;;
    --reject) rejects+=("$2"); shift 2 ;;
    --in-order) orders+=("$2" "$3"); shift 3 ;;
    --stdin) stdin="$2"; shift 2 ;;
    --limit) limit="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "smoke_test.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ $# -eq 0 ]]; then
  echo "smoke_test.sh: no binary given" >&2
  exit 2
fi

out="${TEST_TMPDIR:-$(mktemp -d)}/output.txt"
status=0
timeout --kill-after=5 "${limit}" "$@" <"${stdin}" >"${out}" 2>&1 || status=$?
echo "---- output of $* ----"
cat "${out}"
echo "---- end of output ----"

failed=0
if [[ ${status} -eq 124 || ${status} -eq 137 ]]; then
  echo "FAIL: did not finish within ${limit} s"
  failed=1
elif [[ ${status} -ne 0 ]]; then
  echo "FAIL: exit status ${status}"
  failed=1
fi
for re in "${expects[@]+"${expects[@]}"}"; do
  if ! grep -Eq -- "${re}" "${out}"; then
    echo "FAIL: no output line matches: ${re}"
    failed=1
  fi
done
for re in "${rejects[@]+"${rejects[@]}"}"; do
  if grep -Eq -- "${re}" "${out}"; then
    echo "FAIL: an output line matches the rejected pattern: ${re}"
    grep -E -- "${re}" "${out}" | head -5
    failed=1
  fi
done
for ((i = 0; i < ${#orders[@]}; i += 2)); do
  first=$(grep -Enm1 -- "${orders[i]}" "${out}" | cut -d: -f1 || true)
  second=$(grep -Enm1 -- "${orders[i + 1]}" "${out}" | cut -d: -f1 || true)
  if [[ -z "${first}" || -z "${second}" || "${first}" -ge "${second}" ]]; then
    echo "FAIL: expected a line matching '${orders[i]}' (line ${first:-none}) before one matching" \
      "'${orders[i + 1]}' (line ${second:-none})"
    failed=1
  fi
done
if [[ ${failed} -eq 0 ]]; then
  echo "PASS"
fi
exit "${failed}"
