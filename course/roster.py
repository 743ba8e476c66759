"""The class list: who should hand in work, and how the learning platform knows them.

A roster is a CSV file with a header row and the columns ``student id`` (the
id in the submission file names), ``name``, ``email`` and, optionally,
``lms id`` (the student's login or user id on the learning platform).
Headers are matched ignoring case, spaces, ``_`` and ``-``, so ``Student ID``,
``student_id`` and ``studentid`` are the same column; other columns are ignored.

``grade --roster`` and ``report --roster`` keep a copy as ``roster.csv`` in the
grading folder, so later ``report`` and ``export`` runs use it without being told.
"""
import csv
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

FILE_NAME = "roster.csv"
_COLUMNS = {"studentid": "student", "name": "name", "email": "email", "lmsid": "lms_id"}
_REQUIRED = ("studentid", "name", "email")


@dataclass(frozen=True)
class Person:
    student: str
    name: str
    email: str
    lms_id: str = ""


class RosterError(ValueError):
    """The roster file cannot be used; the message says what to fix."""


def _key(header):
    return re.sub(r"[\s_-]+", "", header.strip().lower())


def read(path):
    """``{student id: Person}`` in the file's order."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    if not rows:
        raise RosterError(f"{path}: the roster is empty; it needs a header row: student id,name,email[,lms id]")
    keys = [_key(h) for h in rows[0]]
    missing = [k for k in _REQUIRED if k not in keys]
    if missing:
        raise RosterError(f"{path}: the header has no column {', '.join(missing)}; "
                          "expected student id,name,email[,lms id]")
    index = {_COLUMNS[k]: keys.index(k) for k in _COLUMNS if k in keys}
    people = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        row = row + [""] * (len(keys) - len(row))
        person = Person(**{field: row[i].strip() for field, i in index.items()})
        if not person.student:
            raise RosterError(f"{path}, line {line}: the student id is empty")
        if person.student in people:
            raise RosterError(f"{path}, line {line}: student id {person.student!r} is listed twice")
        people[person.student] = person
    return people


def for_grading(out, path=None):
    """The roster of the grading folder ``out``: ``path`` (then kept as ``out/roster.csv``), else the kept
    copy, else None."""
    kept = Path(out) / FILE_NAME
    if path is not None:
        people = read(path)
        if Path(path).resolve() != kept.resolve():
            shutil.copyfile(path, kept)
        return people
    return read(kept) if kept.is_file() else None


def lessons_of(results):
    return sorted({r["lesson"] for r in results})


def missing(people, results):
    """``[(lesson, Person)]``: roster students with no submission of a lesson someone handed in."""
    handed_in = {(r["lesson"], r["student"]) for r in results}
    return [(lesson, person) for lesson in lessons_of(results) for person in people.values()
            if (lesson, person.student) not in handed_in]


def not_on_roster(people, results):
    """The results whose student id is not on the roster, by student and lesson."""
    return sorted((r for r in results if r["student"] not in people), key=lambda r: (r["student"], r["lesson"]))
