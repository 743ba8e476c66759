"""The demo class: what an instructor sees before grading a real one.

For every lesson it makes three submissions (the reference solution, the
untouched release, and one with the first half of the exercises done),
plus, for lesson 01 only (it grades fast), ``copycat``: the reference with
its variables renamed, comments reworded and spacing changed, which copy
detection must flag; and, for every lesson a translation declares complete,
``reference_<language>`` (``reference_pt_BR``): the reference in that
edition, graded in it, so that the gradebook mixes editions as a real class
may. It grades them in parallel, writes the class report and the copy
detection, and points at all of it. (``half_done`` and the translated
references are made of reference answers, so copy detection pairs them with
``reference`` too.)
"""
import shutil
from pathlib import Path

from course import grading, notebook_format, release, similarity, translation
from course.lessons import RELEASE_DIR, SOURCE_DIR, lesson_ids, notebook_name
from course.translation import catalogues


def _answer_ids(nb):
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution")]


def half_done(lesson, release_dir=RELEASE_DIR):
    """The release (in ``release_dir``) with the first half of its answer cells solved."""
    source = notebook_format.read(SOURCE_DIR / lesson / notebook_name(lesson))
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    nb = notebook_format.read(Path(release_dir) / lesson / notebook_name(lesson))
    ids = _answer_ids(nb)
    done = set(ids[: len(ids) // 2])
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") in done:
            cell.source = answers[cell.metadata["nbgrader"]["grade_id"]]
    return nb


COPIED_LESSON = "01_lambda_layers"


def copied(lesson):
    """The reference with every answer cell disguised as a copier would (:func:`course.similarity.disguise`)."""
    nb = notebook_format.read(SOURCE_DIR / lesson / notebook_name(lesson))
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = similarity.disguise(cell.source)
    return nb


def translated_references(lesson):
    """``(student, notebook)`` of the lesson's reference in each edition that declares it complete."""
    return [(f"reference_{language}", translation.source_notebook(lesson, language))
            for language in catalogues.languages() if lesson in catalogues.complete_lessons(language)]


def make_class(folder, lessons, release_dir):
    """Write the demo submissions, from the release built in ``release_dir``, in nbgrader's layout;
    return the ``submitted`` folder."""
    submitted = Path(folder) / "submitted"
    shutil.rmtree(submitted, ignore_errors=True)
    for lesson in lessons:
        name = notebook_name(lesson)
        for student, nb in (
            ("reference", notebook_format.read(SOURCE_DIR / lesson / name)),
            ("blank", notebook_format.read(Path(release_dir) / lesson / name)),
            ("half_done", half_done(lesson, release_dir)),
            *([("copycat", copied(lesson))] if lesson == COPIED_LESSON else []),
            *translated_references(lesson),
        ):
            path = submitted / student / lesson / name
            path.parent.mkdir(parents=True, exist_ok=True)
            notebook_format.write(nb, path)
    return submitted


def unexpected(results):
    """What the demo's grades should not be: a reference (in any edition) or copycat below full marks, blanks
    above 0, any status but graded. Empty when the grading works."""
    problems = []
    for r in results:
        full_marks = r["student"] in ("reference", "copycat") or r["student"].startswith("reference_")
        if r["status"] != "graded":
            problems.append(f"{r['student']} / {r['lesson']}: {r['status']}: {r['message']}")
        elif full_marks and r["score"] != r["max_score"]:
            problems.append(f"{r['student']} / {r['lesson']}: {r['score']:g}/{r['max_score']:g}, expected full marks")
        elif r["student"] == "blank" and r["score"] != 0:
            problems.append(f"blank / {r['lesson']}: {r['score']:g}/{r['max_score']:g}, expected 0")
    return problems


def run(folder="demo", lessons=None, workers=None, stream=None):
    """Build the release into ``folder/release`` (never into ``notebooks/``, where students write), make the
    class from it and grade it into ``folder/grading``; return :func:`course.grading.grade`'s summary."""
    lessons = lessons or lesson_ids()
    release_dir = Path(folder) / "release"
    release.build(release_dir, lessons=lessons)
    submitted = make_class(folder, lessons, release_dir)
    kwargs = {"stream": stream} if stream else {}
    return grading.grade(submitted, Path(folder) / "grading", workers=workers, force=True, detect_copies=True,
                         **kwargs)
