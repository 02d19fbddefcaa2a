#!/usr/bin/env bash
# Formatting and lint of the tree, as .ci/run checks them:
#   * C++: clang-format (Debian's, .clang-format: Google style, 110 columns) over
#     every tracked .h/.cc outside third_party/ — no file may differ.
#   * Starlark: buildifier (the npm package @bazel/buildifier, installed by
#     tools/install_buildifier.sh) in check mode with lint warnings, over BUILD,
#     .bzl, WORKSPACE and MODULE.bazel. .buildifier.json turns off only the
#     warnings that cannot apply to Bazel 4.2.3 (native sh/cc/proto/java rules that
#     later Bazels moved to rules_shell, rules_cc, ...).
# To fix instead of check: tools/ci/check_format.sh --fix
set -uo pipefail
cd "$(dirname "$0")/../.."
fix=0
[[ "${1:-}" == "--fix" ]] && fix=1
status=0

mapfile -t cc < <(git ls-files '*.h' '*.cc' | grep -v '^third_party/')
if ((fix)); then
  clang-format -i "${cc[@]}"
else
  bad=()
  for f in "${cc[@]}"; do
    clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
  done
  if ((${#bad[@]})); then
    echo "check_format: ${#bad[@]} C++ files are not clang-formatted (tools/ci/check_format.sh --fix):"
    printf '  %s\n' "${bad[@]}"
    status=1
  fi
fi

buildifier=$(tools/install_buildifier.sh) || { echo "check_format: buildifier is not available"; exit 1; }
if ((fix)); then
  "$buildifier" -mode=fix -lint=fix -r .
else
  out=$("$buildifier" -mode=check -lint=warn -r . 2>&1)
  if [[ -n "$out" ]]; then
    echo "check_format: buildifier:"
    echo "$out"
    status=1
  fi
fi
((status == 0)) && echo "check_format: ${#cc[@]} C++ files and every Starlark file are formatted and lint-clean"
exit $status
