"""The language of the messages a student reads: self-checks, hidden-test verdicts, feedback.

Messages are written in English in the code, wrapped in ``_()`` (or
``ngettext`` when a number decides the wording), and looked up with Python's
own :mod:`gettext` in the compiled catalogue
``utils/locale/<language>/LC_MESSAGES/course.mo``. Its source,
``i18n/<language>/messages.po``, is extracted from the code and compiled by
:mod:`course.message_catalogue`.

The language is the one given to :func:`set_language` in this thread, else
the environment variable ``COURSE_LANGUAGE``, else English; a language
without a catalogue gives English. It is read each time a message is made,
never at import, so a grading process can switch language from one
submission to the next, and grading threads side by side can each speak the
language of their own submission.

A message with values is looked up with named fields and filled afterwards,
``_("the output for an input of shape {shape}").format(shape=x.shape)``: an
f-string would be filled before the lookup and never found.
"""
import functools
import gettext
import os
import threading
from pathlib import Path

DOMAIN = "course"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
ENGLISH = "en"
THOUSANDS_SEPARATORS = {"pt_BR": "."}

_chosen = threading.local()


def set_language(code):
    """Use ``code`` ("pt_BR", "pt-BR", "en", ...) from now on in this thread; None goes back to
    ``COURSE_LANGUAGE``."""
    _chosen.code = code


def language():
    """The language code messages are made in now, as gettext spells it ("pt_BR")."""
    code = getattr(_chosen, "code", None) or os.environ.get("COURSE_LANGUAGE") or ENGLISH
    return code.strip().replace("-", "_")


@functools.cache
def _catalogue(code):
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)


def _(message):
    """``message`` in the current language (itself when it has no translation)."""
    return _catalogue(language()).gettext(message)


def ngettext(singular, plural, count):
    """The form of the message that suits ``count``, in the current language."""
    return _catalogue(language()).ngettext(singular, plural, count)


def integer(number):
    """``number`` with its thousands grouped as the current language writes them ("105,697", "105.697")."""
    return f"{int(number):,}".replace(",", THOUSANDS_SEPARATORS.get(language(), ","))


def N_(message):
    """Mark a message kept in a constant for the catalogue; translate it with ``_()`` where it is shown."""
    return message
