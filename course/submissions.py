"""Find the submissions to grade in a folder, a zip file as a learning platform gives it, or one notebook.

A folder may hold, side by side, the layouts the platforms download:

* nbgrader's ``<student>/<lesson>/<any name>.ipynb`` (the folder is usually
  ``submitted/``; a ``timestamp.txt`` beside the notebook is the submission time);
* the nbgrader exchange's (JupyterHub, ngshare) ``inbound/<student>+<lesson>+<time>[+<random>]/*.ipynb``;
* Canvas's *Download Submissions*: ``<name>_[late_]<user id>_<attachment id>_<file name>[-<n>].ipynb``,
  for example ``lovelaceada_1001_55501_01_lambda_layers.ipynb``; ``late`` is
  Canvas's late flag, ``-<n>`` a file uploaded again;
* Moodle's *Download all submissions*: ``<full name>_<participant id>_assignsubmission_file_<file name>``,
  or a folder of that name holding the student's files (nested folders too);
  the time a file was uploaded is its modification time, as Moodle's zip gives it;
* flat, one file per student and lesson: ``<student>_<lesson>.ipynb``, for
  example ``ada_lovelace_01_lambda_layers.ipynb``.

In the platforms' layouts the lesson is the lesson id in the notebook's own
file name (or ``--lesson``). When a student handed in a lesson more than
once, the latest is graded (by its time, then Canvas's attachment id and
upload count) and the others are listed.

A single ``.ipynb`` path is graded too (self-study); its student id is taken
from the flat naming rule when the name follows it, else ``me``.

Any name is graded: one that is not a safe student id (spaces, accents,
``..``, more than 64 characters) is graded under :func:`safe_student_id`,
and the result keeps the name as it was (``submitted_as``), which the roster
is matched on (:class:`course.roster.Matcher`).
"""
import datetime
import hashlib
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from course.lessons import lesson_ids
from course.submission_file import MAX_SUBMISSION_BYTES

STUDENT_ID = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_-]|\.(?!\.)){0,63}$")
DIGEST_SUFFIX = re.compile(r"-[0-9a-f]{8}$")
CANVAS = re.compile(r"^(?P<name>[^_]+)_(?:(?P<late>late)_)?(?P<user>\d+)_(?P<attachment>\d+)_(?P<file>.+?)"
                    r"(?:-(?P<copy>\d+))?$", re.IGNORECASE)
MOODLE = re.compile(r"^(?P<name>.+)_(?P<participant>\d+)_assignsubmission_(?P<plugin>[a-z]+)_?(?P<file>.*)$")
EXCHANGE = re.compile(r"^(?P<student>[^+]+)\+(?P<lesson>[^+]+)\+(?P<time>[^+]+)(?:\+[^+]*)?$")
MAX_ZIP_MEMBERS = 10_000


class ArchiveError(ValueError):
    """A zip file of submissions cannot be read."""


def safe_student_id(name):
    """``name`` itself when it is a safe id, else letters, digits and ``_`` from it plus a
    short digest of the whole name, so that two names never share an id (a safe-looking
    name that ends like a digest gets one too, so that nobody can take another's id).
    The name is NFC-normalised first, so that the same name typed on macOS (NFD) and
    elsewhere gets the same id."""
    name = unicodedata.normalize("NFC", name)
    if STUDENT_ID.match(name) and not DIGEST_SUFFIX.search(name):
        return name
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    readable = re.sub(r"[^A-Za-z0-9]+", "_", ascii_name).strip("_")[:48] or "student"
    return f"{readable}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"


@dataclass(frozen=True)
class Submission:
    student: str  # the id it is graded under
    lesson: str
    path: Path
    submitted_as: str = ""  # the student's name as the files give it
    lms_id: str = ""  # Canvas's user id or Moodle's participant id
    late: bool = False  # the platform marked it late (Canvas)
    submitted_at: str = ""  # ISO 8601, when the layout records the time
    order: tuple = ()  # later resubmissions sort higher

    @property
    def name(self):
        return f"{self.student}/{self.lesson}"

    def as_student(self, student):
        """This submission graded under another id (the roster's)."""
        return Submission(student, self.lesson, self.path, self.submitted_as, self.lms_id, self.late,
                          self.submitted_at, self.order)


def _flat(path, lessons):
    """``(student, lesson)`` from ``<student>_<lesson>.ipynb``, or None."""
    for lesson in lessons:
        suffix = f"_{lesson}"
        if path.stem.endswith(suffix) and len(path.stem) > len(suffix):
            return path.stem[: -len(suffix)], lesson
    return None


def _lesson_named(file_name, lessons, single_lesson):
    """The lesson whose id the file name holds; else ``single_lesson``, or the course's only lesson."""
    named = [lesson for lesson in lessons if lesson in file_name]
    if len(named) == 1:
        return named[0]
    return single_lesson or (lessons[0] if len(lessons) == 1 else None)


def naming_rule(lessons):
    return f"name files <student>_<lesson>.ipynb, with <lesson> one of {', '.join(lessons)}"


def _iso(when):
    return when.astimezone(datetime.timezone.utc).isoformat(timespec="seconds")


def parse_time(text):
    """nbgrader's timestamp (``2026-12-06 16:09:49.123456 UTC``, or ISO 8601) as ISO 8601 in UTC, or ""."""
    text = text.strip().removesuffix("UTC").strip()
    try:
        when = datetime.datetime.fromisoformat(text)
    except ValueError:
        return ""
    return _iso(when if when.tzinfo else when.replace(tzinfo=datetime.timezone.utc))


def _modified(path):
    return _iso(datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.timezone.utc))


def find(target, lessons=None, single_lesson=None):
    """Return ``(submissions, problems)``; problems are messages about files that were skipped."""
    lessons = lessons or lesson_ids()
    target = Path(target)
    submissions, problems = [], []
    inside = target.resolve() if target.is_dir() else target.resolve().parent

    def add(student, lesson, path, **about):
        if path.is_symlink() or inside not in path.resolve().parents:
            problems.append(f"{path}: skipped: a link, not a file; put the notebook itself there")
        else:
            student = unicodedata.normalize("NFC", student)
            submissions.append(Submission(safe_student_id(student), lesson, path.resolve(), student, **about))

    def add_named(student, path, **about):
        lesson = _lesson_named(path.name, lessons, single_lesson)
        if lesson is None:
            problems.append(f"{path}: skipped: its name holds no lesson id ({', '.join(lessons)}); "
                            "rename it or pass --lesson")
        else:
            add(student, lesson, path, **about)

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
        if path.name.startswith("."):
            continue
        canvas, moodle, exchange = CANVAS.match(path.stem), MOODLE.match(path.name), EXCHANGE.match(path.name)
        if path.is_file() and path.suffix == ".ipynb":
            if moodle:
                add_named(moodle["name"], path, lms_id=moodle["participant"], submitted_at=_modified(path))
            elif canvas:
                add_named(canvas["name"], path, lms_id=canvas["user"], late=bool(canvas["late"]),
                          order=(int(canvas["attachment"]), int(canvas["copy"] or 0)))
            elif _flat(path, lessons):
                add(*_flat(path, lessons), path)
            else:
                problems.append(f"{path.name}: skipped: {naming_rule(lessons)}")
        elif path.is_dir() and moodle:
            notebooks = sorted(p for p in path.rglob("*.ipynb") if not any(part.startswith(".") for part in
                                                                              p.relative_to(path).parts))
            if moodle["plugin"] != "file" or not notebooks:
                problems.append(f"{path.name}: skipped: no notebook in it")
            for notebook in notebooks:
                add_named(moodle["name"], notebook, lms_id=moodle["participant"], submitted_at=_modified(notebook))
        elif path.is_dir() and exchange:
            notebooks = sorted(path.glob("*.ipynb"))
            if exchange["lesson"] not in lessons:
                problems.append(f"{path.name}: skipped: {exchange['lesson']!r} is not a lesson of this course")
            elif len(notebooks) != 1:
                problems.append(f"{path.name}: skipped: expected one notebook, found {len(notebooks)}")
            else:
                add(exchange["student"], exchange["lesson"], notebooks[0], submitted_at=parse_time(exchange["time"]))
        elif path.is_dir():
            for lesson_dir in sorted(p for p in path.iterdir() if p.is_dir()):
                notebooks = sorted(lesson_dir.glob("*.ipynb"))
                stamp = lesson_dir / "timestamp.txt"
                if lesson_dir.name not in lessons:
                    problems.append(f"{lesson_dir}: skipped: {lesson_dir.name!r} is not a lesson of this course")
                elif len(notebooks) != 1:
                    problems.append(f"{lesson_dir}: skipped: expected one notebook, found {len(notebooks)}")
                else:
                    when = parse_time(stamp.read_text(errors="replace")[:100]) if stamp.is_file() else ""
                    add(path.name, lesson_dir.name, notebooks[0], submitted_at=when)
        else:
            problems.append(f"{path.name}: skipped: not a notebook; {naming_rule(lessons)}")
    return latest(submissions, problems)


def latest(submissions, problems=()):
    """``(submissions, problems)`` with one submission per student and lesson: the latest; the others
    are added to the problems."""
    problems = list(problems)
    groups = {}
    for sub in submissions:
        groups.setdefault((sub.student, sub.lesson), []).append(sub)
    kept = []
    for group in groups.values():
        newest = max(group, key=lambda s: (s.submitted_at, s.order))
        kept.append(newest)
        for sub in group:
            if sub is newest:
                continue
            if (sub.submitted_at, sub.order) == (newest.submitted_at, newest.order):
                problems.append(f"{sub.path}: skipped: a second submission of {sub.name} (kept {newest.path})")
            else:
                problems.append(f"{sub.path}: skipped: an earlier submission of {sub.name} "
                                f"(graded the latest, {newest.path.name})")
    return kept, problems


def unpack(archive, into):
    """Extract the notebooks (and nbgrader's ``timestamp.txt``) of the zip file ``archive`` into the folder
    ``into``, keeping their folders and times; return ``(into, problems)``.

    Names that would land outside ``into`` (absolute, ``..``), links and files over
    :data:`MAX_SUBMISSION_BYTES` are skipped, so a hostile zip writes nothing else."""
    into, problems = Path(into), []
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise zipfile.BadZipFile(f"more than {MAX_ZIP_MEMBERS} files")
            for member in members:
                parts = Path(member.filename).parts
                wanted = member.filename.endswith(".ipynb") or Path(member.filename).name == "timestamp.txt"
                if member.is_dir() or not wanted:
                    continue
                link = (member.external_attr >> 16) & 0o170000 == 0o120000
                if link or not parts or Path(member.filename).is_absolute() or ".." in parts:
                    problems.append(f"{archive}: {member.filename}: skipped: a link or a name outside the folder")
                elif member.file_size > MAX_SUBMISSION_BYTES:
                    problems.append(f"{archive}: {member.filename}: skipped: larger than "
                                    f"{MAX_SUBMISSION_BYTES // 2**20} MB")
                else:
                    path = into.joinpath(*parts)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    with zf.open(member) as source:
                        path.write_bytes(source.read(MAX_SUBMISSION_BYTES + 1))
                    when = datetime.datetime(*member.date_time).timestamp()
                    os.utime(path, (when, when))
    except (zipfile.BadZipFile, OSError) as error:
        raise ArchiveError(f"{archive}: not a zip file that can be read ({error})") from None
    return into, problems
