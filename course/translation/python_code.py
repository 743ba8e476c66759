"""Cut a code cell into entries: its comments and its human-readable string literals.

The rule, applied token by token (Python's :mod:`tokenize`, which reads
IPython's ``%magic`` lines as harmless operators):

* a **comment** is an entry unless it is an nbgrader marker (``### BEGIN
  SOLUTION``...) or holds no word; consecutive full-line comments at the same
  indentation are one entry, so a sentence wrapped over two lines is
  translated as one;
* a **string literal** (f-strings included) is an entry when it holds a word
  and either some whitespace (a sentence: a printed label, a plot title, a
  self-check description or hint, a docstring) or is a one-word label: a
  positional argument of ``print`` or of a plot's labelling calls
  (:data:`LABEL_CALLS`: ``ax.set_xlabel("epoch")``), or the value of a
  human-facing keyword (``label="data"``). It is code, and no
  entry, when it is a keyword argument other than the human-facing ones
  (:data:`HUMAN_KEYWORDS`: ``loc="lower right"`` is code), an operand of
  ``in``, ``==``, ``!=`` or ``is``, a dictionary key, bytes, or holds
  ``://`` (URLs, pip requirements);
* nothing between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``
  is an entry (those lines never reach a student), and between ``### BEGIN
  SOLUTION`` and ``### END SOLUTION`` only comments are: the reference
  solution's code, literals included, runs exactly as in English.
"""
import io
import re
import tokenize

from course.translation.entry import Entry
from course.translation.placeholders import has_words

HUMAN_KEYWORDS = {"hint", "title", "label", "xlabel", "ylabel", "suptitle", "description", "message"}
LABEL_CALLS = {"print", "title", "xlabel", "ylabel", "suptitle", "set_title", "set_xlabel", "set_ylabel"}
OPERATORS = {"in", "not", "is", "==", "!="}
SPACING = {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT}
STRING_OPENING = re.compile(r"([A-Za-z]*)('''|\"\"\"|'|\")")
REGIONS = {"### BEGIN HIDDEN TESTS": "hidden", "### END HIDDEN TESTS": None,
           "### BEGIN SOLUTION": "solution", "### END SOLUTION": None}


def _region_of_lines(source):
    """Line number (1-based) -> ``"hidden"``, ``"solution"`` or None."""
    region, regions = None, {}
    for number, line in enumerate(source.splitlines(), start=1):
        marker = line.strip()
        if marker in REGIONS:
            region = REGIONS[marker]
            regions[number] = "marker"
        else:
            regions[number] = region
    return regions


def _is_code(before, after):
    """True when a literal is used as code, from the two tokens ``before`` it and the one ``after``."""
    (first_type, first), (_, second) = [(t.type, t.string) for t in before]
    if second == "=" and first_type == tokenize.NAME and first not in HUMAN_KEYWORDS:
        return True
    if second in OPERATORS or after.string in OPERATORS:
        return True
    return after.string == ":" and second in ("{", ",")


def _string_entry(token, label):
    prefix, quote = STRING_OPENING.match(token.string).groups()
    text = token.string[len(prefix) + len(quote):-len(quote)]
    if "b" in prefix.lower() or "://" in text or not has_words(text):
        return None
    if not (re.search(r"\s", text) or label):
        return None
    return Entry(text, "string", line_break="\n" if len(quote) == 3 else " ", quote=prefix + quote)


def _replacements(source):
    """``(start offset, end offset, Entry)`` of every entry, in order."""
    line_starts = [0]
    for line in source.splitlines(keepends=True):
        line_starts.append(line_starts[-1] + len(line))
    offset = lambda position: line_starts[position[0] - 1] + position[1]  # noqa: E731
    regions = _region_of_lines(source)
    found, brackets, previous = [], [], None
    comment_group = None  # (start, end, column, last line, [texts]) of full-line comments being joined
    lines = source.splitlines()

    def close_group():
        nonlocal comment_group
        if comment_group:
            start, end, column, _, texts = comment_group
            found.append((start, end, Entry("\n".join(texts), "comment", line_break="\n" + " " * column + "# ")))
        comment_group = None

    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    code_tokens = [t for t in tokens if t.type not in SPACING]
    padded = [tokens[-1]] * 2 + code_tokens + [tokens[-1]]  # the ENDMARKER stands for "nothing here"
    neighbours = {id(t): (padded[i:i + 2], padded[i + 3]) for i, t in enumerate(code_tokens) if t.type == tokenize.STRING}
    for token in tokens:
        row, column = token.start
        region = regions.get(row)
        if token.type == tokenize.COMMENT:
            text = token.string[2:] if token.string.startswith("# ") else ""
            if region in ("hidden", "marker") or not has_words(text):
                close_group()
                continue
            start = offset(token.start) + 2
            if not lines[row - 1][:column].strip():
                if comment_group and comment_group[2] == column and comment_group[3] == row - 1:
                    comment_group = (comment_group[0], offset(token.end), column, row, comment_group[4] + [text])
                else:
                    close_group()
                    comment_group = (start, offset(token.end), column, row, [text])
                continue
            close_group()
            found.append((start, offset(token.end), Entry(text, "comment", line_break=" ")))
            continue
        if token.type not in SPACING:
            close_group()
        if token.type == tokenize.OP and token.string in ("(", "[", "{"):
            brackets.append(previous.string if token.string == "(" and previous and previous.type == tokenize.NAME
                            else None)
        elif token.type == tokenize.OP and token.string in (")", "]", "}"):
            if brackets:
                brackets.pop()
        elif token.type == tokenize.STRING and region is None:
            before, after = neighbours[id(token)]
            label = (bool(brackets) and brackets[-1] in LABEL_CALLS and before[1].string in ("(", ",")
                     or before[1].string == "=" and before[0].string in HUMAN_KEYWORDS)
            entry = None if _is_code(before, after) else _string_entry(token, label)
            if entry:
                start = offset(token.start) + len(entry.quote)
                found.append((start, start + len(entry.text), entry))
        if token.type not in SPACING:
            previous = token
    close_group()
    return found


def parts(source):
    """The cell's source as literal strings and entries (see :mod:`course.translation.segments`)."""
    out, position = [], 0
    for start, end, entry in _replacements(source):
        out += [source[position:start], entry]
        position = end
    out.append(source[position:])
    return [part for part in out if part != ""]
