#!/usr/bin/env bash
# Smoke test of //examples/net:secure_cluster: makes throw-away certificates with
# examples/net/make_demo_certs.sh in the test's temp dir, runs the example (bounded)
# and checks that node-b got in with its verified identity over TLS 1.3, that its
# entry reached the ledger, and that the intruder (no TLS) and node-c (not on the
# allow-list) were refused with their reasons; nothing from them reached the ledger.
#
#   secure_cluster_test.sh SECURE_CLUSTER_BINARY MAKE_DEMO_CERTS_SCRIPT
set -euo pipefail

bin="$1"
make_certs="$2"
dir="${TEST_TMPDIR:-$(mktemp -d)}"
out="${dir}/secure_cluster.txt"

fail() {
  echo "FAIL: $*"
  echo "---- output ----"; cat "${out}" 2>/dev/null || true
  exit 1
}

bash "${make_certs}" "${dir}/certs" >/dev/null || fail "make_demo_certs.sh failed"
status=0
timeout --kill-after=5 60 "${bin}" --certs "${dir}/certs" >"${out}" 2>&1 || status=$?
[[ ${status} -eq 0 ]] || fail "secure_cluster exited with status ${status}"

expect() { grep -Eq "$1" "${out}" || fail "no line matches: $1"; }
expect '^node-a: ledger at tcp://127\.0\.0\.1:[0-9]+/ledger$'
expect '^node-a: established with tcp://127\.0\.0\.1:[0-9]+ \[.*CN=node-b.*\] over TLSv1\.3'
expect '^node-a: ledger got "entry from node-b" from CN=node-b$'
expect '^node-a: refused a connection from 127\.0\.0\.1:[0-9]+: not-tls$'
expect '^node-a: refused a connection from 127\.0\.0\.1:[0-9]+: identity-not-allowed$'
expect '^Done$'
if grep -Eq 'ledger got "entry from (the intruder|node-c)"' "${out}"; then
  fail "a refused system's entry reached the ledger"
fi
echo "---- output ----"; cat "${out}"
echo "PASS"
