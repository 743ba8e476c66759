"""The language of the messages a student reads: self-checks, hidden-test verdicts, feedback.

Messages are written in English in the code, wrapped in ``_()`` (or
``ngettext`` when a number decides the wording), and looked up with Python's
own :mod:`gettext` in the compiled catalogue
``utils/locale/<language>/LC_MESSAGES/course.mo``. Its source,
``i18n/<language>/messages.po``, is extracted from the code and compiled by
:mod:`course.message_catalogue`.

The language is the one given to :func:`set_language` in this thread, else
the environment variable ``COURSE_LANGUAGE`` (each lesson's set-up cell sets
it), else the edition of the notebook a Jupyter server says this kernel runs
(its ``metadata.course.language``, for a student who skipped the set-up
cell), else English; a language without a catalogue gives English. It is read each time a message is made,
never at import, so a grading process can switch language from one
submission to the next, and grading threads side by side can each speak the
language of their own submission.

A message with values is looked up with named fields and filled afterwards,
``_("the output for an input of shape {shape}").format(shape=x.shape)``: an
f-string would be filled before the lookup and never found.
"""
import contextlib
import functools
import gettext
import json
import os
import threading
from pathlib import Path

DOMAIN = "course"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
ENGLISH = "en"
# How each language writes 1,234.5: thousands separator, decimal mark.
NUMBER_MARKS = {ENGLISH: (",", "."), "pt_BR": (".", ",")}

_chosen = threading.local()


def set_language(code):
    """Use ``code`` ("pt_BR", "pt-BR", "en", ...) from now on in this thread; None goes back to
    ``COURSE_LANGUAGE``."""
    _chosen.code = code


@contextlib.contextmanager
def speaking(code):
    """Messages in ``code`` inside the ``with`` block, in this thread; the language chosen before, after it."""
    before = getattr(_chosen, "code", None)
    set_language(code)
    try:
        yield
    finally:
        set_language(before)


def language():
    """The language code messages are made in now, as gettext spells it ("pt_BR")."""
    code = (getattr(_chosen, "code", None) or os.environ.get("COURSE_LANGUAGE")
            or _notebook_language(os.environ.get("JPY_SESSION_NAME", "")) or ENGLISH)
    return code.strip().replace("-", "_")


@functools.cache
def _notebook_language(path):
    """The edition (``metadata.course.language``) of the notebook at ``path``, or None."""
    if not path.endswith(".ipynb"):
        return None
    try:
        with open(path, encoding="utf-8") as f:
            language = json.load(f)["metadata"]["course"]["language"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return language if isinstance(language, str) else None


@functools.cache
def _catalogue(code):
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)


def _(message):
    """``message`` in the current language (itself when it has no translation)."""
    return _catalogue(language()).gettext(message)


def ngettext(singular, plural, count):
    """The form of the message that suits ``count``, in the current language."""
    return _catalogue(language()).ngettext(singular, plural, count)


def number(value, digits=None):
    """``value`` as the current language writes it: thousands grouped, the language's decimal mark.

    ``digits`` fixes the decimals (``number(0.9, 2)`` is "0.90" in English,
    "0,90" in pt_BR); without it the value keeps the fewest decimals that give
    it back, as float32 when it is one ("0.001" for a float32 0.001, not
    0.0010000000474974513).
    """
    if digits is None:
        digits = len(_shortest_decimal(value).partition(".")[2])
    text = f"{float(value):,.{digits}f}"
    thousands = NUMBER_MARKS.get(language(), NUMBER_MARKS[ENGLISH])[0]
    return text.translate(str.maketrans({",": thousands, ".": decimal_mark()}))


def significant(value, digits):
    """``value`` rounded to ``digits`` significant digits, without float noise (0.8200000000000001 is 0.82)."""
    return float(f"{float(value):.{digits}g}")


def decimal_mark():
    """The current language's decimal mark: "." in English, "," in pt_BR."""
    return NUMBER_MARKS.get(language(), NUMBER_MARKS[ENGLISH])[1]


def _shortest_decimal(value):
    import numpy as np

    single = np.float32(value)
    exact = single if float(single) == float(value) else np.float64(value)
    return np.format_float_positional(exact, trim="-")


def integer(value):
    """``value`` rounded to a whole number, thousands grouped as the current language writes them."""
    return number(round(value), 0)


def N_(message):
    """Mark a message kept in a constant for the catalogue; translate it with ``_()`` where it is shown."""
    return message
