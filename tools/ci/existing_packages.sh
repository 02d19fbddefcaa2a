#!/usr/bin/env bash
# Prints //pkg/... for each named top-level package that has a BUILD.bazel, so CI
# phases can name packages that later issues create.
cd "$(dirname "$0")/../.."
for pkg in "$@"; do
  [[ -f "$pkg/BUILD.bazel" ]] && printf '//%s/... ' "$pkg"
done
echo
