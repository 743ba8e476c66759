"""Grades into the learning platform: a Moodle CSV, a filled-in Canvas gradebook, an nbgrader gradebook.

Every format gets one grade per student and lesson: the submission's score;
0 for a submission that could not be graded (status ``rejected`` or
``error``, listed in ``report.html``); 0 and the status ``missing`` for a
roster student who handed nothing in. With a roster, only roster students
are exported and submissions of anyone else are reported; without one, the
students are those who handed something in.

* ``moodle``: the file Moodle's gradebook reads with *Import > CSV file*. One
  row per student, an identifier column (``Email address``, or ``Username``
  from the roster's lms id), ``Full name``, then one column per lesson named
  by its id. On import, map "Email address" to ``useremail`` (or "Username"
  to ``username``) and each lesson column to its grade item.
* ``canvas``: a gradebook CSV exported from Canvas (*Grades > Export*) with
  the lesson columns filled in, ready for *Grades > Import*. Canvas files
  start with a header row (``Student, ID, SIS User ID, SIS Login ID,
  Section``, then one column per assignment, named ``<title> (<id>)``, and
  read-only totals) and a ``Points Possible`` row. A lesson's column is the
  assignment whose title is, or starts with, the lesson id; a student's row is the one whose SIS Login ID
  is the roster's lms id, email or student id. Every other cell is written
  back as it was read.
* ``nbgrader``: students, assignments (one notebook named like the lesson,
  one grade cell per exercise) and submissions with their points, in an
  nbgrader ``gradebook.db``, so ``nbgrader export`` and formgrader list them.
"""
import csv
import re
from dataclasses import dataclass
from pathlib import Path

from course import deadlines, gradebook, roster
from course.roster import Person

FORMATS = ("moodle", "canvas", "nbgrader")


class ExportError(ValueError):
    """The export cannot be written; the message says what to do."""


@dataclass(frozen=True)
class Grade:
    status: str  # graded, rejected, error, or missing
    score: float


@dataclass
class ClassGrades:
    people: list  # Person, in roster order (or by student id)
    lessons: list
    grades: dict  # (student, lesson) -> Grade
    notes: list

    def grade(self, student, lesson):
        return self.grades[student, lesson]


def class_grades(results, people=None):
    """Every student's grade for every lesson that has results, missing ones included."""
    lessons = roster.lessons_of(results)
    notes = []
    if people is None:
        people = {s: Person(s, "", "") for s in sorted({r["student"] for r in results})}
    matched, strangers = roster.results_by_student(people, results)
    if strangers:
        notes.append("not on the roster, not exported: "
                     + ", ".join(f"{r['student']} ({r['lesson']})" for r in strangers))
    grades = {(s, lesson): Grade("missing", 0.0) for s in people for lesson in lessons}
    for student, by_lesson in matched.items():
        for lesson, r in by_lesson.items():
            score = r.get("final_score", r["score"]) if r["status"] == "graded" else 0.0
            grades[student, lesson] = Grade(r["status"], score)
    missing = sum(g.status == "missing" for g in grades.values())
    if missing:
        notes.append(f"{missing} missing submission(s) exported as 0")
    return ClassGrades(list(people.values()), lessons, grades, notes)


def _num(value):
    return f"{value:g}"


def moodle(grades, path, key="email"):
    """Write the CSV for Moodle's grade import, keyed by ``email`` or ``username``."""
    column = {"email": "Email address", "username": "Username"}[key]
    rows = []
    for person in grades.people:
        ident = person.email if key == "email" else (person.lms_id or person.student)
        if not ident:
            raise ExportError(f"{person.student} has no {key}: Moodle needs it to find the student; "
                              "add it to the roster (or pass --roster)")
        rows.append([ident, person.name] + [_num(grades.grade(person.student, l).score) for l in grades.lessons])
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([column, "Full name", *grades.lessons])
        writer.writerows(rows)
    return grades.notes


CANVAS_FIXED = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


def _assignment_title(header):
    """``05_siamese (1234)`` -> ``05_siamese``; None for a column that is not an assignment (no id)."""
    match = re.fullmatch(r"\s*(.*?)\s*\(\d+\)\s*", header)
    return match.group(1) if match else None


def canvas(grades, template, path):
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
    by_login = {}
    for person in grades.people:
        for ident in {person.lms_id, person.email, person.student} - {""}:
            by_login.setdefault(ident.lower(), person)
    written = set()
    for row in rows[1:]:
        if row[0].strip() == "Points Possible" or len(row) <= login or not row[login].strip():
            continue
        person = by_login.get(row[login].strip().lower())
        if person is None:
            continue
        written.add(person.student)
        row.extend([""] * (len(header) - len(row)))
        for lesson, i in columns.items():
            row[i] = _num(grades.grade(person.student, lesson).score)
    absent = [p.student for p in grades.people if p.student not in written]
    if absent:
        notes.append("no row in the Canvas file (SIS Login ID is not their lms id, email or student id): "
                     + ", ".join(absent))
    with open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
        csv.writer(f).writerows(rows)
    return notes


def nbgrader(grades, results, path):
    """Add the students, lessons and grades to the nbgrader gradebook ``path`` (created if needed)."""
    from nbgrader.api import Gradebook, MissingEntry

    from course.nbgrader_runner import find_scripts_without_activation
    from course.nbgrader_settings import COURSE_ID

    find_scripts_without_activation()  # nbgrader runs alembic by name

    cells = {}
    for r in results:
        for c in r["cells"]:
            cells.setdefault(r["lesson"], {})[c["id"]] = c["max"]
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
        people = {p.student for p in grades.people}
        for r in results:
            if r["student"] not in people:
                continue
            gb.update_or_create_submission(r["lesson"], r["student"])
            scores = {c["id"]: c["score"] if r["status"] == "graded" else 0.0 for c in r["cells"]}
            for cell_id in cells[r["lesson"]]:
                grade = gb.find_grade(cell_id, r["lesson"], r["lesson"], r["student"])
                grade.auto_score = scores.get(cell_id, 0.0)
                grade.manual_score = None
                grade.needs_manual_grade = False
            gb.db.commit()
    return grades.notes


def export(grading_dir, fmt, out, roster_path=None, template=None, key="email"):
    """Export the grades of ``grading_dir`` as ``fmt`` into ``out``; return notes for the instructor."""
    results = deadlines.with_penalties(gradebook.load_results(Path(grading_dir) / "results"),
                                       deadlines.for_grading(grading_dir))
    if not results:
        raise ExportError(f"{grading_dir}: no results to export; grade the class first (python -m course grade)")
    people = roster.for_grading(grading_dir, roster_path)
    grades = class_grades(results, people)
    if fmt == "moodle":
        if people is None and key == "email":
            raise ExportError("Moodle finds students by email or username: pass --roster roster.csv "
                              "(or --key username to use the student ids as usernames)")
        return moodle(grades, out, key)
    if fmt == "canvas":
        if template is None:
            raise ExportError("canvas needs --template: the gradebook CSV exported from Canvas "
                              "(Grades > Export > Export Entire Gradebook)")
        return canvas(grades, template, out)
    return nbgrader(grades, results, out)
