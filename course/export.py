"""Grades into the learning platform: a Moodle CSV, a filled-in Canvas gradebook, an nbgrader gradebook.

Every format gets one grade per student and lesson, with the instructor's overrides
(:mod:`course.overrides`): the submission's score; 0 for a file that is not a
notebook (status ``rejected``); nothing for a submission whose grading failed
(status ``error``: grade again) and, unless ``missing_as_zero``, for a roster
student who handed nothing in. Nothing is exported while graded work matches no
student (not on the roster; no row of the Canvas file) unless ``skip_unmatched``:
a student is never given a blank or 0 that hides work they handed in.

* ``moodle``: the file Moodle's gradebook reads with *Import > CSV file*. One
  row per student, an identifier column (``Email address``, or ``Username``
  from the roster's lms id), ``Full name``, then one column per lesson named
  by its id; a blank cell leaves Moodle's grade as it is. On import, map
  "Email address" to ``useremail`` (or "Username" to ``username``) and each
  lesson column to its grade item.
* ``canvas``: a gradebook CSV exported from Canvas (*Grades > Export*) with
  the lesson columns filled in, ready for *Grades > Import*. Canvas files
  start with a header row (``Student, ID, SIS User ID, SIS Login ID,
  Section``, then one column per assignment, named ``<title> (<id>)``, and
  read-only totals) and a ``Points Possible`` row. A lesson's column is the
  assignment whose title is, or starts with, the lesson id; a student's row is the one whose SIS Login ID
  is the roster's lms id, email or student id. A grade already in the file
  (entered by hand) is kept unless ``overwrite``; every other cell is written
  back as it was read.
* ``nbgrader``: students, assignments (one notebook named like the lesson,
  one grade cell per exercise) and submissions with their points, in an
  nbgrader ``gradebook.db``, and the graded notebooks beside it in nbgrader's
  ``autograded/<student>/<lesson>/<lesson>.ipynb``, so ``nbgrader export``
  and formgrader read them. An overridden exercise is a manual grade there; a
  manual grade entered in formgrader is kept unless ``overwrite``.

Canvas and nbgrader exports list every grade they write or keep (student,
column, old -> new) in ``<out>.changes.csv`` beside the file written.
"""
import csv
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from course import csv_safety, gradebook, roster
from course.lessons import RELEASE_DIR, notebook_name
from course.roster import Person

FORMATS = ("moodle", "canvas", "nbgrader")


class ExportError(ValueError):
    """The export cannot be written; the message says what to do."""


@dataclass(frozen=True)
class Grade:
    status: str  # graded, rejected, error, or missing
    score: float | None  # None: nothing to export


@dataclass
class ClassGrades:
    people: list  # Person, in roster order (or by student id)
    lessons: list
    grades: dict  # (student, lesson) -> Grade
    notes: list

    def grade(self, student, lesson):
        return self.grades[student, lesson]


@dataclass(frozen=True)
class Change:
    """One grade of the file written: ``old`` is what was there, ``written`` false when it was kept."""

    student: str
    column: str
    old: str
    new: str
    written: bool


@dataclass
class Outcome:
    notes: list
    changes: list = field(default_factory=list)
    changes_file: Path | None = None


def class_grades(results, people=None, missing_as_zero=False, skip_unmatched=False):
    """Every student's grade for every lesson that has results, missing ones included."""
    lessons = roster.lessons_of(results)
    notes = []
    if people is None:
        people = {s: Person(s, "", "") for s in sorted({r["student"] for r in results})}
    matched, strangers = roster.results_by_student(people, results)
    if strangers:
        names = ", ".join(f"{r['student']} ({r['lesson']})" for r in strangers)
        if not skip_unmatched:
            raise ExportError(f"graded work of no roster student: {names}; add them to the roster (or fix "
                              "the names), or pass --skip-unmatched to export without them")
        notes.append(f"not on the roster, not exported: {names}")
    grades = {(s, lesson): Grade("missing", 0.0 if missing_as_zero else None) for s in people for lesson in lessons}
    for student, by_lesson in matched.items():
        for lesson, r in by_lesson.items():
            score = {"graded": r.get("final_score", r["score"]), "rejected": 0.0}.get(r["status"])
            grades[student, lesson] = Grade(r["status"], score)
    failed = sorted(f"{s} ({lesson})" for (s, lesson), g in grades.items() if g.status == "error")
    if failed:
        notes.append(f"the grading failed, nothing exported, grade again: {', '.join(failed)}")
    missing = sum(g.status == "missing" for g in grades.values())
    if missing:
        notes.append(f"{missing} missing submission(s) exported as "
                     + ("0" if missing_as_zero else "nothing (--missing-as-zero writes 0)"))
    return ClassGrades(list(people.values()), lessons, grades, notes)


def _num(value):
    return "" if value is None else f"{value:g}"


def _write_csv(path, rows, encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as f:
        csv_safety.writer(f).writerows(rows)


def changes_path(out):
    """``canvas-import.csv`` -> ``canvas-import.changes.csv``, beside it."""
    out = Path(out)
    return out.with_name(f"{out.stem}.changes.csv")


def _write_changes(changes, out):
    path = changes_path(out)
    _write_csv(path, [["student", "column", "old", "new", "action"]]
               + [[c.student, c.column, c.old, c.new, "written" if c.written else "kept (use --overwrite)"]
                  for c in changes])
    return path


def _same(old, new):
    try:
        return float(old) == new
    except ValueError:
        return False


def moodle(grades, path, key="email"):
    """Write the CSV for Moodle's grade import, keyed by ``email`` or ``username``."""
    column = {"email": "Email address", "username": "Username"}[key]
    rows = [[column, "Full name", *grades.lessons]]
    for person in grades.people:
        ident = person.email if key == "email" else (person.lms_id or person.student)
        if not ident:
            raise ExportError(f"{person.student} has no {key}: Moodle needs it to find the student; "
                              "add it to the roster (or pass --roster)")
        rows.append([ident, person.name] + [_num(grades.grade(person.student, l).score) for l in grades.lessons])
    _write_csv(path, rows)
    return Outcome(grades.notes)


CANVAS_FIXED = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


def _assignment_title(header):
    """``05_siamese (1234)`` -> ``05_siamese``; None for a column that is not an assignment (no id)."""
    match = re.fullmatch(r"\s*(.*?)\s*\(\d+\)\s*", header)
    return match.group(1) if match else None


def canvas(grades, template, path, overwrite=False, skip_unmatched=False):
    """Copy the Canvas export ``template`` to ``path`` with the lesson columns filled in."""
    raw = Path(template).read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    if not rows or any(name not in rows[0] for name in ("Student", "SIS Login ID")):
        raise ExportError(f"{template}: not a Canvas gradebook export (its header needs the columns "
                          f"{', '.join(CANVAS_FIXED)}); export it from Canvas: "
                          "Grades > Export > Export Entire Gradebook")
    header = rows[0]
    login = header.index("SIS Login ID")
    notes = list(grades.notes)
    columns = {}
    for lesson in grades.lessons:
        matches = [i for i, h in enumerate(header) if (_assignment_title(h) or "").startswith(lesson)]
        if len(matches) != 1:
            notes.append(f"{lesson}: {'no' if not matches else 'more than one'} assignment column in the template "
                         f"starts with {lesson!r}; not written (create the assignment in Canvas and export again)")
        else:
            columns[lesson] = matches[0]
    if not columns:
        raise ExportError(f"{template}: no assignment column is named after a lesson graded here "
                          f"({', '.join(grades.lessons)}); name the Canvas assignments so (e.g. "
                          f"'{grades.lessons[0]}') and export the gradebook again")
    by_login = {}
    for person in grades.people:
        for ident in {person.lms_id, person.email, person.student} - {""}:
            by_login.setdefault(ident.lower(), person)
    written, changes = set(), []
    for row in rows[1:]:
        if row[0].strip() == "Points Possible" or len(row) <= login or not row[login].strip():
            continue
        person = by_login.get(row[login].strip().lower())
        if person is None:
            continue
        written.add(person.student)
        row.extend([""] * (len(header) - len(row)))
        for lesson, i in columns.items():
            new, old = grades.grade(person.student, lesson).score, row[i].strip()
            if new is None or _same(old, new):
                continue
            change = Change(person.student, header[i], old, _num(new), written=overwrite or not old)
            changes.append(change)
            if change.written:
                row[i] = change.new
    absent = [p.student for p in grades.people if p.student not in written
              and any(grades.grade(p.student, lesson).score is not None for lesson in columns)]
    if absent:
        where = ("no row in the Canvas file (SIS Login ID is not their lms id, email or student id): "
                 + ", ".join(absent))
        if not skip_unmatched:
            raise ExportError(f"{where}; fix the roster's lms id, or pass --skip-unmatched to export without them")
        notes.append(where)
    _write_csv(path, rows, encoding="utf-8-sig" if bom else "utf-8")
    return Outcome(notes, changes, _write_changes(changes, path))


def nbgrader(grades, results, path, grading_dir, overwrite=False):
    """Add the students, lessons, grades and the graded notebooks of ``grading_dir`` to the nbgrader
    gradebook ``path`` (created if needed) and the ``autograded/`` folder beside it."""
    from nbgrader.api import Gradebook, MissingEntry

    import course.nbgrader_runner  # noqa: F401  (it stamps new gradebooks without running alembic)
    from course.nbgrader_settings import COURSE_ID

    cells = {}
    for r in results:
        for c in r["cells"]:
            cells.setdefault(r["lesson"], {})[c["id"]] = c["max"]
    changes = []
    with Gradebook(f"sqlite:///{Path(path).resolve()}", COURSE_ID) as gb:
        for person in grades.people:
            first, _, last = person.name.partition(" ")
            gb.update_or_create_student(person.student, first_name=first or None, last_name=last or None,
                                        email=person.email or None, lms_user_id=person.lms_id or None)
        for lesson in grades.lessons:
            gb.update_or_create_assignment(lesson)
            try:
                gb.find_notebook(lesson, lesson)
            except MissingEntry:
                gb.add_notebook(lesson, lesson)
            for cell_id, points in cells.get(lesson, {}).items():
                gb.update_or_create_grade_cell(cell_id, lesson, lesson, max_score=points, cell_type="code")
            for cell_id in _solution_cells(lesson):  # formgrader shows a comment box for each
                gb.update_or_create_solution_cell(cell_id, lesson, lesson)
        for r in results:
            if grades.grades.get((r["student"], r["lesson"]), Grade("", None)).score is None:
                continue
            gb.update_or_create_submission(r["lesson"], r["student"])
            for c in r["cells"]:
                grade = gb.find_grade(c["id"], r["lesson"], r["lesson"], r["student"])
                changes += _set_grade(grade, r, c, overwrite)
            gb.db.commit()
            _copy_autograded(grading_dir, Path(path).parent, r)
    return Outcome(grades.notes, changes, _write_changes(changes, path))


def _solution_cells(lesson):
    import nbformat

    release = RELEASE_DIR / lesson / notebook_name(lesson)
    if not release.is_file():
        return []
    return [c.metadata["nbgrader"]["grade_id"] for c in nbformat.read(release, as_version=4).cells
            if c.metadata.get("nbgrader", {}).get("solution")]


def _set_grade(grade, result, cell, overwrite):
    """Give ``grade`` the cell's points: autograded, plus the instructor's override as its manual score.
    A manual score that is neither ours nor the same points is kept unless ``overwrite``."""
    auto = cell.get("autograded", cell["score"])
    manual = cell["score"] if "autograded" in cell else None
    new = auto if manual is None else manual
    old = grade.score if grade.auto_score is not None or grade.manual_score is not None else None
    if old is not None and old == new:
        return []
    keep = grade.manual_score is not None and not overwrite
    if not keep:
        grade.auto_score, grade.manual_score, grade.needs_manual_grade = auto, manual, False
    return [Change(result["student"], f"{result['lesson']}:{cell['id']}", _num(old), _num(new), not keep)]


def _copy_autograded(grading_dir, root, result):
    """The graded notebook where formgrader looks: ``<root>/autograded/<student>/<lesson>/<lesson>.ipynb``."""
    graded = Path(grading_dir) / "autograded" / result["student"] / notebook_name(result["lesson"])
    if graded.is_file():
        target = root / "autograded" / result["student"] / result["lesson"] / notebook_name(result["lesson"])
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(graded, target)


def export(grading_dir, fmt, out, roster_path=None, template=None, key="email", overwrite=False,
           missing_as_zero=False, skip_unmatched=False):
    """Export the grades of ``grading_dir`` as ``fmt`` into ``out``; return the :class:`Outcome`."""
    results, waiting = gradebook.class_results(grading_dir)
    if not results:
        raise ExportError(f"{grading_dir}: no results to export; grade the class first (python -m course grade)")
    people = roster.for_grading(grading_dir, roster_path)
    grades = class_grades(results, people, missing_as_zero, skip_unmatched)
    grades.notes += [f"override waiting for a graded {o.lesson} of {o.student} with exercise {o.exercise}: "
                     "not applied" for o in waiting]
    if fmt == "moodle":
        if people is None and key == "email":
            raise ExportError("Moodle finds students by email or username: pass --roster roster.csv "
                              "(or --key username to use the student ids as usernames)")
        return moodle(grades, out, key)
    if fmt == "canvas":
        if template is None:
            raise ExportError("canvas needs --template: the gradebook CSV exported from Canvas "
                              "(Grades > Export > Export Entire Gradebook)")
        return canvas(grades, template, out, overwrite, skip_unmatched)
    return nbgrader(grades, results, out, grading_dir, overwrite)
