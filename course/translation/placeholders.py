"""What a translation must carry over from the English unchanged.

Inline code spans, LaTeX math, URLs, ``{format}`` fields, backslash escapes
and numbers are compared between an English entry and its translation.
Numbers are compared by their digits only, so a translator writes them the
Brazilian way in prose (``60.000``, ``0,5``) without being told off, while a
changed digit is caught. Whitespace inside a span does not count (a
translation may wrap a long code span elsewhere).
"""
import re
from collections import Counter

# Order matters: each kind is taken out of the text before the next is looked for,
# so a number inside a code span or a brace inside math is not counted twice.
KINDS = [
    ("code span", re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)),
    ("math", re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$", re.S)),
    ("URL", re.compile(r"https?://[^\s)>\]]+[^\s)>\].,;:!?'\"]")),
    ("format field", re.compile(r"\{[^{}\s]*\}")),
    ("escape", re.compile(r"\\[nt\\'\"]")),
    ("number", re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")),
]
WORD = re.compile(r"[^\W\d_]{2,}")


def placeholders(text):
    """``{kind: Counter of spans}`` of ``text``, compared after normalisation."""
    found = {}
    for kind, pattern in KINDS:
        spans = [match.group() for match in pattern.finditer(text)]
        text = pattern.sub(" ", text)
        if kind == "number":
            spans = [re.sub(r"[.,]", "", span) for span in spans]
        found[kind] = Counter(" ".join(span.split()) for span in spans)
    return found


def has_words(text):
    """True when ``text`` has a word outside code, math, URLs and fields: something to translate."""
    for _, pattern in KINDS[:4]:
        text = pattern.sub(" ", text)
    return bool(WORD.search(text))


def differences(english, translation):
    """What ``translation`` lost, changed or added among the placeholders of ``english``; empty when none."""
    ours, theirs = placeholders(english), placeholders(translation)
    problems = []
    for kind, _ in KINDS:
        missing = ours[kind] - theirs[kind]
        extra = theirs[kind] - ours[kind]
        if missing or extra:
            said = "; ".join(filter(None, [
                "lost " + ", ".join(repr(s) for s in sorted(missing.elements())) if missing else "",
                "added " + ", ".join(repr(s) for s in sorted(extra.elements())) if extra else "",
            ]))
            problems.append(f"{kind}: {said}")
    return problems
