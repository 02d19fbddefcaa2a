#!/usr/bin/env python3
"""Doxygen INPUT_FILTER: reads a header's plain `//` comments as documentation.

The headers of kompact-cpp are commented in the Google style (`//` above a
declaration, a file comment above the include guard). Doxygen only reads `///`,
`//!` and `/** */`, so this filter rewrites, line for line (line numbers stay
as they are, so every warning points at the real line):

  * the comment block before the include guard   -> `/// \\file <path> ...`
  * a whole-line `//` comment outside function bodies -> `///`
  * `decl;  // text` and `kValue,  // text`     -> `///<` (a member's trailing doc)

Comments inside function bodies, `// namespace ...` closers, `#endif  // GUARD`,
`// NOLINT` and the tutorial markers `// [tutorial:...]` / `// [end]` stay plain.

Usage (Doxyfile): INPUT_FILTER = "python3 tools/docs/doxygen_filter.py"
The filter prints the rewritten file on stdout.
"""

import re
import sys

_WHOLE_LINE = re.compile(r"^(\s*)//(?![/!])(.*)$")
_TRAILING = re.compile(r"^(.*?[;,])(\s*)//(?![/!<])(.*)$")
_KEEP_PLAIN = re.compile(r"^\s*//\s*(\[tutorial:|\[end\]|NOLINT|clang-format|namespace\b)")


def _strip_strings(line):
    """The line without string and character literals (for brace counting)."""
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    return re.sub(r"'(\\.|[^'\\])*'", "''", line)


def _code_part(line):
    """The line without its `//` comment."""
    stripped = _strip_strings(line)
    index = stripped.find("//")
    return stripped if index < 0 else stripped[:index]


_SCOPE_HEAD = re.compile(r"\b(namespace|class|struct|union|enum)\b[^;()=]*$")
_FUNCTION_HEAD = re.compile(
    r"(\)|\bconst|\bnoexcept|\boverride|\bfinal|->\s*[\w:<>,\s*&]+|\btry)\s*$")
_INIT_LIST_ITEM = re.compile(r"^\s*(:|,)\s*[\w:<>]+\s*[({].*[)}]\s*,?\s*$")


def rewrite(path, lines):
    """Yields the filtered lines of the file at `path`."""
    seen_code = False
    file_comment_open = False
    depth = 0
    body_depths = []  # brace depths at which function bodies opened
    previous_code = ""  # the code of the last line that had some
    for line in lines:
        text = line.rstrip("\n")
        whole = _WHOLE_LINE.match(text)
        if not seen_code and whole:
            body = whole.group(2)
            if not file_comment_open:
                file_comment_open = True
                text = "/// \\file %s%s" % (path, body)
            else:
                text = "///" + body
            yield text + "\n"
            continue
        if text.strip() and not whole:
            seen_code = True
        in_body = bool(body_depths)
        if whole and not in_body and not _KEEP_PLAIN.match(text):
            text = whole.group(1) + "///" + whole.group(2)
        elif not whole and not in_body and not text.lstrip().startswith("#"):
            trailing = _TRAILING.match(text)
            if trailing:
                text = trailing.group(1) + trailing.group(2) + "///<" + trailing.group(3)
        code = _code_part(line)
        for index, char in enumerate(code):
            if char == "{":
                head = code[:index]
                if not head.strip():
                    head = previous_code
                if not body_depths and not _SCOPE_HEAD.search(head) and (
                        _FUNCTION_HEAD.search(head) or _INIT_LIST_ITEM.match(head)):
                    body_depths.append(depth)
                depth += 1
            elif char == "}":
                depth -= 1
                if body_depths and body_depths[-1] == depth:
                    body_depths.pop()
        if code.strip():
            previous_code = code.rstrip()
        yield text + "\n"


def main():
    path = sys.argv[1]
    with open(path, encoding="utf-8") as source:
        lines = source.readlines()
    shown = path[2:] if path.startswith("./") else path
    for out in rewrite(shown, lines):
        sys.stdout.write(out)


if __name__ == "__main__":
    main()
