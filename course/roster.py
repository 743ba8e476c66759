"""The class list: who should hand in work, and how the learning platform knows them.

A roster is a CSV file with a header row and the columns ``student id`` (the
id in the submission file names), ``name``, ``email`` and, optionally,
``lms id`` (the student's login or user id on the learning platform) and
``canvas id`` (the number Canvas puts in its download names, the ``ID``
column of a Canvas gradebook). Headers are matched ignoring case, spaces,
``_`` and ``-``, so ``Student ID``, ``student_id`` and ``studentid`` are the
same column; other columns are ignored.

The file is read as Excel writes it: UTF-8 (with or without a byte-order
mark), UTF-16 ("Unicode text"), or Windows-1252 (Latin-1) otherwise; fields
separated by commas, semicolons (Excel where the decimal comma is used, as in
Brazil and most of Europe) or tabs, whichever gives the required columns.

``grade --roster`` and ``report --roster`` keep a copy as ``roster.csv`` in the
grading folder, so later ``report`` and ``export`` runs use it without being told.

A submission is someone's on the roster when :class:`Matcher` finds them:
by the platform's user id, by the student id written as the file names, or
by the name the platform wrote (see :func:`name_key`).
"""
import csv
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from course.submissions import safe_student_id

FILE_NAME = "roster.csv"
_COLUMNS = {"studentid": "student", "name": "name", "email": "email", "lmsid": "lms_id", "canvasid": "canvas_id"}
_REQUIRED = ("studentid", "name", "email")
_NAMES = {"studentid": "student id", "name": "name", "email": "email"}
_HEADER = "student id,name,email[,lms id][,canvas id]"
_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class Person:
    student: str
    name: str
    email: str
    lms_id: str = ""
    canvas_id: str = ""


class RosterError(ValueError):
    """The roster file cannot be used; the message says what to fix."""


def _key(header):
    return re.sub(r"[\s_-]+", "", header.strip().lower())


def _text(path, data):
    """The file's text, in the encoding Excel or a text editor wrote it in."""
    if data.startswith(b"PK\x03\x04"):
        raise RosterError(f"{path}: an Excel workbook, not a CSV file; save it with File > Save As > CSV UTF-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise RosterError(f"{path}: UTF-16 text without a byte-order mark; save it as CSV UTF-8")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1")  # cp1252 leaves five bytes undefined; Latin-1 reads them all


def _rows(path, text):
    """The rows, split at the delimiter with which the header has the required columns."""
    lines = text.splitlines()
    header = next((line for line in lines if line.strip()), "")
    if not header:
        raise RosterError(f"{path}: the roster is empty; it needs a header row: {_HEADER}")
    for delimiter in _DELIMITERS:
        keys = [_key(h) for h in next(csv.reader([header], delimiter=delimiter))]
        if all(k in keys for k in _REQUIRED):
            return list(csv.reader(lines, delimiter=delimiter))
    keys = [_key(h) for h in next(csv.reader([header], delimiter=max(_DELIMITERS, key=header.count)))]
    missing = [_NAMES[k] for k in _REQUIRED if k not in keys]
    raise RosterError(f"{path}: the header has no column {', '.join(missing)} (it reads {header.strip()[:80]!r}); "
                      f"expected {_HEADER}, separated by commas, semicolons or tabs")


def read(path):
    """``{student id: Person}`` in the file's order."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise RosterError(f"{path}: cannot be read ({error.strerror or error})") from None
    rows = [row for row in _rows(path, _text(path, data)) if any(cell.strip() for cell in row)]
    keys = [_key(h) for h in rows[0]]
    index = {_COLUMNS[k]: keys.index(k) for k in _COLUMNS if k in keys}
    people = {}
    for line, row in enumerate(rows[1:], start=2):
        row = row + [""] * (len(keys) - len(row))
        person = Person(**{field: unicodedata.normalize("NFC", row[i].strip()) for field, i in index.items()})
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


def name_key(name):
    """A name as compared with another: Unicode NFC (a file name from macOS is NFD), case folded, and
    spaces and ``_`` alike (a learning platform writes ``maria clara`` as ``maria_clara``)."""
    return re.sub(r"[\s_]+", " ", unicodedata.normalize("NFC", name).casefold()).strip()


def _letters(name):
    """Only the letters and digits of a name, accents removed: how Canvas writes a name in its download
    names (``Lovelace, Ada`` -> ``lovelaceada``), and what still matches when accents were dropped."""
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower())


class Matcher:
    """Finds the roster student a submission is from.

    In this order, and only when exactly one student fits: the platform's
    user id (``lms id`` or ``canvas id``); the student id as written or as
    the safe id it is graded under; the student id or the full name (Moodle
    writes it) as :func:`name_key` compares them; the letters of the name, first-last or
    last-first (Canvas's ``lovelaceada``) or of the student id (a platform
    that dropped the accents).
    """

    def __init__(self, people):
        self.people = people
        self._ids, self._exact, self._names, self._letters = {}, {}, {}, {}
        for person in people.values():
            for ident in {person.lms_id, person.canvas_id} - {""}:
                self._ids.setdefault(ident.casefold(), set()).add(person.student)
            for key in {person.student, safe_student_id(person.student)}:
                self._exact.setdefault(key, set()).add(person.student)
            self._names.setdefault(name_key(person.student), set()).add(person.student)
            words = person.name.split()
            for variant in {person.name, " ".join(words[-1:] + words[:-1]), person.student} - {""}:
                self._letters.setdefault(_letters(variant), set()).add(person.student)
            self._names.setdefault(name_key(person.name), set()).add(person.student)

    def find(self, names, lms_id=""):
        """The :class:`Person` known by any of ``names`` (or the platform's ``lms_id``), or None."""
        names = [n for n in names if n]
        for index, keys in ((self._ids, [lms_id.casefold()] if lms_id else []),
                            (self._exact, names),
                            (self._names, [name_key(n) for n in names]),
                            (self._letters, [_letters(n) for n in names])):
            found = set().union(*(index.get(k, set()) for k in keys if k))
            if len(found) == 1:
                return self.people[found.pop()]
        return None

    def of_result(self, result):
        return self.find([result.get("submitted_as", ""), result["student"]], result.get("lms_id", ""))


def results_by_student(people, results):
    """``({roster student id: {lesson: result}}, [results of no roster student])``: the one way the report
    and the exports tell whose a result is."""
    matcher = Matcher(people)
    matched, strangers = {student: {} for student in people}, []
    for result in results:
        person = matcher.of_result(result)
        if person is None:
            strangers.append(result)
        else:
            matched[person.student][result["lesson"]] = result
    return matched, sorted(strangers, key=lambda r: (r["student"], r["lesson"]))


def lessons_of(results):
    return sorted({r["lesson"] for r in results})


def missing(people, results):
    """``[(lesson, Person)]``: roster students with no submission of a lesson someone handed in."""
    matched, _ = results_by_student(people, results)
    return [(lesson, person) for lesson in lessons_of(results) for person in people.values()
            if lesson not in matched[person.student]]


def not_on_roster(people, results):
    """The results of no roster student, by student and lesson."""
    return results_by_student(people, results)[1]
