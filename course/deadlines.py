"""Due dates and late penalties, from a deadline file.

The file is CSV (comma, semicolon or tab) or TOML. CSV: a header row with
the columns ``lesson``, ``due``, ``penalty per day`` and ``cap``, one row per
lesson::

    lesson,due,penalty per day,cap
    01_lambda_layers,2026-12-01 23:59 -03:00,10,50

TOML: one table per lesson::

    [01_lambda_layers]
    due = "2026-12-01 23:59 -03:00"
    penalty_per_day = 10
    cap = 50

``due`` is a date and time (ISO 8601; without an offset it is this
machine's time zone); ``penalty per day`` is a percentage of the lesson's
points taken off for each day or part of a day late, ``cap`` the most
percentage taken off (default 100). A lesson that is not in the file has no
deadline.

How late a submission is comes from the time its layout records (nbgrader's
``timestamp.txt``, the exchange's folder name, Moodle's file time); Canvas
gives no time, only its late flag, which counts as one day. The penalty is
in points, never more than the score; the gradebook shows the score, the
days late, the penalty and the final score, and the exports use the final.

``grade --deadlines`` keeps a copy in the grading folder, as the roster is kept.
"""
import csv
import datetime
import math
import re
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

from course.lessons import lesson_ids

FILE_NAMES = ("deadlines.csv", "deadlines.toml")


class DeadlineError(ValueError):
    """The deadline file cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class Deadline:
    due: datetime.datetime
    percent_per_day: float
    cap_percent: float = 100.0

    def days_late(self, submitted_at, flagged_late):
        """Days or parts of a day after ``due`` (ISO 8601 ``submitted_at``); 1 when there is no time but
        the platform flagged it late."""
        if submitted_at:
            late = datetime.datetime.fromisoformat(submitted_at) - self.due
            return max(0, math.ceil(late / datetime.timedelta(days=1)))
        return 1 if flagged_late else 0

    def penalty(self, result):
        """``(days late, points taken off)`` for ``result``."""
        days = self.days_late(result.get("submitted_at", ""), result.get("late", False))
        percent = min(days * self.percent_per_day, self.cap_percent)
        return days, min(result["score"], round(result["max_score"] * percent / 100, 2))


def _entry(path, lesson, due, per_day, cap):
    where = f"{path}, {lesson}"
    if lesson not in lesson_ids():
        raise DeadlineError(f"{where}: not a lesson of this course ({', '.join(lesson_ids())})")
    try:
        when = datetime.datetime.fromisoformat(re.sub(r"\s+([+-]\d\d:?\d\d|Z)$", r"\1", str(due).strip()))
    except ValueError:
        raise DeadlineError(f"{where}: due {due!r} is not a date and time such as 2026-12-01 23:59 -03:00") from None
    try:
        per_day, cap = float(per_day or 0), float(cap if cap not in ("", None) else 100)
    except ValueError:
        raise DeadlineError(f"{where}: penalty per day and cap are percentages, such as 10 and 50") from None
    return lesson, Deadline(when if when.tzinfo else when.astimezone(), per_day, cap)


def read(path):
    """``{lesson: Deadline}`` from a CSV or TOML deadline file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise DeadlineError(f"{path}: cannot be read as UTF-8 text ({error})") from None
    if path.suffix == ".toml":
        try:
            tables = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise DeadlineError(f"{path}: not valid TOML ({error})") from None
        return dict(_entry(path, lesson, t.get("due", ""), t.get("penalty_per_day"), t.get("cap"))
                    for lesson, t in tables.items())
    lines = text.splitlines()
    delimiter = max((",", ";", "\t"), key=(lines[0] if lines else "").count)
    rows = list(csv.DictReader(lines, delimiter=delimiter))
    keys = {k: re.sub(r"[\s_-]+", "", (k or "").lower()) for k in (rows[0] if rows else {})}
    if "lesson" not in keys.values() or "due" not in keys.values():
        raise DeadlineError(f"{path}: needs a header row: lesson,due,penalty per day,cap")
    found = {}
    for row in rows:
        cells = {keys[k]: (v or "").strip() for k, v in row.items() if k in keys}
        if cells.get("lesson"):
            lesson, deadline = _entry(path, cells["lesson"], cells.get("due", ""), cells.get("penaltyperday"),
                                      cells.get("cap"))
            found[lesson] = deadline
    return found


def for_grading(out, path=None):
    """The deadlines of the grading folder ``out``: ``path`` (then kept there), else the kept copy, else {}."""
    if path is not None:
        deadlines = read(path)
        kept = Path(out) / FILE_NAMES[Path(path).suffix == ".toml"]
        if Path(path).resolve() != kept.resolve():
            for name in FILE_NAMES:
                (Path(out) / name).unlink(missing_ok=True)
            shutil.copyfile(path, kept)
        return deadlines
    kept = [Path(out) / name for name in FILE_NAMES if (Path(out) / name).is_file()]
    return read(kept[0]) if kept else {}


def with_penalties(results, deadlines):
    """``results``, each with ``days_late``, ``penalty`` (points) and ``final_score`` (the score the
    exports give)."""
    for result in results:
        deadline = deadlines.get(result["lesson"])
        days, points = deadline.penalty(result) if deadline else (0, 0.0)
        result.update(days_late=days, penalty=points, final_score=round(result["score"] - points, 6))
    return results
