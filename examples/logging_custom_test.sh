#!/usr/bin/env bash
# Smoke test of logging_custom: runs it with a log file in the test's temporary
# directory and checks what its custom sink wrote there.
set -euo pipefail
binary="$1"
log="${TEST_TMPDIR}/kompact.log"
out="${TEST_TMPDIR}/output.txt"
timeout --kill-after=5 60 "${binary}" "${log}" >"${out}" 2>&1 || {
  cat "${out}"
  echo "FAIL: exit status $?"
  exit 1
}
cat "${out}"
echo "---- ${log} (first and last lines) ----"
head -8 "${log}"
echo "..."
tail -3 "${log}"
failed=0
for re in \
    '^[0-9-]+ [0-9:.]+ TRACE \[system=kompact-runtime-[0-9]+\] You will only see this with log-level "trace"' \
    '^[0-9-]+ [0-9:.]+ ERROR \[system=kompact-runtime-[0-9]+\] You will always see this \(logging_custom\.cc:[0-9]+\)$' \
    ' INFO .* Logging number 0\. ' \
    ' INFO .* Logging number 2047\. '; do
  if ! grep -Eq -- "${re}" "${log}"; then
    echo "FAIL: no line of the log file matches: ${re}"
    failed=1
  fi
done
numbered=$(grep -c 'Logging number' "${log}")
if [[ "${numbered}" -ne 2048 ]]; then
  echo "FAIL: ${numbered} 'Logging number' lines, expected 2048"
  failed=1
fi
# The example reports how many records its sink wrote: every one is a line.
reported=$(sed -nE 's/^Wrote ([0-9]+) log lines to .*/\1/p' "${out}")
lines=$(wc -l <"${log}")
if [[ "${reported}" != "${lines}" ]]; then
  echo "FAIL: the example reports '${reported}' lines, the file has ${lines}"
  failed=1
fi
if [[ ${failed} -eq 0 ]]; then
  echo PASS
fi
exit "${failed}"
