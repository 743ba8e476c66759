"""The class's results as files an instructor opens: gradebook and failure summary."""
import csv
import json
from collections import Counter, defaultdict
from pathlib import Path


def load_results(results_dir):
    """Every complete result under ``results_dir`` (``<lesson>/<student>.json``)."""
    return [json.loads(p.read_text()) for p in sorted(Path(results_dir).glob("*/*.json"))]


def write_gradebook(results, path):
    """One row per student; per exercise, per lesson and overall points.

    Columns: ``student``, then for each lesson ``<lesson>:<exercise>`` ... and
    ``<lesson>:total``, then ``total`` and ``max_total``. A student with no
    submission for a lesson gets empty cells there (not zeros), so missing
    and failed work stay distinguishable.
    """
    lessons = defaultdict(dict)  # lesson -> exercise -> max points
    by_student = defaultdict(dict)
    for result in results:
        for cell in result["cells"]:
            lessons[result["lesson"]][cell["exercise"]] = cell["max"]
        by_student[result["student"]][result["lesson"]] = result
    header = ["student"]
    for lesson in sorted(lessons):
        header += [f"{lesson}:{exercise}" for exercise in lessons[lesson]] + [f"{lesson}:total"]
    header += ["total", "max_total"]
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for student in sorted(by_student):
            row, total, max_total = [student], 0.0, 0.0
            for lesson in sorted(lessons):
                result = by_student[student].get(lesson)
                scores = {c["exercise"]: c["score"] for c in result["cells"]} if result else {}
                row += [_num(scores[e]) if e in scores else "" for e in lessons[lesson]]
                row.append(_num(result["score"]) if result else "")
                total += result["score"] if result else 0.0
                max_total += sum(lessons[lesson].values())
            writer.writerow(row + [_num(total), _num(max_total)])


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
    lines = ["# What the class got wrong", ""]
    for lesson, exercise, failed, graded, reasons in failure_summary(results):
        lines.append(f"- {lesson} / {exercise}: {failed} of {graded} lost points")
        lines += [f"    - {count} x {reason}" for reason, count in reasons]
    Path(path).write_text("\n".join(lines) + "\n")
    return lines
