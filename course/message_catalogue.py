"""The catalogue of the messages the course's Python code shows a student, and its translations.

Messages are wrapped in ``_()``, ``ngettext`` or ``N_`` (see :mod:`utils.i18n`)
in ``utils/``, ``grader_tests/`` and ``course/``. Babel extracts them; each
translation lives in ``i18n/<language>/messages.po``, the file a translator
edits, and is compiled to ``utils/locale/<language>/LC_MESSAGES/course.mo``,
the file the kernel and the grader read (``utils/`` is what a grading kernel
may see, so the compiled catalogue lives there).

* :func:`refresh_catalogue` after an English edit: extract, update the
  ``.po`` (a changed English message keeps its old translation, marked
  fuzzy, for review), compile the ``.mo``; it returns what needs review.
* :func:`catalogue_problems` for ``check``: what is not extracted yet,
  untranslated, fuzzy, has other ``{fields}`` than its English, or is not
  compiled into the committed ``.mo``.
"""
import io
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from course.lessons import REPO_ROOT
from utils.i18n import DOMAIN, LOCALE_DIR

# The folders whose messages a student reads. Lesson modules are included whole: a
# module whose messages are not wrapped yet simply adds nothing.
METHOD_MAP = [("utils/**.py", "python"), ("grader_tests/**.py", "python"), ("course/**.py", "python")]
COMMENT_TAGS = ("TRANSLATORS:",)
# A {field} of str.format, or a brace group of code shown in a message ({**config, ...}):
# either way the translation must hold the same ones.
FIELD = re.compile(r"\{[^{}]*\}")
PO_WIDTH = 100


def po_path(language, root=REPO_ROOT):
    """The translator's file of ``language``: ``i18n/<language>/messages.po``."""
    return Path(root) / "i18n" / language / "messages.po"


def mo_path(language, root=REPO_ROOT):
    """The compiled catalogue that :mod:`utils.i18n` reads for ``language`` (in ``utils/locale``)."""
    return Path(root) / LOCALE_DIR.relative_to(REPO_ROOT) / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


def extract_messages(root=REPO_ROOT):
    """A template catalogue of every message wrapped in the code under ``root``."""
    template = Catalog(domain=DOMAIN, project="course-keras", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            root, METHOD_MAP, keywords=DEFAULT_KEYWORDS, comment_tags=COMMENT_TAGS, strip_comment_tags=True):
        template.add(message, locations=[(filename, lineno)], auto_comments=comments, context=context)
    return template


def read_catalogue(language, root=REPO_ROOT):
    """``language``'s ``.po`` as a Babel catalogue."""
    with open(po_path(language, root), "rb") as f:
        return read_po(f, locale=language, domain=DOMAIN)


def _po_bytes(catalogue):
    out = io.BytesIO()
    write_po(out, catalogue, width=PO_WIDTH, include_lineno=False, ignore_obsolete=True, sort_output=True)
    return out.getvalue()


def compiled(catalogue):
    """The ``.mo`` bytes of ``catalogue``; fuzzy entries are left out, so they show in English."""
    out = io.BytesIO()
    write_mo(out, catalogue)
    return out.getvalue()


def refresh_catalogue(language, root=REPO_ROOT):
    """Extract the messages, update ``language``'s ``.po`` and compile its ``.mo``.

    A new message is added untranslated; an English message that changed
    keeps its old translation marked fuzzy (Babel's fuzzy matching), and a
    message no longer in the code is dropped. The ``.mo`` is written from
    the updated ``.po``. Returns the entries that need a translator, as
    :func:`untranslated_entries` gives them. ``root`` is the repository
    (a copy of it in the tests).
    """
    path = po_path(language, root)
    if path.exists():
        catalogue = read_catalogue(language, root)
    else:
        catalogue = Catalog(locale=language, domain=DOMAIN, project="course-keras", fuzzy=False)
    catalogue.update(extract_messages(root), update_creation_date=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_po_bytes(catalogue))
    catalogue = read_catalogue(language, root)
    mo = mo_path(language, root)
    mo.parent.mkdir(parents=True, exist_ok=True)
    mo.write_bytes(compiled(catalogue))
    return untranslated_entries(catalogue)


def _forms(value):
    """A message's msgid or msgstr as a tuple: one form, or the forms of a plural entry."""
    return value if isinstance(value, tuple) else (value,)


def _label(msgid):
    return repr(_forms(msgid)[0])


def untranslated_entries(catalogue):
    """``"missing: 'msgid'"`` / ``"fuzzy: 'msgid'"`` for each entry a translator still has to do."""
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        if not all(_forms(message.string)):
            problems.append(f"missing: {_label(message.id)}")
        elif message.fuzzy:
            problems.append(f"fuzzy (its English changed): {_label(message.id)}")
    return problems


def fields(text):
    """The ``{fields}`` (and brace groups) of ``text``, sorted, for comparing a translation with its English."""
    return sorted(FIELD.findall(text))


def field_mismatches(catalogue):
    """Entries whose translation has other ``{fields}`` than its English, which ``.format`` would break on.

    A plural entry may leave ``{count}`` out of its singular form ("One of
    ..."), as English does: each form may use any field of the English
    forms, and together they must use all of them.
    """
    problems = []
    for message in catalogue:
        english, translated = _forms(message.id), [s for s in _forms(message.string) if s]
        if not message.id or not translated:
            continue
        if len(english) == 1:
            same = fields(translated[0]) == fields(english[0])
        else:
            wanted = {field for form in english for field in fields(form)}
            used = [set(fields(form)) for form in translated]
            same = all(form <= wanted for form in used) and set().union(*used) == wanted
        if not same:
            problems.append(f"placeholders differ: {_label(message.id)} has {fields(english[-1])}, "
                            f"its translation {fields(translated[-1])}")
    return problems


def stale_entries(catalogue, root=REPO_ROOT):
    """Messages in the code that the ``.po`` lacks, and ``.po`` entries no longer in the code."""
    code = {message.id for message in extract_messages(root) if message.id}
    po = {message.id for message in catalogue if message.id}
    return ([f"not in the catalogue (run the refresh): {_label(msgid)}" for msgid in sorted(code - po, key=str)]
            + [f"no longer in the code (run the refresh): {_label(msgid)}" for msgid in sorted(po - code, key=str)])


def catalogue_problems(language, root=REPO_ROOT):
    """Everything ``check`` should fail on for ``language``, one line each (empty when all is well)."""
    po, mo = po_path(language, root), mo_path(language, root)
    if not po.exists():
        return [f"{po.relative_to(root)} is missing (run the refresh)"]
    catalogue = read_catalogue(language, root)
    problems = stale_entries(catalogue, root) + untranslated_entries(catalogue) + field_mismatches(catalogue)
    if not mo.exists() or mo.read_bytes() != compiled(catalogue):
        problems.append(f"{mo.relative_to(root)} is not compiled from {po.relative_to(root)} (run the refresh)")
    return problems
