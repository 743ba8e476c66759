"""Time what runs after grading: the class report and copy detection, for a class of 40.

Each synthetic student hands in every lesson: the reference with, in each
answer cell, at random, nothing changed, one of the project's alternative
answers or one of its mutants (``tests/test_lessonNN_checks.py``, applied
with ``tests.inprocess.mutate``); two students hand in disguised copies of
a classmate (``course.similarity.disguise``). Such a class is one-line
variations of one notebook, so copy detection rightly flags most pairs:
the figures that matter are the times, and that the planted copies score 1. Their result files are
written as grading would leave them (a mutant loses its exercise's points),
so no notebook is run. Prints the time of ``report.write_report`` and
``similarity.run`` and what copy detection flagged. Run from the
repository root:

    python bench/after_grading.py [--students 40] [--seed 0]
"""
import argparse
import importlib
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import utils  # noqa: E402,F401  (first: it quiets TensorFlow's start-up log)
from course import gradebook, notebook_format, report, similarity  # noqa: E402
from course.lessons import lesson_ids  # noqa: E402
from tests.inprocess import mutate, source_notebook  # noqa: E402

COPIERS = {"student38": "student05", "student39": "student17"}  # copier: whom they copied


def variants(lesson):
    """``{answer cell: [(mutant or None, is it wrong)]}`` of a lesson."""
    checks = importlib.import_module(f"tests.test_lesson{lesson[:2]}_checks")
    by_cell = {}
    for wrong, changes in ((False, checks.ALTERNATIVES), (True, checks.MUTANTS)):
        for change in changes:
            by_cell.setdefault(change.cell, []).append((change, wrong))
    return by_cell


def submission(lesson, by_cell, rng):
    """A notebook and the exercises it loses, with the message a grader would give."""
    nb, lost = source_notebook(lesson), {}
    for choices in by_cell.values():
        change, wrong = rng.choice([(None, False)] * len(choices) + choices)
        if change is not None:
            mutate(nb, change)
            if wrong:
                lost[change.breaks] = f"{change.breaks}: {change.name}"
    return nb, lost


def result(student, lesson, nb, lost, rng):
    cells = [{"id": c.metadata["nbgrader"]["grade_id"], "exercise": c.metadata["nbgrader"]["grade_id"][5:],
              "max": c.metadata["nbgrader"]["points"]} for c in nb.cells
             if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")]
    for cell in cells:
        cell["score"] = 0.0 if cell["exercise"] in lost else float(cell["max"])
        cell["message"] = lost.get(cell["exercise"], "")
    return {"student": student, "lesson": lesson, "status": "graded", "message": "", "cells": cells,
            "score": sum(c["score"] for c in cells), "max_score": sum(c["max"] for c in cells),
            "seconds": round(rng.uniform(8, 60), 1), "source_name": f"{student}_{lesson}.ipynb"}


def make_class(folder, size, seed):
    rng = random.Random(seed)
    submitted, results = folder / "submitted", folder / "grading" / "results"
    submitted.mkdir(parents=True)
    for lesson in lesson_ids():
        by_cell, made = variants(lesson), {}
        for i in range(size):
            student = f"student{i:02d}"
            if student in COPIERS:
                lost = made[COPIERS[student]][1]
                nb = notebook_format.read(submitted / f"{COPIERS[student]}_{lesson}.ipynb")
                for cell in nb.cells:
                    if cell.metadata.get("nbgrader", {}).get("solution"):
                        cell.source = similarity.disguise(cell.source)
            else:
                nb, lost = submission(lesson, by_cell, rng)
            made[student] = nb, lost
            notebook_format.write(nb, submitted / f"{student}_{lesson}.ipynb")
            path = results / lesson / f"{student}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(result(student, lesson, nb, lost, rng)))
    loaded = gradebook.load_results(results)
    gradebook.write_gradebook(loaded, folder / "grading" / "gradebook.csv")
    gradebook.write_summary(loaded, folder / "grading" / "summary.md")
    return submitted, folder / "grading", len(loaded)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        submitted, grading, count = make_class(Path(scratch), args.students, args.seed)
        print(f"{args.students} students x {len(lesson_ids())} lessons = {count} submissions")
        started = time.perf_counter()
        outcome = similarity.run(submitted, grading / "similarity")
        copies = time.perf_counter() - started
        started = time.perf_counter()
        page = report.write_report(grading)
        reporting = time.perf_counter() - started
        print(f"similarity: {copies:.1f} s, {len(outcome['flagged'])} pair(s) flagged")
        planted = {(pair.lesson, pair.a, pair.b): pair.score for pair in outcome["flagged"]}
        for copier, original in COPIERS.items():
            scores = [planted.get((lesson, original, copier)) for lesson in lesson_ids()]
            print(f"    {copier} copied {original}: flagged in {sum(s is not None for s in scores)} of "
                  f"{len(scores)} lessons, lowest score {min((s or 0) for s in scores):.2f}")
        print(f"report:     {reporting:.1f} s, {page.stat().st_size / 1e6:.1f} MB")
        print(f"together:   {copies + reporting:.1f} s")


if __name__ == "__main__":
    main()
