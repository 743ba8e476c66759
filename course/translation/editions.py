"""The translated editions: their sources, their release, and the check of both.

A translated edition is made exactly like the English one: the English
source is translated with the lesson's catalogue into a scratch
``solutions/`` tree, and nbgrader's ``generate_assignment`` makes the
release from it (:func:`course.release.generate`), with the code stub's
marker translated too. The release goes to ``notebooks/<language>/<lesson>/``.
"""
import tempfile
from pathlib import Path

from course import notebook_format, release
from course.lessons import RELEASE_DIR, SOURCE_DIR, lesson_ids, notebook_name
from course.translation import catalogues, checks, segments

ENGLISH = "en"


def source_notebook(lesson_id, language):
    """The lesson's nbgrader source (solutions and hidden tests included) in ``language``.

    Entries with no usable translation keep their English. The notebook's
    ``metadata.course.language`` names the edition; the English source is
    returned as it is.
    """
    nb = notebook_format.read(SOURCE_DIR / lesson_id / notebook_name(lesson_id))
    if language == ENGLISH:
        return nb
    return segments.translate(nb, catalogues.usable(catalogues.read(lesson_id, language)), language)


def release_path(lesson_id, language, release_dir=RELEASE_DIR):
    """Where the lesson's student notebook of ``language`` is committed."""
    folder = Path(release_dir) if language == ENGLISH else Path(release_dir) / language
    return folder / lesson_id / notebook_name(lesson_id)


def code_stub(lesson_id, language):
    """What replaces a solution in the release: nbgrader's stub with its marker translated."""
    marker = catalogues.usable(catalogues.read(lesson_id, language)).get(catalogues.STUB_MARKER, catalogues.STUB_MARKER)
    return f"# {marker}\nraise NotImplementedError()"


def _generate(lesson_id, language, release_dir, scratch, db_url):
    """Translate the source into ``scratch/solutions`` and generate its release into ``release_dir``."""
    source = Path(scratch) / "solutions" / lesson_id / notebook_name(lesson_id)
    source.parent.mkdir(parents=True, exist_ok=True)
    notebook_format.write(source_notebook(lesson_id, language), source)
    return release.generate(lesson_id, release_dir, db_url, root=scratch, code_stub=code_stub(lesson_id, language))


def generate(lesson_id, language, release_dir, db_url):
    """Generate the lesson's release of ``language`` (English included) into ``release_dir/<lesson_id>/``
    and record it in the gradebook ``db_url``: what grading a submission of that edition starts from
    (the locked cells nbgrader restores are the edition's own)."""
    if language == ENGLISH:
        return release.generate(lesson_id, release_dir, db_url)
    with tempfile.TemporaryDirectory() as scratch:
        return _generate(lesson_id, language, release_dir, scratch, db_url)


def build(language, release_dir, lessons=None):
    """Write the ``language`` release of ``lessons`` (all by default); return the paths written."""
    edition_dir = Path(release_dir) / language
    with tempfile.TemporaryDirectory() as scratch:
        return [_generate(lesson_id, language, edition_dir, scratch, f"sqlite:///{scratch}/gradebook.db")
                for lesson_id in lessons or lesson_ids()]


def check(release_dir=RELEASE_DIR):
    """Problems with the translations and the translated releases; empty when all is well."""
    release_dir = Path(release_dir)
    problems = []
    for language in catalogues.languages():
        complete = catalogues.complete_lessons(language)
        problems += [f"i18n/{language}/{catalogues.COMPLETE_LIST}: no lesson {lesson}"
                     for lesson in complete if lesson not in lesson_ids()]
        with tempfile.TemporaryDirectory() as scratch:
            for lesson_id in lesson_ids():
                problems += checks.problems(lesson_id, language, catalogues.read(lesson_id, language),
                                            lesson_id in complete)
                problems += _release_problems(lesson_id, language, release_dir, scratch)
        edition_dir = release_dir / language
        problems += [f"notebooks/{language}/{folder.name}: no such lesson in solutions/"
                     for folder in sorted(edition_dir.iterdir() if edition_dir.exists() else ())
                     if folder.is_dir() and folder.name not in lesson_ids()]
    known = set(catalogues.languages())
    problems += [f"notebooks/{folder.name}: no catalogues in i18n/{folder.name}/"
                 for folder in sorted(release_dir.iterdir())
                 if folder.is_dir() and release.EDITION_FOLDER.fullmatch(folder.name) and folder.name not in known]
    return problems


def _release_problems(lesson_id, language, release_dir, scratch):
    committed = release_path(lesson_id, language, release_dir)
    shown = f"notebooks/{language}/{lesson_id}"
    if not committed.exists():
        return [f"{shown}: missing; run `python -m course build`"]
    fresh = _generate(lesson_id, language, Path(scratch) / "release", scratch, f"sqlite:///{scratch}/gradebook.db")
    problems = []
    if committed.read_text() != fresh.read_text():
        problems.append(f"{shown}: differs from a fresh build; run `python -m course build`")
    source = source_notebook(lesson_id, language)
    problems += [f"{shown}: shows {leak}" for leak in release.leaks(source, notebook_format.read(committed))]
    return problems
