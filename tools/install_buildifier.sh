#!/usr/bin/env bash
# Installs buildifier (the npm package @bazel/buildifier, which carries the
# binaries) into the user's cache if it is not there, and prints its path. The
# version is pinned; npm is the only registry needed.
set -euo pipefail
version=8.2.1
dir="${XDG_CACHE_HOME:-$HOME/.cache}/kompact-tools/buildifier-$version"
bin="$dir/node_modules/@bazel/buildifier/buildifier-linux_amd64"
case "$(uname -m)" in
  aarch64) bin="$dir/node_modules/@bazel/buildifier/buildifier-linux_arm64" ;;
esac
if [[ ! -x "$bin" ]]; then
  command -v npm >/dev/null || { echo "install_buildifier: npm is needed (Debian: apt-get install npm)" >&2; exit 1; }
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --silent "@bazel/buildifier@$version" >&2
  chmod +x "$bin"
fi
echo "$bin"
