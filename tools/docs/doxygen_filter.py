#!/usr/bin/env python3
"""Doxygen INPUT_FILTER: reads a header's plain `//` comments as documentation.

The headers of kompact-cpp are commented in the Google style (`//` above a
declaration, a file comment above the include guard). Doxygen only reads `///`,
`//!` and `/** */`, so this filter rewrites, line for line (line numbers stay
as they are, so every warning points at the real line):

  * the comment block before the include guard   -> `/// ... \\file`
  * a whole-line `//` comment outside function bodies -> `///`
  * `decl;  // text` and `kValue,  // text`     -> `///<` (a member's trailing doc)
  * a comment directly above a run of declarations (no blank line, no comment
    between them) documents each of them when they are overloads of one name,
    or constructors and assignments (`// Copyable.` above a copy constructor and
    its assignment), or when the comment ends with a colon (`// Fixed-width
    integers, big-endian:` above GetU8 ... GetI64): the run becomes a Doxygen
    member group (`/**@{*/` ... `/**@}*/`, with DISTRIBUTE_GROUP_DOC). Any other
    declaration below a commented one stays undocumented, as the reader sees it.
  * a code example in a comment (indented two or more spaces, after a blank
    comment line)                                 -> indented as a Markdown code block

Comments inside function bodies, `// namespace ...` closers, `#endif  // GUARD`,
`// NOLINT` (whole-line or trailing), `// ---- section ----` banners and the
tutorial markers `// [tutorial:...]` / `// [end]` stay plain.

Usage (Doxyfile): INPUT_FILTER = "python3 tools/docs/doxygen_filter.py"
The filter prints the rewritten file on stdout.
"""

import re
import sys

_WHOLE_LINE = re.compile(r"^(\s*)//(?![/!])(.*)$")
_TRAILING = re.compile(r"^(.*?[;,])(\s*)//(?![/!<])(.*)$")
_KEEP_PLAIN = re.compile(
    r"^\s*//\s*(\[tutorial:|\[end\]|NOLINT|clang-format|namespace\b|-{3,}|={3,})")


def _blank(match):
    literal = match.group(0)
    return literal[0] + " " * (len(literal) - 2) + literal[-1]


def _strip_strings(line):
    """The line with the insides of string and character literals blanked (for
    brace counting); every other character stays where it was."""
    line = re.sub(r'"(\\.|[^"\\])*"', _blank, line)
    return re.sub(r"'(\\.|[^'\\])*'", _blank, line)


def _comment_index(text):
    """Where the line's `//` comment starts (len(text) if none), outside literals."""
    index = _strip_strings(text).find("//")
    return len(text) if index < 0 else index


def _code_part(line):
    """The line without its `//` comment, literals blanked."""
    stripped = _strip_strings(line)
    index = stripped.find("//")
    return stripped if index < 0 else stripped[:index]


_SCOPE_HEAD = re.compile(r"\b(namespace|class|struct|union|enum)\b[^;()=]*$")
_FUNCTION_HEAD = re.compile(
    r"(\)|\bconst|\bnoexcept|\boverride|\bfinal|->\s*[\w:<>,\s*&]+|\btry)\s*$")
_INIT_LIST_ITEM = re.compile(r"^\s*(:|,)\s*[\w:<>]+\s*[({].*[)}]\s*,?\s*$")


class _Line:
    """One filtered line and what the grouping pass needs to know about it."""

    def __init__(self, text, kind, depth_before, depth_after, in_body_after, code):
        self.text = text
        self.kind = kind  # "doc", "blank", "code" or "other" (kept comments, #lines)
        self.depth_before = depth_before
        self.depth_after = depth_after
        self.in_body_after = in_body_after
        self.code = code


def _scan(path, lines):
    """The filtered lines, each with its brace depths (see _Line)."""
    out = []
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
                # `\file` ends the line: Doxygen reads the rest of a `\file` line
                # as its argument, without Markdown.
                text = "///%s \\file" % body
            else:
                text = "///" + body
            out.append(_Line(text, "other", depth, depth, False, ""))
            continue
        if text.strip() and not whole:
            seen_code = True
        in_body = bool(body_depths)
        depth_before = depth
        kind = "other"
        if whole and not in_body and not _KEEP_PLAIN.match(text):
            text = whole.group(1) + "///" + whole.group(2)
            kind = "doc"
        elif not whole and not in_body and not text.lstrip().startswith("#"):
            trailing = _TRAILING.match(text)
            if trailing and not trailing.group(3).lstrip().startswith("NOLINT"):
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
            if kind != "doc" and not text.lstrip().startswith("#"):
                kind = "code"
        elif not text.strip():
            kind = "blank"
        out.append(_Line(text, kind, depth_before, depth, bool(body_depths), code))
    return out


_ACCESS = re.compile(r"^\s*(public|protected|private)\s*:")
_NESTED_SCOPE = re.compile(r"^\s*(template\s*<.*>\s*)?(class|struct|union|enum|namespace)\b")


_CONSTRUCTOR = re.compile(r"^\s*((explicit|constexpr|inline)(\([^)]*\))?\s+)*~?\w+\s*\(")
_NAME = re.compile(r"(operator\s*[^\s(]+|~?\w+)\s*\(")


def _family(code):
    """What a declaration's name says of it: "special" for constructors,
    destructors and assignments, else the function's name (None if none)."""
    if _CONSTRUCTOR.match(code) or re.search(r"\boperator\s*=\s*\(", code):
        return "special"
    name = _NAME.search(code)
    return name.group(1) if name else None


def _top_level(code):
    """`code` without what is inside parentheses, brackets, braces and `<...>`."""
    out, depth = [], 0
    for char in code:
        if char in "([{<":
            depth += 1
        elif char in ")]}>":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(char)
    return "".join(out)


_DOC_TEXT = re.compile(r"^(\s*///)(?!<)(.*)$")
_LIST_ITEM = re.compile(r"^\s*([-*+]|\d+[.)])\s")


def _code_blocks(out):
    """Indents the code examples of doc comments (lines indented two or more
    spaces after a blank comment line) so that Markdown shows them as code."""
    previous = None  # "blank", "code", "text", or None outside a comment
    for line in out:
        match = _DOC_TEXT.match(line.text)
        if not match:
            previous = None
            continue
        body = match.group(2)
        if not body.strip():
            previous = "blank" if previous != "code" else "code-blank"
            continue
        indent = len(body) - len(body.lstrip(" "))
        starts = previous == "blank" and not _LIST_ITEM.match(body)
        if indent >= 3 and (starts or previous in ("code", "code-blank")):
            line.text = match.group(1) + "  " + body
            previous = "code"
        else:
            previous = "text"


def _group_runs(out):
    """Wraps each comment that is directly followed by two or more declarations
    in a member group (see the module comment)."""
    i = 0
    while i < len(out):
        if out[i].kind != "doc" or out[i].depth_before == 0:
            i += 1
            continue
        first_doc = i
        while i < len(out) and out[i].kind == "doc":
            i += 1
        depth = out[first_doc].depth_before
        ends = []
        j = i
        while j < len(out) and out[j].kind == "code":
            line = out[j]
            if _ACCESS.match(line.code) or _NESTED_SCOPE.match(line.code):
                break
            if line.depth_before == depth and line.code.strip().startswith("}"):
                break  # the enclosing scope closes
            if not line.in_body_after and line.depth_after > depth:
                ends = []  # an aggregate or a nested scope: no group
                break
            if not line.in_body_after and line.depth_after == depth:
                if line.code.rstrip().endswith((";", "}")):
                    ends.append(j)
            j += 1
        heads = [i] + [e + 1 for e in ends[:-1]]
        families = {_family(out[h].code) for h in heads}
        colon = out[i - 1].text.rstrip().endswith(":")
        several_names = len(ends) == 1 and "," in _top_level(out[ends[0]].code)
        if (len(ends) >= 2 and (colon or (len(families) == 1 and None not in families))) or (
                colon and several_names):
            out[first_doc].text = re.sub(r"^(\s*)", r"\1/**@{*/ ", out[first_doc].text, count=1)
            last = out[ends[-1]]
            code_len = _comment_index(last.text)
            while code_len > 0 and last.text[code_len - 1] == " ":
                code_len -= 1
            last.text = last.text[:code_len] + " /**@}*/" + last.text[code_len:]
        i = max(j, i)


def rewrite(path, lines):
    """Yields the filtered lines of the file at `path`."""
    out = _scan(path, lines)
    _group_runs(out)
    _code_blocks(out)
    for line in out:
        yield line.text + "\n"


def main():
    path = sys.argv[1]
    with open(path, encoding="utf-8") as source:
        lines = source.readlines()
    shown = path[2:] if path.startswith("./") else path
    for out in rewrite(shown, lines):
        sys.stdout.write(out)


if __name__ == "__main__":
    main()
