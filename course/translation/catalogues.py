"""The gettext catalogues of the notebooks: ``i18n/<language>/<lesson>.po``.

One catalogue per lesson and language, read and written with Babel. Each
message is an entry of :mod:`course.translation.segments`: its ``msgid`` is
the English, its locations ``<lesson>/<cell id>``, its automatic comment the
kind of entry. A catalogue is refreshed from the English source with Babel's
``Catalog.update``, which keeps every translation whose English did not
change and marks fuzzy, with the old English kept as ``#| msgid``, a
translation whose English changed a little.

A translation is *usable* when it is not empty and not fuzzy; the build puts
the usable ones in and leaves the English elsewhere. A lesson is *complete*
in a language when it is listed in ``i18n/<language>/complete.txt``; from
then on every entry of it must have a usable translation (``course check``).
"""
import io
from dataclasses import dataclass
from datetime import datetime, timezone

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from course import notebook_format
from course.lessons import REPO_ROOT, SOURCE_DIR, lesson_ids, notebook_name
from course.nbgrader_settings import configure
from course.translation import segments
from course.translation.entry import Entry

I18N_DIR = REPO_ROOT / "i18n"
COMPLETE_LIST = "complete.txt"
ISSUES = "https://github.com/custom-keras-course/custom-keras-course/issues"
HEADER = """\
Translation of the notebook {lesson} of "Custom models, layers and losses with Keras".
Refresh with `python -m course translations refresh`; see i18n/glossary.md.
"""


def _stub_marker():
    """The comment nbgrader's ClearSolutions writes into an answer cell ("YOUR CODE HERE")."""
    from traitlets.config import Config

    config = Config()
    configure(config, REPO_ROOT)
    return config.ClearSolutions.code_stub["python"].splitlines()[0].removeprefix("# ")


STUB_MARKER = _stub_marker()
STUB_LOCATION = "course/nbgrader_settings.py"


def path(lesson_id, language):
    return I18N_DIR / language / f"{lesson_id}.po"


def languages():
    """The languages that have notebook catalogues (folders of ``i18n/`` holding a lesson's ``.po``)."""
    if not I18N_DIR.exists():
        return []
    return sorted(folder.name for folder in I18N_DIR.iterdir()
                  if folder.is_dir() and any((folder / f"{lesson}.po").exists() for lesson in lesson_ids()))


def complete_lessons(language):
    """The lessons declared complete in ``i18n/<language>/complete.txt`` (one id a line, ``#`` comments)."""
    listed = I18N_DIR / language / COMPLETE_LIST
    if not listed.exists():
        return []
    return [line.split("#")[0].strip() for line in listed.read_text().splitlines() if line.split("#")[0].strip()]


def source_entries(lesson_id, nb=None):
    """``(location, Entry)`` of every entry of the lesson's English source, the code stub's marker first."""
    nb = nb or notebook_format.read(SOURCE_DIR / lesson_id / notebook_name(lesson_id))
    stub = (STUB_LOCATION, Entry(STUB_MARKER, "comment", line_break=" "))
    return [stub] + [(f"{lesson_id}/{cell_id}", entry) for cell_id, entry in segments.entries(nb)]


def template(lesson_id, language, nb=None):
    """A Babel catalogue of the lesson's English entries, with no translation."""
    catalog = Catalog(locale=language, project="custom-keras-course", version="1.0", domain=lesson_id, fuzzy=False,
                      header_comment="".join(f"# {line}\n" for line in HEADER.format(lesson=lesson_id).splitlines()),
                      msgid_bugs_address=ISSUES, language_team=language)
    for location, entry in source_entries(lesson_id, nb):
        catalog.add(entry.text, locations=[(location, None)], auto_comments=[entry.kind])
    return catalog


def read(lesson_id, language):
    """The lesson's catalogue, or None when it has none."""
    file = path(lesson_id, language)
    if not file.exists():
        return None
    with file.open("rb") as stream:
        return read_po(stream, locale=language, domain=lesson_id)


def dumps(catalog):
    stream = io.BytesIO()
    write_po(stream, catalog, width=100, include_previous=True, ignore_obsolete=True)
    return stream.getvalue().decode()


def messages(catalog):
    """The catalogue's messages, its header left out."""
    return [message for message in catalog if message.id] if catalog else []


def usable(catalog):
    """English -> translation, for every message translated and not fuzzy."""
    return {message.id: message.string for message in messages(catalog) if message.string and not message.fuzzy}


@dataclass
class Refresh:
    """What a refresh did to one catalogue."""

    lesson: str
    entries: int
    new: int
    fuzzy: int
    untranslated: int
    obsolete: int

    def __str__(self):
        return (f"{self.lesson}: {self.entries} entries, {self.new} new, {self.fuzzy} fuzzy (to review), "
                f"{self.untranslated} untranslated, {self.obsolete} obsolete (dropped)")


def refresh(lesson_id, language, nb=None):
    """Bring the lesson's catalogue in line with its English source: extract, update, write.

    Returns a :class:`Refresh`. The file is only rewritten when its text changes.
    """
    fresh = template(lesson_id, language, nb)
    catalog = read(lesson_id, language)
    known = {message.id for message in messages(catalog)}
    if catalog is None:
        catalog = fresh
        catalog.creation_date = datetime.now(timezone.utc)
    else:
        catalog.update(fresh, update_creation_date=False)
    file = path(lesson_id, language)
    file.parent.mkdir(parents=True, exist_ok=True)
    text = dumps(catalog)
    if not file.exists() or file.read_text() != text:
        file.write_text(text)
    current = messages(catalog)
    return Refresh(lesson_id, len(current),
                   new=sum(1 for m in current if m.id not in known and not m.fuzzy),
                   fuzzy=sum(1 for m in current if m.fuzzy),
                   untranslated=sum(1 for m in current if not m.string),
                   obsolete=len(catalog.obsolete))
