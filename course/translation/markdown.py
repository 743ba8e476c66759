"""Cut a markdown cell into entries: one per heading, paragraph, list item and table.

Blank lines, list markers, heading marks, fenced code and blocks with no
words (display math on its own) stay out of the entries; the comments and
strings of a fenced Python block are cut as a code cell's are. A
list item's continuation lines lose their indentation in the entry and get
it back when the translation is put in, so the translator sees plain text.
"""
import re
import tokenize

from course.translation import python_code
from course.translation.entry import Entry
from course.translation.placeholders import has_words

HEADING = re.compile(r"(#{1,6}[ \t]+)(.*)")
LIST_ITEM = re.compile(r"([ \t]*(?:[-*+]|\d+[.)])[ \t]+)(.*)")
FENCE = re.compile(r"[ \t]*(```|~~~)")
PYTHON_FENCE = re.compile(r"[ \t]*(```|~~~)[ \t]*(python3?|py)[ \t]*")


def _kind(line):
    if not line.strip():
        return "blank"
    if FENCE.match(line):
        return "fence"
    if HEADING.fullmatch(line):
        return "heading"
    if line.lstrip().startswith("|"):
        return "table"
    if LIST_ITEM.fullmatch(line):
        return "list item"
    return "text"


def _entry_or_literal(text, **entry):
    return Entry(text, **entry) if has_words(text) else text


def _python_parts(code):
    """A fenced Python block cut as a code cell, or kept whole when it is a fragment Python cannot read."""
    try:
        return python_code.parts(code)
    except (tokenize.TokenError, SyntaxError):  # IndentationError is a SyntaxError
        return [code]


def parts(source):
    """The cell's source as literal strings and entries (see :mod:`course.translation.segments`)."""
    lines = source.splitlines(keepends=True)
    body = [line.rstrip("\n") for line in lines]
    out, i = [], 0
    while i < len(lines):
        kind = _kind(body[i])
        if kind == "blank":
            out.append(lines[i])
            i += 1
        elif kind == "fence":
            end = next((j for j in range(i + 1, len(lines)) if body[j].strip().startswith(FENCE.match(body[i]).group(1))),
                       len(lines) - 1)
            out.append(lines[i])
            if end > i:
                code = "".join(lines[i + 1:end])
                out += [*(_python_parts(code) if PYTHON_FENCE.fullmatch(body[i]) else [code]), lines[end]]
            i = end + 1
        elif kind == "heading":
            mark, text = HEADING.fullmatch(body[i]).groups()
            out += [mark, _entry_or_literal(text, kind="heading", line_break=" "), lines[i][len(body[i]):]]
            i += 1
        else:
            # A table, a list item or a paragraph runs until a line that starts something else.
            end = i + 1
            while end < len(lines) and _kind(body[end]) == ("table" if kind == "table" else "text"):
                end += 1
            if kind == "list item":
                marker, first = LIST_ITEM.fullmatch(body[i]).groups()
                rest = body[i + 1:end]
                indent = re.match(r"[ \t]*", rest[0]).group() if rest else ""
                if not all(line.startswith(indent) for line in rest):
                    indent = ""
                text = "\n".join([first] + [line[len(indent):] for line in rest])
                out += [marker, _entry_or_literal(text, kind="list item", line_break="\n" + indent)]
            else:
                text = "\n".join(body[i:end])
                out.append(_entry_or_literal(text, kind="table" if kind == "table" else "paragraph"))
            out.append(lines[end - 1][len(body[end - 1]):])
            i = end
    return [part for part in out if part != ""]
