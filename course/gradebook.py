"""The class's results as files an instructor opens: gradebook and failure summary."""
import json
from collections import Counter, defaultdict
from pathlib import Path

from course import csv_safety, submission_edition
from course.html_safety import markdown_text
from utils.i18n import ENGLISH, N_, _, integer, speaking


STATUSES = ("graded", "rejected", "error")
MAX_RESULT_BYTES = 2**20


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _valid(result, student, lesson):
    if not isinstance(result, dict) or result.get("student") != student or result.get("lesson") != lesson:
        return False
    if result.get("status") not in STATUSES or not isinstance(result.get("message"), str):
        return False
    cells = result.get("cells")
    if not isinstance(cells, list) or not cells:
        return False
    for cell in cells:
        if not (isinstance(cell, dict) and isinstance(cell.get("exercise"), str) and isinstance(cell.get("message"), str)
                and _number(cell.get("score")) and _number(cell.get("max")) and 0 <= cell["score"] <= cell["max"]):
            return False
    return (_number(result.get("score")) and _number(result.get("max_score"))
            and abs(result["score"] - sum(c["score"] for c in cells)) < 1e-6
            and abs(result["max_score"] - sum(c["max"] for c in cells)) < 1e-6)


def read_result(path, student, lesson):
    """The result in ``path`` if it is a sound result of ``student`` for ``lesson``, else None."""
    path = Path(path)
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_RESULT_BYTES:
            return None
        result = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return result if _valid(result, student, lesson) else None


def load_results(results_dir):
    """Every sound result under ``results_dir`` (``<lesson>/<student>.json``) of a lesson of
    the course; damaged or foreign files are left out (the next run grades them again)."""
    from course.lessons import lesson_ids

    lessons = set(lesson_ids())
    found = (read_result(p, p.stem, p.parent.name) for p in sorted(Path(results_dir).glob("*/*.json"))
             if p.parent.name in lessons)
    return [result for result in found if result is not None]


def class_results(out):
    """``(results, waiting)``: the results of the grading folder ``out`` with the instructor's overrides
    and the late penalties (:mod:`course.deadlines`) applied, and the overrides that apply to nothing
    (:mod:`course.overrides`)."""
    from course import deadlines, overrides

    results, waiting = overrides.apply(load_results(Path(out) / "results"), overrides.load(out))
    return deadlines.with_penalties(results, deadlines.for_grading(out)), waiting


def write_gradebook(results, path):
    """One row per student; per exercise, per lesson and overall points.

    Columns: ``student``, ``submitted_as`` (the name in the files, when it was
    not a safe student id), then for each lesson ``<lesson>:<exercise>`` ...,
    ``<lesson>:total``, ``<lesson>:status`` and ``<lesson>:language`` (the
    edition the submission was made from: ``en``, ``pt_BR``), the lateness
    (:mod:`course.deadlines`): ``<lesson>:submitted_at``, ``<lesson>:days_late``,
    ``<lesson>:penalty`` (points) and ``<lesson>:final`` (the total less the
    penalty), then ``total`` (of the finals), ``max_total`` (the points of every
    lesson graded), and ``overrides``: the instructor's scores
    (``<lesson>:<exercise> <points> (autograder <points>): <reason>``), already
    counted in the points. A student with no
    submission for a lesson gets empty cells there (not zeros), so missing
    and failed work stay distinguishable.
    """
    lessons = defaultdict(dict)  # lesson -> exercise -> max points
    by_student = defaultdict(dict)
    for result in results:
        for cell in result["cells"]:
            lessons[result["lesson"]][cell["exercise"]] = cell["max"]
        by_student[result["student"]][result["lesson"]] = result
    header = ["student", "submitted_as"]
    for lesson in sorted(lessons):
        header += [f"{lesson}:{exercise}" for exercise in lessons[lesson]]
        header += [f"{lesson}:{column}" for column in ("total", "status", "language", *LATENESS)]
    header += ["total", "max_total", "overrides"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv_safety.writer(f)
        writer.writerow(header)
        for student in sorted(by_student):
            names = sorted({r.get("submitted_as") or student for r in by_student[student].values()} - {student})
            row, total, max_total = [student, " / ".join(names)], 0.0, 0.0
            for lesson in sorted(lessons):
                result = by_student[student].get(lesson)
                scores = {c["exercise"]: c["score"] for c in result["cells"]} if result else {}
                row += [_num(scores[e]) if e in scores else "" for e in lessons[lesson]]
                row += _lesson_cells(result) if result else [""] * (3 + len(LATENESS))
                total += result.get("final_score", result["score"]) if result else 0.0
                max_total += sum(lessons[lesson].values())
            notes = [f"{r['lesson']}:{c['exercise']} {_num(c['score'])} (autograder {_num(c['autograded'])}): "
                     f"{c['reason']}" for _, r in sorted(by_student[student].items()) for c in r.get("overrides", [])]
            writer.writerow(row + [_num(total), _num(max_total), "; ".join(notes)])


LATENESS = ("submitted_at", "days_late", "penalty", "final")


def _lesson_cells(result):
    return [_num(result["score"]), result["status"], result.get("language", ENGLISH),
            result.get("submitted_at", "") or ("late" if result.get("late") else ""), str(result.get("days_late", 0)),
            _num(result.get("penalty", 0.0)), _num(result.get("final_score", result["score"]))]


def _num(value):
    return f"{value:g}"


def failure_summary(results, top=3):
    """Per lesson and exercise: how many failed, and the commonest reasons.

    Returns rows ``(lesson, exercise, failed, graded, [(message, count), ...])``.
    """
    counts = defaultdict(lambda: [0, 0, Counter()])
    for result in results:
        for cell in result["cells"]:
            entry = counts[result["lesson"], cell["exercise"]]
            entry[1] += 1
            if cell["score"] < cell["max"]:
                entry[0] += 1
                entry[2][_reason(cell["message"])] += 1
    return [(lesson, exercise, failed, graded, reasons.most_common(top))
            for (lesson, exercise), (failed, graded, reasons) in sorted(counts.items())]


def _reason(message):
    """The part of a message that names the mistake, without the student's own numbers."""
    head = message.split(": expected")[0].split(", got")[0]
    return head[:160] or "no message"


def write_summary(results, path):
    """``summary.md``: per exercise, how many lost points and the commonest reasons, in the class's language."""
    with speaking(class_language(results)):
        lines = ["# " + _("What the class got wrong"), ""]
        for lesson, exercise, failed, graded, reasons in failure_summary(results):
            lines.append("- " + _("{lesson} / {exercise}: {failed} of {graded} lost points").format(
                lesson=lesson, exercise=exercise, failed=integer(failed), graded=integer(graded)))
            lines += [f"    - {integer(count)} × {markdown_text(reason)}" for reason, count in reasons]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


STATUS_WORDS = {"graded": N_("graded"), "rejected": N_("rejected"), "error": N_("error")}


def status_word(status):
    """A result's status (``graded``, ``rejected``, ``error``) in the current language."""
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status


def class_language(results):
    """The language to speak about ``results``: the edition they share, English when they mix."""
    return submission_edition.shared(r.get("language", ENGLISH) for r in results)
