"""Mutation score of every hidden check: how many automatic mutants of the reference each one kills.

Runs tests/mutation.py over the chosen lessons (one at a time: lessons 04 and
05 train for every mutant of a training cell) and prints, per exercise, the
mutants made, killed, recorded as equivalent (tests/equivalent_mutants.toml),
surviving, and the score killed / (mutants - equivalent). With --survivors,
lists each survivor's key, ready to be killed or reviewed.

    python bench/mutation.py 00_keras_refresher 01_lambda_layers [--exercise KEY ...] [--survivors]
"""
import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("COURSE_QUICK_RUN", "1")  # the grading run length, as the test suite uses
os.environ.setdefault("MPLBACKEND", "Agg")

import utils  # noqa: E402,F401  (first: it quiets TensorFlow's start-up log)

from course.lessons import lesson_ids  # noqa: E402
from tests import mutation  # noqa: E402


def _progress(lesson, known):
    """Print each survivor to stderr as soon as it is known (a lesson that trains takes minutes)."""
    def report(outcome):
        if not outcome.killed and (lesson, outcome.exercise, outcome.mutant.key) not in known:
            print(f"survivor: {lesson} | {outcome.exercise} | {outcome.mutant.key}", file=sys.stderr, flush=True)
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", default=lesson_ids())
    parser.add_argument("--exercise", action="append", help="only the mutants judged by this hidden test")
    parser.add_argument("--survivors", action="store_true", help="list every survivor that is not equivalent")
    args = parser.parse_args()
    known = mutation.equivalents()
    rows, listed, by_operator = [], [], Counter()
    for lesson in args.lessons:
        start = time.perf_counter()
        outcomes = mutation.run_lesson(lesson, args.exercise, report=_progress(lesson, known))
        seconds = time.perf_counter() - start
        survivors = mutation.survivors(lesson, outcomes)  # the list as it is now: it may be reviewed meanwhile
        listed += [(lesson, o) for o in survivors]
        for o in outcomes:
            fate = "killed" if o.killed else "survived" if o in survivors else "equivalent"
            by_operator[o.mutant.operator, lesson, fate] += 1
        for exercise in dict.fromkeys(o.exercise for o in outcomes):
            mine = [o for o in outcomes if o.exercise == exercise]
            killed = sum(o.killed for o in mine)
            alive = sum(o in survivors for o in mine)
            equivalent = len(mine) - killed - alive
            score = killed / (len(mine) - equivalent) if len(mine) > equivalent else 1.0
            rows.append((lesson, exercise, len(mine), killed, equivalent, alive, f"{score:.0%}"))
        print(f"{lesson}: {len(outcomes)} mutants in {seconds:.0f} s", file=sys.stderr, flush=True)
    header = ("lesson", "exercise", "mutants", "killed", "equivalent", "survived", "score")
    _print_table(header, rows)
    print("\nper operator: killed / mutants (equivalent, survived) in each lesson")
    operators = sorted({operator for operator, _, _ in by_operator})
    _print_table(("operator", *args.lessons), [
        (operator, *(_operator_cell(by_operator, operator, lesson) for lesson in args.lessons))
        for operator in operators])
    per_lesson = Counter(lesson for lesson, _ in listed)
    print("survivors per lesson:", ", ".join(f"{lesson} {per_lesson[lesson]}" for lesson in args.lessons))
    if args.survivors:
        for lesson, outcome in listed:
            print(f"{lesson} | {outcome.exercise} | {outcome.mutant.key}")


def _operator_cell(by_operator, operator, lesson):
    killed, equivalent, survived = (by_operator[operator, lesson, fate] for fate in ("killed", "equivalent", "survived"))
    made = killed + equivalent + survived
    return f"{killed}/{made} ({equivalent}, {survived})" if made else "-"


def _print_table(header, rows):
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)))


if __name__ == "__main__":
    main()
