"""Grade a generated class of 40 lesson-01 submissions twice and compare.

1. sequentially with plain ``nbgrader autograde`` (one process, one notebook
   after the other, the course's nbgrader settings);
2. with ``python -m course grade --workers 2``.

Prints both wall times, the speed-up and whether the grades are identical on
the submissions both graded. Run from the repository root:

    python bench/grading.py [--students 40] [--workers 2]
"""
import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import utils  # noqa: E402,F401  (first: it quiets TensorFlow's start-up log)
from course import demo, notebook_format, release  # noqa: E402
from course.lessons import notebook_name  # noqa: E402
from course.nbgrader_settings import COURSE_ID  # noqa: E402
from tests import classroom, corpus  # noqa: E402

LESSON = corpus.LESSON
BROKEN = [corpus.syntax_error, corpus.exception, corpus.deleted_answer_cell, corpus.invalid_json,
          corpus.empty_file]


def make_class(folder, size):
    """``size`` submissions: 40% correct, 25% blank, 25% half done, the rest broken."""
    kinds = (["correct"] * 8 + ["blank"] * 5 + ["half"] * 5 + ["broken"] * 2) * (size // 20 + 1)
    makers = {"correct": lambda: classroom.reference(LESSON), "blank": lambda: classroom.blank(LESSON),
              "half": lambda: demo.half_done(LESSON)}
    for i, kind in enumerate(kinds[:size]):
        path = folder / f"s{i:03d}" / LESSON / notebook_name(LESSON)
        path.parent.mkdir(parents=True)
        if kind == "broken":
            BROKEN[i % len(BROKEN)](path)
        else:
            notebook_format.write(makers[kind](), path)


def sequential_nbgrader(course):
    """Plain ``nbgrader autograde`` over the whole class; return {student: {cell: score}}."""
    db = course / "gradebook.db"
    release.generate(LESSON, course / "release", f"sqlite:///{db}")
    subprocess.run([sys.executable, "-m", "nbgrader", "autograde", LESSON, f"--CourseDirectory.root={course}",
                    f"--CourseDirectory.db_url=sqlite:///{db}", "--CourseDirectory.submitted_directory=submitted",
                    "--force"], cwd=ROOT, check=False, capture_output=True)
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{db}", COURSE_ID) as gb:
        for submission in gb.assignment_submissions(LESSON):
            notebook = submission.notebooks[0]
            scores[submission.student_id] = {g.name.removeprefix("test_"): g.score for g in notebook.grades}
    return scores


def course_grade(submitted, out, workers):
    subprocess.run([sys.executable, "-m", "course", "grade", str(submitted), "--out", str(out),
                    "--workers", str(workers)], cwd=ROOT, check=True, capture_output=True)
    with open(out / "gradebook.csv") as f:
        rows = list(csv.DictReader(f))
    return {row["student"]: {key.split(":")[1]: float(value) for key, value in row.items()
                             if key.startswith(f"{LESSON}:") and not key.endswith((":total", ":status", ":language"))} for row in rows}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        course = Path(tmp) / "course"
        make_class(course / "submitted", args.students)
        shutil.copytree(course / "submitted", Path(tmp) / "submitted")

        started = time.monotonic()
        nbgrader_scores = sequential_nbgrader(course)
        sequential = time.monotonic() - started

        started = time.monotonic()
        course_scores = course_grade(Path(tmp) / "submitted", Path(tmp) / "out", args.workers)
        parallel = time.monotonic() - started

    both = sorted(set(nbgrader_scores) & set(course_scores))
    differ = [s for s in both if nbgrader_scores[s] != course_scores[s]]
    print(f"submissions:                    {args.students}")
    print(f"graded by nbgrader / by course: {len(nbgrader_scores)} / {len(course_scores)}")
    print(f"sequential nbgrader autograde:  {sequential:7.1f} s")
    print(f"course grade --workers {args.workers}:       {parallel:7.1f} s")
    print(f"speed-up:                       {sequential / parallel:7.2f}x")
    print(f"identical grades:               {not differ} ({len(both) - len(differ)}/{len(both)} submissions)")
    for student in differ:
        print(f"  {student}: nbgrader {nbgrader_scores[student]} course {course_scores[student]}")


if __name__ == "__main__":
    main()
