#!/usr/bin/env bash
# Checks the package dependency DAG of ARCHITECTURE.md:
#   base <- executors, timer, serialisation <- runtime <- routing <- net
# Production (non-testonly) targets of a package may depend only on packages below
# it. testing/, bench/, examples/ and tools/ may depend on anything.
# Only //net/tls and //testing/tls may depend on @openssl (directly).
#
# usage: tools/ci/check_dag.sh   (from the workspace root; uses tools/bazel query)
set -uo pipefail
cd "$(dirname "$0")/../.."

# package -> packages its production targets must not reach
declare -A FORBIDDEN=(
  [base]="executors timer serialisation runtime routing net testing"
  [executors]="timer serialisation runtime routing net testing"
  [timer]="executors serialisation runtime routing net testing"
  [serialisation]="executors timer runtime routing net testing"
  [runtime]="routing net testing"
  [routing]="net testing"
  [net]="testing"
)

failed=0
for pkg in base executors timer serialisation runtime routing net; do
  [[ -f "$pkg/BUILD.bazel" ]] || continue
  forbidden=""
  for f in ${FORBIDDEN[$pkg]}; do
    [[ -f "$f/BUILD.bazel" ]] && forbidden+="${forbidden:+ + }//$f/..."
  done
  [[ -n "$forbidden" ]] || continue
  query="kind('cc_.* rule', deps(attr('testonly', '0', kind('cc_.* rule', //$pkg/...)))) intersect ($forbidden)"
  if ! out=$(tools/bazel query --noshow_progress --output=label "$query" 2>/tmp/check_dag.$$.err); then
    cat /tmp/check_dag.$$.err >&2
    echo "check_dag: query for //$pkg failed:" >&2
    echo "$out" >&2
    failed=1
    continue
  fi
  if [[ -n "$out" ]]; then
    echo "check_dag: //$pkg production targets reach packages above them:" >&2
    echo "$out" | sed 's/^/  /' >&2
    echo "  (why: tools/bazel query 'somepath(//$pkg/..., <label>)')" >&2
    failed=1
  else
    echo "check_dag: //$pkg ok"
  fi
done
# OpenSSL (@openssl) is reached only through //net/tls (and the test PKI in
# //testing/tls): every other package sees TLS through net/transport.h's Stream.
allowed="@openssl//:all"
for d in net/tls testing/tls; do [[ -f "$d/BUILD.bazel" ]] && allowed+=" + //$d/..."; done
query="rdeps(//..., @openssl//:all, 1) except ($allowed)"
if ! out=$(tools/bazel query --noshow_progress --output=label "$query" 2>/tmp/check_dag.$$.err); then
  cat /tmp/check_dag.$$.err >&2
  echo "check_dag: query for @openssl users failed" >&2
  failed=1
elif [[ -n "$out" ]]; then
  echo "check_dag: only //net/tls and //testing/tls may depend on @openssl; these do:" >&2
  echo "$out" | sed 's/^/  /' >&2
  failed=1
else
  echo "check_dag: @openssl ok (only //net/tls, //testing/tls)"
fi
rm -f /tmp/check_dag.$$.err
exit "$failed"
