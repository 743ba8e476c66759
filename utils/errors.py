"""Show an exception in a line or two, whatever its library's wording.

Keras's messages span many lines, some with terminal colour codes; a lesson
that demonstrates an error prints only the start of it, or the lines that
name what the lesson is about, with this helper, rather than cutting the text
at words that a new Keras release may change.
"""
import re

_TERMINAL_CODES = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def error_lines(error, width=150):
    """The non-blank lines of ``error``'s message, without colour codes, each cut at ``width``."""
    lines = [line.strip() for line in _TERMINAL_CODES.sub("", str(error)).splitlines() if line.strip()]
    return [line if len(line) <= width else line[:width - 1] + "…" for line in lines]


def describe(error, count=2, width=150, mentioning=None):
    """``"TypeName: first line"`` and the next ``count - 1`` lines, one per line.

    With ``mentioning``, the last ``count`` lines that contain that text
    (a name the notebook chose, such as a class), when there are any.
    """
    lines = error_lines(error, width)
    chosen = [line for line in lines if mentioning in line][-count:] if mentioning else []
    lines = chosen or lines[:count] or [""]
    return "\n".join([f"{type(error).__name__}: {lines[0]}", *lines[1:]])
