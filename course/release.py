"""Build the student release (``notebooks/``) from the sources (``solutions/``) and check it.

The release is what nbgrader's ``generate_assignment`` makes: solutions
replaced by stubs, hidden tests removed, outputs cleared. It is committed, so
that a student can open it straight from the repository, and must always be
exactly what a fresh build gives.
"""
import re
import tempfile
from pathlib import Path

from course import notebook_format
from course.lessons import RELEASE_DIR, SOURCE_DIR, lesson_ids, notebook_name
from course.nbgrader_runner import make_api, succeed

# A folder of notebooks/ named like a locale (pt_BR) holds a translated edition (course.translation).
EDITION_FOLDER = re.compile(r"[a-z]{2,3}_[A-Z]{2}")
REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", re.S)
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


def generate(lesson_id, release_dir, db_url, root=SOURCE_DIR.parent, code_stub=None):
    """Generate one lesson's release notebook into ``release_dir/<lesson_id>/``.

    ``root`` holds the ``solutions/`` to generate from (a translated copy, for
    another edition); ``code_stub``, when given, is what replaces a solution
    instead of the course's ``# YOUR CODE HERE`` stub.
    """
    api = make_api(root, db_url, release_directory=release_dir)
    if code_stub is not None:
        api.config.ClearSolutions.code_stub = {"python": code_stub}
    succeed(api.generate_assignment(lesson_id, force=True, create=True))
    path = Path(release_dir) / lesson_id / notebook_name(lesson_id)
    notebook_format.write(notebook_format.clean(notebook_format.read(path)), path)
    return path


def clean_sources(lessons=None):
    """Drop the outputs and editor metadata of the sources of ``lessons`` (all by default), in place;
    return the paths of the sources that changed."""
    written = []
    for lesson_id in lessons or lesson_ids():
        source = SOURCE_DIR / lesson_id / notebook_name(lesson_id)
        if notebook_format.write(notebook_format.clean(notebook_format.read(source)), source):
            written.append(source)
    return written


def build(release_dir, db_url=None, lessons=None):
    """Generate the release of ``lessons`` (all by default) into ``release_dir``; return the paths written.

    ``db_url`` is the gradebook that records the assignments (a throw-away one
    by default). The release goes to ``notebooks/`` only through
    :func:`course.student_work.install`, which keeps what students wrote there.
    """
    with tempfile.TemporaryDirectory() as scratch:
        db_url = db_url or f"sqlite:///{scratch}/gradebook.db"
        return [generate(lesson_id, release_dir, db_url) for lesson_id in lessons or lesson_ids()]


def hidden_lines(source_text, kinds=("SOLUTION", "HIDDEN TESTS")):
    """Lines of the source's regions of ``kinds`` that a release must never show.

    Lines too short to be telling, and lines that the source also shows
    outside any region, are left out.
    """
    outside = set(line.strip() for line in REGION.sub("", source_text).splitlines())
    lines = set()
    for match in REGION.finditer(source_text):
        if match.group(1) not in kinds:
            continue
        for line in match.group(2).splitlines():
            line = line.strip()
            if len(line) >= 12 and line not in outside and not line.startswith("#"):
                lines.add(line)
    return lines


def hidden_test_lines(source_nb):
    """The telling lines of the hidden tests in a lesson's source notebook (of any edition), which no
    feedback page may show."""
    return hidden_lines(_cell_sources(source_nb), kinds=("HIDDEN TESTS",))


def _cell_sources(nb):
    return "\n".join(cell.source for cell in nb.cells)


def leaks(source_nb, release_nb):
    """What of the solutions and hidden tests a release notebook shows; empty when nothing."""
    release_text = _cell_sources(release_nb)
    found = [f"marker {m!r}" for m in MARKERS if m in release_text]
    if "grader_tests" in release_text:
        found.append("a reference to grader_tests")
    release_lines = set(line.strip() for line in release_text.splitlines())
    found += [f"line {line!r}" for line in sorted(hidden_lines(_cell_sources(source_nb)) & release_lines)]
    return found


def check(release_dir=RELEASE_DIR, lessons=None):
    """Problems with the committed release of ``lessons`` (all by default): stale, leaking
    or untidy. Empty when all is well."""
    release_dir = Path(release_dir)
    lessons = lessons or lesson_ids()
    problems = []
    for lesson_id in lessons:
        source = notebook_format.read(SOURCE_DIR / lesson_id / notebook_name(lesson_id))
        if notebook_format.dumps(notebook_format.clean(source)) != (
            SOURCE_DIR / lesson_id / notebook_name(lesson_id)
        ).read_text():
            problems.append(f"solutions/{lesson_id}: has outputs or editor metadata; run `python -m course build`")
    with tempfile.TemporaryDirectory() as scratch:
        fresh_dir = Path(scratch) / "release"
        for lesson_id in lessons:
            fresh = generate(lesson_id, fresh_dir, f"sqlite:///{scratch}/gradebook.db")
            committed = release_dir / lesson_id / notebook_name(lesson_id)
            if not committed.exists():
                problems.append(f"notebooks/{lesson_id}: missing; run `python -m course build`")
                continue
            if committed.read_text() != fresh.read_text():
                problems.append(f"notebooks/{lesson_id}: differs from a fresh build; run `python -m course build`")
            source = notebook_format.read(SOURCE_DIR / lesson_id / notebook_name(lesson_id))
            problems += [f"notebooks/{lesson_id}: shows {leak}" for leak in leaks(source, notebook_format.read(committed))]
    extra = sorted(p.name for p in release_dir.iterdir()
                   if p.is_dir() and p.name not in lesson_ids() and not EDITION_FOLDER.fullmatch(p.name))
    problems += [f"notebooks/{name}: no such lesson in solutions/" for name in extra]
    return problems
