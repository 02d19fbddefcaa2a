#!/usr/bin/env bash
# Installs, idempotently, everything the build needs from Debian's archive:
# Bazel 4.2.3 (bazel-bootstrap), Bazel's rule repositories, and the C++ libraries
# that third_party/system_libraries.bzl exposes to Bazel. Offline except for the
# Debian mirror. ~15 s on a fresh machine, ~0.1 s when everything is present.
#
# Usage: tools/install_deps.sh [--quiet]
set -euo pipefail

PKGS=(
  bazel-bootstrap                        # /usr/bin/bazel-4 (Bazel 4.2.3), JDK, build-essential
  bazel-rules-java bazel-rules-proto     # @rules_java (needed even for C++), @rules_proto
  bazel-skylib                           # @bazel_skylib: string_flag, bool_flag, selects
  pkg-config                             # tools/build_defs/system_cc_repository.bzl
  libabsl-dev
  libprotobuf-dev protobuf-compiler
  libgrpc++-dev protobuf-compiler-grpc   # grpc_cpp_plugin
  libgtest-dev libgmock-dev
  libbenchmark-dev
  libgoogle-glog-dev libgflags-dev
  libtomlplusplus-dev                    # configuration files (base/config)
  libssl-dev openssl                     # TLS for the TCP transport (net/tls, @openssl)
  libcaf-dev                             # C++ Actor Framework: the peer in bench/peers/caf
  python3                                # tools/ci/*.py
  iproute2                               # ip netns / veth for //net:multi_host_test
  doxygen                                # the API reference (tools/docs/api_reference.sh)
)

quiet=0
[[ "${1:-}" == "--quiet" ]] && quiet=1

# One dpkg-query call for all packages keeps the already-installed path fast.
missing=()
while read -r pkg status; do
  [[ "$status" == "installed" ]] || missing+=("$pkg")
done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PKGS[@]}" 2>/dev/null || true)
# dpkg-query prints nothing for packages it has never heard of.
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${db:Status-Status}' "$p" >/dev/null 2>&1 || missing+=("$p")
done

if ((${#missing[@]})); then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  echo "tools/install_deps.sh: installing ${missing[*]}" >&2
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "tools/install_deps.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    SUDO=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt_install() { "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2; }
  apt_install || { "${SUDO[@]}" apt-get update -qq >&2 && apt_install; }
fi
# buildifier (Starlark formatting and lint, tools/ci/check_format.sh) comes from
# npm, not apt; without it the build still works, only the format check cannot run.
"$(dirname "${BASH_SOURCE[0]}")/install_buildifier.sh" >/dev/null ||
  echo "tools/install_deps.sh: warning: could not install buildifier from npm" >&2
((quiet)) || echo "tools/install_deps.sh: all build dependencies present" >&2
