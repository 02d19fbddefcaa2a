#!/usr/bin/env bash
# Smoke test of //examples/net:ping_pong with two real processes: starts the pong
# process on port 0, reads its system path from the port file, runs the ping
# process against it and checks both outputs. Every wait is bounded; children are
# killed by their own pid.
#
#   ping_pong_test.sh PING_PONG_BINARY
set -euo pipefail

bin="$1"
dir="${TEST_TMPDIR:-$(mktemp -d)}"
port_file="${dir}/pong.path"
pong_out="${dir}/pong.txt"
ping_out="${dir}/ping.txt"
rm -f "${port_file}"

pong_pid=""
cleanup() {
  if [[ -n "${pong_pid}" ]]; then kill "${pong_pid}" 2>/dev/null || true; fi
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*"
  echo "---- pong output ----"; cat "${pong_out}" 2>/dev/null || true
  echo "---- ping output ----"; cat "${ping_out}" 2>/dev/null || true
  exit 1
}

timeout --kill-after=5 40 "${bin}" pong --port-file "${port_file}" --count 100 >"${pong_out}" 2>&1 &
pong_pid=$!

# Wait (at most 20 s) for the pong process to publish its address.
for _ in $(seq 200); do
  [[ -s "${port_file}" ]] && break
  kill -0 "${pong_pid}" 2>/dev/null || fail "the pong process exited before writing ${port_file}"
  sleep 0.1
done
[[ -s "${port_file}" ]] || fail "no port file after 20 s"
system_path="$(cat "${port_file}")"
[[ "${system_path}" =~ ^tcp://127\.0\.0\.1:[0-9]+$ ]] || fail "unexpected system path '${system_path}'"

status=0
timeout --kill-after=5 40 "${bin}" ping --pong "${system_path}/ponger" --count 100 >"${ping_out}" 2>&1 || status=$?
[[ ${status} -eq 0 ]] || fail "ping exited with status ${status}"

pong_status=0
wait "${pong_pid}" || pong_status=$?
pong_pid=""
[[ ${pong_status} -eq 0 ]] || fail "pong exited with status ${pong_status}"

grep -Eq '^Round trips: 100, mean latency: [0-9.e+-]+ us$' "${ping_out}" || fail "ping did not report 100 round trips"
grep -Eq '^Answered 100 pings$' "${pong_out}" || fail "pong did not answer 100 pings"
grep -Eq "^Ponger registered at ${system_path}/ponger$" "${pong_out}" || fail "pong did not report its path"

echo "---- pong output ----"; cat "${pong_out}"
echo "---- ping output ----"; cat "${ping_out}"
echo "PASS"
