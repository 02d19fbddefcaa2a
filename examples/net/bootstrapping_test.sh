#!/usr/bin/env bash
# Smoke test of //examples/net:bootstrapping with four real processes: a server on
# port 0 (its address comes back through a port file) and three clients. Checks
# that every client learnt all three clients' paths (each prints its own) and that
# everyone exits 0. Every wait is bounded; children are killed by their own pid.
#
#   bootstrapping_test.sh BOOTSTRAPPING_BINARY
set -euo pipefail

bin="$1"
dir="${TEST_TMPDIR:-$(mktemp -d)}"
port_file="${dir}/server.path"
rm -f "${port_file}"

pids=()
cleanup() {
  for pid in "${pids[@]+"${pids[@]}"}"; do kill "${pid}" 2>/dev/null || true; done
}
trap cleanup EXIT

dump() {
  for f in "${dir}"/server.txt "${dir}"/client-*.txt; do
    echo "---- ${f##*/} ----"
    cat "${f}" 2>/dev/null || true
  done
}
fail() {
  echo "FAIL: $*"
  dump
  exit 1
}

timeout --kill-after=5 40 "${bin}" server --port-file "${port_file}" --clients 3 >"${dir}/server.txt" 2>&1 &
server_pid=$!
pids+=("${server_pid}")

for _ in $(seq 200); do
  [[ -s "${port_file}" ]] && break
  kill -0 "${server_pid}" 2>/dev/null || fail "the server exited before writing ${port_file}"
  sleep 0.1
done
[[ -s "${port_file}" ]] || fail "no port file after 20 s"
system_path="$(cat "${port_file}")"

client_pids=()
for i in 1 2 3; do
  timeout --kill-after=5 40 "${bin}" client --server "${system_path}/bootstrap" --expect 3 \
    >"${dir}/client-${i}.txt" 2>&1 &
  client_pids+=("$!")
  pids+=("$!")
done

for i in 0 1 2; do
  status=0
  wait "${client_pids[i]}" || status=$?
  [[ ${status} -eq 0 ]] || fail "client $((i + 1)) exited with status ${status}"
done
status=0
wait "${server_pid}" || status=$?
[[ ${status} -eq 0 ]] || fail "the server exited with status ${status}"
pids=()

# Each client's own (unique) path.
mine=()
for i in 1 2 3; do
  path="$(sed -n 's/^Client at \(tcp:\/\/127\.0\.0\.1:[0-9]*#[0-9a-f-]*\)$/\1/p' "${dir}/client-${i}.txt")"
  [[ -n "${path}" ]] || fail "client ${i} did not print its path"
  mine+=("${path}")
done
# Every client learnt all three.
for i in 1 2 3; do
  learnt="$(grep -E '^Client learnt 3 processes: ' "${dir}/client-${i}.txt" | tail -1)"
  [[ -n "${learnt}" ]] || fail "client ${i} never learnt 3 processes"
  for path in "${mine[@]}"; do
    [[ " ${learnt#*: } " == *" ${path} "* ]] || fail "client ${i} did not learn ${path}"
  done
done
grep -q '^Server: all 3 clients checked in$' "${dir}/server.txt" || fail "the server did not see 3 clients"

dump
echo "PASS"
