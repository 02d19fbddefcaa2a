#!/usr/bin/env python3
"""Keeps the tutorial in docs/ true to compiled code (FEATURES.md D1).

Checks, for the markdown files given:
  * Every fenced code block whose info string names a source, e.g.
        ```cpp examples/helloworld.cc:component
    is byte for byte the region `component` of examples/helloworld.cc: the lines
    between `// [tutorial:component]` and its `// [end]` (marker lines of nested
    regions left out). A region may come in several pieces with the same name;
    they are joined by an elision line `// ...`, indented like the piece that
    follows it. Without `:name` the block is the whole file.
  * Every ```cpp block names a source (no uncompiled C++ in the docs).
  * Every region in the --sources files is quoted somewhere.
  * The text between `<!-- BEGIN GENERATED: NAME -->` and `<!-- END GENERATED -->`
    is what generates NAME: `--generated-by NAME=BINARY` (what BINARY prints),
    `--generated NAME=FILE` (what FILE holds), or, for NAME `build-configs`, the table of
    the `build:NAME` configs of the --bazelrc files with the comment above each.
  * Relative links to other files point at files that exist.

Paths are relative to the working directory (the workspace root; under
`bazel test` the runfiles root). With --update the docs are rewritten with the
current code instead of checked (`tools/bazel run //docs:update`).
"""

import argparse
import difflib
import os
import re
import subprocess
import sys

MARKER_BEGIN = re.compile(r"^\s*// \[tutorial:([A-Za-z0-9_-]+)\]\s*$")
MARKER_END = re.compile(r"^\s*// \[end\]\s*$")
FENCE = re.compile(r"^(`{3,})(.*)$")
REFERENCE = re.compile(r"^(\S+)\s+(\S+?)(?::([A-Za-z0-9_-]+))?\s*$")
GENERATED_BEGIN = re.compile(r"^<!-- BEGIN GENERATED: ([a-z0-9-]+) -->$")
GENERATED_END = "<!-- END GENERATED -->"
LINK = re.compile(r"\]\(([^)#\s]+)(#[^)]*)?\)")


class Failure(Exception):
    pass


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def regions_of(path):
    """Maps each region name of `path` to its text (pieces joined by elisions)."""
    pieces = {}  # name -> list of lists of lines
    open_regions = []  # stack of (name, lines)
    for number, line in enumerate(read(path).splitlines(keepends=True), start=1):
        begin = MARKER_BEGIN.match(line)
        if begin:
            open_regions.append((begin.group(1), []))
            continue
        if MARKER_END.match(line):
            if not open_regions:
                raise Failure(f"{path}:{number}: `// [end]` without an open region")
            name, lines = open_regions.pop()
            pieces.setdefault(name, []).append(lines)
            continue
        for _, lines in open_regions:
            lines.append(line)
    if open_regions:
        raise Failure(f"{path}: region '{open_regions[-1][0]}' is never closed")
    regions = {}
    for name, parts in pieces.items():
        text = ""
        for i, part in enumerate(parts):
            if not part:
                raise Failure(f"{path}: region '{name}' has an empty piece")
            if i > 0:
                indent = re.match(r"\s*", part[0]).group(0)
                text += f"{indent}// ...\n"
            text += "".join(part)
        regions[name] = text
    return regions


class Docs:
    def __init__(self, update):
        self.update = update
        self.errors = []
        self.quoted = set()  # (path, region)
        self.cache = {}
        self.generated_used = set()
        self.links = {}  # markdown file -> the markdown files it links to (normalised paths)

    def snippet(self, path, region):
        if region is None:
            return read(path)
        if path not in self.cache:
            self.cache[path] = regions_of(path)
        regions = self.cache[path]
        if region not in regions:
            raise Failure(f"{path} has no region '{region}' (it has: {', '.join(sorted(regions))})")
        self.quoted.add((path, region))
        return regions[region]

    def check_file(self, md, generated):
        lines = read(md).splitlines(keepends=True)
        out = []
        i = 0
        while i < len(lines):
            line = lines[i]
            fence = FENCE.match(line.rstrip("\n"))
            begin = GENERATED_BEGIN.match(line.strip())
            if begin:
                name = begin.group(1)
                end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == GENERATED_END), None)
                if end is None:
                    raise Failure(f"{md}:{i + 1}: generated section '{name}' without {GENERATED_END}")
                if name not in generated:
                    raise Failure(f"{md}:{i + 1}: generated section '{name}', but nothing generates it "
                                  f"(known: {', '.join(sorted(generated)) or 'none'})")
                self.compare(f"{md}:{i + 1} (generated {name})", "".join(lines[i + 1:end]), generated[name])
                self.generated_used.add(name)
                out += [line, generated[name], lines[end]]
                i = end + 1
                continue
            if not fence:
                self.check_links(md, i + 1, line)
                out.append(line)
                i += 1
                continue
            # An opening fence: the block ends at a fence of the same length.
            ticks = fence.group(1)
            end = next((j for j in range(i + 1, len(lines)) if lines[j].rstrip("\n") == ticks), None)
            if end is None:
                raise Failure(f"{md}:{i + 1}: code block is never closed")
            info = fence.group(2).strip()
            body = "".join(lines[i + 1:end])
            ref = REFERENCE.match(info)
            language = info.split()[0] if info else ""
            if ref:
                try:
                    expected = self.snippet(ref.group(2), ref.group(3))
                except (Failure, OSError) as e:
                    self.errors.append(f"{md}:{i + 1}: {e}")
                    expected = body
                self.compare(f"{md}:{i + 1} ({info})", body, expected)
                body = expected
            elif language in ("cpp", "c++", "cc"):
                self.errors.append(f"{md}:{i + 1}: a ```{language} block must name the source it quotes "
                                   "(```cpp path/file.cc:region)")
            out += [line, body, lines[end]]
            i = end + 1
        if self.update:
            text = "".join(out)
            if text != read(md):
                with open(md, "w", encoding="utf-8") as f:
                    f.write(text)
                print(f"updated {md}")

    def compare(self, where, actual, expected):
        if actual == expected:
            return
        if self.update:
            return
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                            "compiled code", "docs"))
        self.errors.append(f"{where}: differs from the compiled code:\n{diff}")

    def check_links(self, md, number, line):
        """Checks the relative links of one line and records those to markdown files."""
        targets = self.links.setdefault(os.path.normpath(md), set())
        for match in LINK.finditer(line):
            target = match.group(1)
            if "://" in target or target.startswith("mailto:"):
                continue
            path = os.path.normpath(os.path.join(os.path.dirname(md), target))
            if not os.path.exists(path):
                self.errors.append(f"{md}:{number}: broken link to {target}")
            elif path.endswith(".md"):
                targets.add(path)

    def unreachable_chapters(self, index="docs/README.md"):
        """The chapters under docs/ among the checked files that no chain of
        relative links from `index` reaches (a chapter nobody can find)."""
        index = os.path.normpath(index)
        if index not in self.links:
            return []
        seen, todo = set(), [index]
        while todo:
            md = todo.pop()
            if md not in seen:
                seen.add(md)
                todo.extend(self.links.get(md, ()))
        return sorted(md for md in self.links if md.startswith("docs" + os.sep) and md not in seen)


def bazelrc_configs_table(paths):
    """The markdown table of the `build:NAME` configs in the bazelrc files `paths`.

    A config's meaning is the comment block right above its first line (a
    `# ----` section rule is not part of it); its options are all of its
    `build:NAME` lines, in order.
    """
    configs = {}  # name -> [meaning, options]
    for path in paths:
        comment = []
        for line in read(path).splitlines():
            stripped = line.strip()
            if stripped.startswith("#"):
                text = stripped.lstrip("#").strip()
                if text.startswith("----"):
                    comment = []
                else:
                    comment.append(text)
                continue
            match = re.match(r"^build:([A-Za-z0-9_-]+)\s+(.*)$", stripped)
            if match:
                name, options = match.groups()
                if name not in configs:
                    meaning = " ".join(t for t in comment if t)
                    if not meaning:
                        raise Failure(f"{path}: config '{name}' has no comment saying what it does")
                    configs[name] = [meaning, []]
                configs[name][1].append(options)
            comment = []
    rows = ["| Config | Meaning | Sets |", "|---|---|---|"]
    for name, (meaning, options) in configs.items():
        sets = " ".join(f"`{o}`" for line in options for o in line.split())
        rows.append(f"| `--config={name}` | {meaning.replace('|', chr(92) + '|')} | {sets.replace('|', chr(92) + '|')} |")
    return "\n".join(rows) + "\n"


def generated_text(spec, run):
    """NAME=PATH: the text the binary PATH prints (run) or the file PATH holds."""
    name, sep, path = spec.partition("=")
    if not sep:
        raise Failure(f"{spec}: expected NAME=PATH")
    if run:
        return name, subprocess.run([path], check=True, capture_output=True, text=True).stdout
    return name, read(path)


def all_generated(args):
    """Maps each generated section's name to its text, from --generated(-by)."""
    generated = dict(generated_text(spec, False) for spec in args.generated)
    generated.update(generated_text(spec, True) for spec in args.generated_by)
    return generated


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("markdown", nargs="+", help="markdown files to check")
    parser.add_argument("--sources", nargs="*", default=[], help="source files whose regions must all be quoted")
    parser.add_argument("--generated", action="append", default=[],
                        help="NAME=FILE: the generated section NAME is what FILE holds")
    parser.add_argument("--generated-by", action="append", default=[],
                        help="NAME=BINARY: the generated section NAME is what BINARY prints")
    parser.add_argument("--bazelrc", nargs="*", default=[], help="bazelrc files for the build-configs section")
    parser.add_argument("--update", action="store_true", help="rewrite the docs instead of checking them")
    args = parser.parse_args()
    if args.update and "BUILD_WORKSPACE_DIRECTORY" in os.environ:
        # `bazel run`: resolve the generators in the runfiles, then edit the real tree.
        generated = all_generated(args)
        os.chdir(os.environ["BUILD_WORKSPACE_DIRECTORY"])
    else:
        generated = all_generated(args)
    if args.bazelrc:
        generated["build-configs"] = bazelrc_configs_table(args.bazelrc)

    docs = Docs(args.update)
    try:
        for md in args.markdown:
            docs.check_file(md, generated)
        for source in args.sources:
            for region in sorted(regions_of(source)):
                if (source, region) not in docs.quoted:
                    docs.errors.append(f"{source}: region '{region}' is not quoted in the docs")
        for md in docs.unreachable_chapters():
            docs.errors.append(f"{md}: no link from docs/README.md reaches this chapter")
        for name in sorted(set(generated) - docs.generated_used):
            docs.errors.append(f"generated section '{name}' appears in no markdown file")
    except Failure as e:
        docs.errors.append(str(e))

    if docs.errors:
        print("\n".join(docs.errors))
        print(f"\n{len(docs.errors)} problem(s). `tools/bazel run //docs:update` rewrites the quotes "
              "from the code.")
        return 1
    if not args.update:
        print(f"OK: {len(args.markdown)} markdown files, {len(docs.quoted)} quoted regions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
