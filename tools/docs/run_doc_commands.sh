#!/usr/bin/env bash
# Runs every command block the README and the tutorial tell a reader to type, as
# written, and fails if any fails: the docs' "try it" commands must work on a fresh
# clone, in the order the chapters give them (docs/README.md). A block is a ```bash
# or ```sh fenced block of README.md or docs/*.md; it runs as one bash script
# (`set -euo pipefail`) from the repository root, with standard input closed unless
# a line redirects it, bounded by a timeout; its output is shown only if it fails.
#
# Usage: tools/docs/run_doc_commands.sh [--list] [--timeout SECONDS] [--skip FILE]...
#   --list     print the blocks with their file and line, run nothing
#   --timeout  per block (default 900)
#   --skip     leave out the blocks of FILE (e.g. docs/api.md), named as skipped
# Exit status: 0 if every block exited 0, 1 otherwise, 2 on a usage error.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

list=0
limit=900
skip=()
while (($#)); do
  case "$1" in
    --list) list=1; shift ;;
    --timeout) limit="$2"; shift 2 ;;
    --skip)
      [[ -f "$2" ]] || { echo "run_doc_commands: --skip $2: no such file" >&2; exit 2; }
      skip+=("$2"); shift 2 ;;
    *) echo "usage: $0 [--list] [--timeout SECONDS] [--skip FILE]..." >&2; exit 2 ;;
  esac
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One script per block: $work/N.sh, and $work/index with "N<TAB>file:line".
python3 - "$work" README.md docs/*.md <<'PY'
import re, sys
work, paths = sys.argv[1], sys.argv[2:]
index, count = [], 0
for path in paths:
    fence = None
    for number, line in enumerate(open(path, encoding="utf-8"), start=1):
        text = line.rstrip("\n")
        match = re.match(r"^(`{3,})(.*)$", text)
        if fence is None and match:
            fence = (match.group(1), match.group(2).strip().split(" ")[0], number, [])
            continue
        if fence is not None and text == fence[0]:
            if fence[1] in ("bash", "sh") and fence[3]:
                count += 1
                with open(f"{work}/{count}.sh", "w", encoding="utf-8") as out:
                    out.write("set -euo pipefail\n" + "".join(fence[3]))
                index.append(f"{count}\t{path}:{fence[2]}")
            fence = None
            continue
        if fence is not None:
            fence[3].append(line)
with open(f"{work}/index", "w", encoding="utf-8") as out:
    out.write("".join(entry + "\n" for entry in index))
PY
count=$(grep -c . "$work/index" || true)

failed=0
skipped=0
start=$SECONDS
while IFS=$'\t' read -r n where; do
  for file in "${skip[@]}"; do
    if [[ ${where%:*} == "$file" ]]; then
      printf 'skip        %s\n' "$where"
      skipped=$((skipped + 1))
      continue 2
    fi
  done
  if ((list)); then
    echo "== $where"
    tail -n +2 "$work/$n.sh"
    continue
  fi
  began=$SECONDS
  if timeout --kill-after=10 "$limit" bash "$work/$n.sh" </dev/null >"$work/$n.log" 2>&1; then
    printf 'ok    %4ds  %s  %s\n' $((SECONDS - began)) "$where" "$(sed -n 2p "$work/$n.sh")"
  else
    rc=$?
    failed=$((failed + 1))
    printf 'FAIL  %4ds  %s  (exit %d)\n' $((SECONDS - began)) "$where" "$rc"
    tail -n +2 "$work/$n.sh" | sed 's/^/      $ /'
    tail -40 "$work/$n.log" | sed 's/^/      | /'
  fi
done <"$work/index"
((list)) && { echo "$count blocks"; exit 0; }
echo "run_doc_commands: $((count - failed - skipped)) of $count command blocks ran as written" \
  "($skipped skipped) in $((SECONDS - start)) s"
((failed == 0))
