"""Split a notebook into translation entries, and put translations back.

A cell's source is cut into *parts*: literal text that no translation
touches (markup, code, hidden tests) and :class:`~course.translation.entry.Entry`
objects, the pieces a translator sees. Joining the parts, each entry
rendered in English, gives the cell back byte for byte; that is what makes
a partial translation safe: an entry without a translation keeps its
English and nothing else moves. Markdown is cut by
:mod:`course.translation.markdown`, code by :mod:`course.translation.python_code`.
"""
import copy

import nbformat

from course.translation import markdown, python_code
from course.translation.entry import Entry

# The set-up cell of every lesson names the language of the messages its self-checks (and a
# grader) print; an edition's notebooks name their own, so a student gets them in it.
LANGUAGE_SETTING = 'os.environ["COURSE_LANGUAGE"] = "{}"'
SOURCE_LANGUAGE = "en"


def cell_parts(cell):
    """The cell's source as a list of literal strings and entries."""
    if cell.cell_type == "markdown":
        return markdown.parts(cell.source)
    if cell.cell_type == "code":
        return python_code.parts(cell.source)
    return [cell.source]


def entries(nb):
    """``(cell id, Entry)`` for every entry of the notebook, in reading order."""
    return [(cell.id, part) for cell in nb.cells for part in cell_parts(cell) if isinstance(part, Entry)]


def translate(nb, translations, language=None):
    """A copy of ``nb`` with ``translations`` (English text -> translation) applied.

    Entries with no translation keep their English; code, metadata and
    hidden tests are copied as they are. With ``language``, the notebook's
    metadata says which edition it is (``metadata.course.language``) and its
    set-up cell sets that language for the messages (:data:`LANGUAGE_SETTING`).
    """
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        cell.source = "".join(part if isinstance(part, str) else part.render(translations.get(part.text))
                              for part in cell_parts(cell))
    if language:
        nb.metadata.course = nbformat.from_dict({**nb.metadata.get("course", {}), "language": language})
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.source = cell.source.replace(LANGUAGE_SETTING.format(SOURCE_LANGUAGE),
                                                  LANGUAGE_SETTING.format(language))
    return nb
