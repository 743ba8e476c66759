"""Find the submissions to grade in a folder, or a single notebook.

Two layouts are accepted:

* nbgrader's: ``<folder>/<student>/<lesson>/<any name>.ipynb`` (the folder is
  usually ``submitted/``);
* flat, as a learning platform exports them: ``<folder>/<student>_<lesson>.ipynb``,
  for example ``ada_lovelace_01_lambda_layers.ipynb``. The name must end with
  ``_`` and a lesson id; what stands before it is the student id.

A single ``.ipynb`` path is graded too (self-study); its student id is taken
from the flat naming rule when the name follows it, else ``me``.

Any name is graded: one that is not a safe student id (spaces, accents,
``..``, more than 64 characters) is graded under :func:`safe_student_id`,
and the gradebook keeps the name as it was (``submitted_as``).
"""
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from course.lessons import lesson_ids

STUDENT_ID = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_-]|\.(?!\.)){0,63}$")


DIGEST_SUFFIX = re.compile(r"-[0-9a-f]{8}$")


def safe_student_id(name):
    """``name`` itself when it is a safe id, else letters, digits and ``_`` from it plus a
    short digest of the whole name, so that two names never share an id (a safe-looking
    name that ends like a digest gets one too, so that nobody can take another's id)."""
    if STUDENT_ID.match(name) and not DIGEST_SUFFIX.search(name):
        return name
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    readable = re.sub(r"[^A-Za-z0-9]+", "_", ascii_name).strip("_")[:48] or "student"
    return f"{readable}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"


@dataclass(frozen=True)
class Submission:
    student: str
    lesson: str
    path: Path
    submitted_as: str = ""

    @property
    def name(self):
        return f"{self.student}/{self.lesson}"


def _flat(path, lessons):
    """``(student, lesson)`` from ``<student>_<lesson>.ipynb``, or None."""
    for lesson in lessons:
        suffix = f"_{lesson}"
        if path.stem.endswith(suffix) and len(path.stem) > len(suffix):
            return path.stem[: -len(suffix)], lesson
    return None


def naming_rule(lessons):
    return f"name files <student>_<lesson>.ipynb, with <lesson> one of {', '.join(lessons)}"


def find(target, lessons=None, single_lesson=None):
    """Return ``(submissions, problems)``; problems are messages about files that were skipped."""
    lessons = lessons or lesson_ids()
    target = Path(target)
    submissions, problems = [], []

    def add(student, lesson, path):
        inside = target.resolve() if target.is_dir() else target.resolve().parent
        if path.is_symlink() or inside not in path.resolve().parents:
            problems.append(f"{path}: skipped: a link, not a file; put the notebook itself there")
        else:
            submissions.append(Submission(safe_student_id(student), lesson, path.resolve(), student))

    if target.is_file():
        parsed = _flat(target, lessons)
        if parsed:
            add(*parsed, target)
        elif single_lesson or target.stem in lessons or len(lessons) == 1:
            add("me", single_lesson or (target.stem if target.stem in lessons else lessons[0]), target)
        else:
            problems.append(f"{target}: skipped: cannot tell the lesson; {naming_rule(lessons)} or pass --lesson")
        return submissions, problems
    if not target.is_dir():
        return [], [f"{target}: no such file or folder"]

    for path in sorted(target.iterdir()):
        if path.is_file() and path.suffix == ".ipynb":
            parsed = _flat(path, lessons)
            if parsed:
                add(*parsed, path)
            else:
                problems.append(f"{path.name}: skipped: {naming_rule(lessons)}")
        elif path.is_dir() and not path.name.startswith("."):
            for lesson_dir in sorted(p for p in path.iterdir() if p.is_dir()):
                notebooks = sorted(lesson_dir.glob("*.ipynb"))
                if lesson_dir.name not in lessons:
                    problems.append(f"{lesson_dir}: skipped: {lesson_dir.name!r} is not a lesson of this course")
                elif len(notebooks) != 1:
                    problems.append(f"{lesson_dir}: skipped: expected one notebook, found {len(notebooks)}")
                else:
                    add(path.name, lesson_dir.name, notebooks[0])
        elif not path.name.startswith("."):
            problems.append(f"{path.name}: skipped: not a notebook; {naming_rule(lessons)}")
    seen = {}
    for sub in submissions:
        if (sub.student, sub.lesson) in seen:
            problems.append(f"{sub.path}: skipped: a second submission of {sub.name} (kept {seen[sub.student, sub.lesson]})")
        else:
            seen[sub.student, sub.lesson] = sub.path
    submissions = [s for s in submissions if seen[s.student, s.lesson] == s.path]
    return submissions, problems
