"""The instructor's own score for one exercise of one submission, kept through re-grades (as formgrader's
manual grades are).

``python -m course override grading/ STUDENT LESSON EXERCISE POINTS --reason "..."`` keeps it in
``<grading dir>/overrides.json``, a file grading never writes, so grading again (``--force`` too)
keeps it. :func:`course.gradebook.class_results` applies the overrides wherever results are read for
people (gradebook, report, exports, feedback release), and :func:`write_notes` puts an instructor's
note at the top of the student's feedback page. An override counts only on a graded submission whose
lesson has that exercise and for no more points than it is worth; any other one waits, and is listed.
"""
import html
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from course.grade_worker import write_json_atomically
from utils.i18n import _, number, speaking

FILE_NAME = "overrides.json"


@dataclass(frozen=True)
class Override:
    student: str
    lesson: str
    exercise: str
    points: float
    reason: str

    @property
    def key(self):
        return self.student, self.lesson, self.exercise


class OverrideError(ValueError):
    """The override cannot be set or read; the message says what to do."""


def load(out):
    """``{(student, lesson, exercise): Override}`` of the grading folder ``out``."""
    path = Path(out) / FILE_NAME
    if not path.is_file():
        return {}
    try:
        found = [Override(**entry) for entry in json.loads(path.read_text(encoding="utf-8"))]
    except (ValueError, TypeError) as error:
        raise OverrideError(f"{path}: not a list of overrides ({error}); fix or delete it") from None
    return {o.key: o for o in found}


def _save(out, overrides):
    write_json_atomically(Path(out) / FILE_NAME, [asdict(o) for o in sorted(overrides.values(), key=lambda o: o.key)])


def set_score(out, override):
    """Keep ``override`` in ``out`` after checking it against the submission's result."""
    from course import gradebook

    result = gradebook.read_result(Path(out) / "results" / override.lesson / f"{override.student}.json",
                                   override.student, override.lesson)
    if result is None:
        raise OverrideError(f"{out}: no result of {override.student} for {override.lesson}; grade it first")
    if result["status"] != "graded":
        raise OverrideError(f"{override.student} / {override.lesson} was not graded ({result['status']}: "
                            f"{result['message']}); grade it again first")
    cells = {c["exercise"]: c for c in result["cells"]}
    if override.exercise not in cells:
        raise OverrideError(f"{override.lesson} has no exercise {override.exercise!r}; its exercises: "
                            + ", ".join(cells))
    if not 0 <= override.points <= cells[override.exercise]["max"]:
        raise OverrideError(f"{override.exercise} is worth 0 to {cells[override.exercise]['max']:g} points, "
                            f"not {override.points:g}")
    overrides = load(out)
    overrides[override.key] = override
    _save(out, overrides)


def remove(out, student, lesson, exercise):
    overrides = load(out)
    if overrides.pop((student, lesson, exercise), None) is None:
        raise OverrideError(f"{out}: no override of {student} / {lesson} / {exercise}")
    _save(out, overrides)


def apply(results, overrides):
    """``(results, waiting)``: the results with the overrides' points (a cell keeps its ``autograded``
    score and the override's ``reason``; the result lists them as ``overrides``), and the overrides
    that found no graded cell to apply to."""
    used, changed = set(), []
    for result in results:
        if result["status"] == "graded":
            cells = []
            for cell in result["cells"]:
                override = overrides.get((result["student"], result["lesson"], cell["exercise"]))
                if override is not None and 0 <= override.points <= cell["max"]:
                    used.add(override.key)
                    cell = {**cell, "score": override.points, "autograded": cell["score"], "reason": override.reason}
                cells.append(cell)
            if any("autograded" in c for c in cells):
                result = {**result, "cells": cells, "score": sum(c["score"] for c in cells),
                          "overrides": [c for c in cells if "autograded" in c]}
        changed.append(result)
    return changed, [o for key, o in sorted(overrides.items()) if key not in used]


NOTE = re.compile(r'<div class="instructor-note"[^>]*>.*?</div><!-- /instructor-note -->', re.S)
BODY = re.compile(r"<body[^>]*>")


def note_html(result):
    """The instructor's note for the overridden cells of ``result``, in the student's language."""
    with speaking(result.get("language")):
        heading = _("Your instructor changed these scores:")
        items = "".join(
            "<li>" + html.escape(_("{exercise}: {points} points (the autograder gave {autograded}): {reason}").format(
                exercise=c["exercise"], points=number(c['score']), autograded=number(c['autograded']),
                reason=c["reason"])) + "</li>" for c in result["overrides"])
        total = html.escape(_("Your score for this lesson is now {score} / {max_score}.").format(
            score=number(result['score']), max_score=number(result['max_score'])))
    return (f'<div class="instructor-note" style="border:2px solid #c90;padding:8px 16px;margin:12px">'
            f"<p><strong>{html.escape(heading)}</strong></p><ul>{items}</ul><p>{total}</p>"
            "</div><!-- /instructor-note -->")


def write_notes(out, results):
    """Put each result's instructor's note at the top of its feedback page, or take an old one away.

    The note sits right after the page's ``<body>`` tag, before anything of the student's, so only a
    note found there is replaced."""
    for result in results:
        page = Path(out) / "feedback" / result["student"] / f"{result['lesson']}.html"
        if not page.is_file():
            continue
        text = page.read_text(encoding="utf-8")
        body = BODY.search(text)
        if body is None:
            continue
        start = body.end()
        old = NOTE.match(text, start)
        new = note_html(result) if result.get("overrides") else ""
        end = old.end() if old else start
        if text[start:end] != new:
            page.write_text(text[:start] + new + text[end:], encoding="utf-8")
