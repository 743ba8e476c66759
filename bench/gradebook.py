"""What a new nbgrader gradebook costs, and the templates of a grading run with it.

nbgrader 0.9.6 runs the ``alembic heads`` command each time it creates a
gradebook; course.nbgrader_runner reads the same revision once, in-process.
Every grading run makes one gradebook per lesson and edition it grades
(:func:`course.grading.prepare_templates`), and building the release one per
lesson. Prints, both ways: one new gradebook, and the templates of a class
that hands in every lesson in both editions. Run from the repository root:

    python bench/gradebook.py [--repeat 3]
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])

import nbgrader.api  # noqa: E402

ALEMBIC_COMMAND = nbgrader.api.get_alembic_version  # nbgrader's own, before the course replaces it

import utils  # noqa: E402,F401  (first: it quiets TensorFlow's start-up log)
from course import grading  # noqa: E402
from course.lessons import lesson_ids  # noqa: E402
from course.nbgrader_runner import alembic_head  # noqa: E402
from course.nbgrader_settings import COURSE_ID  # noqa: E402

EDITIONS = {(lesson, language) for lesson in lesson_ids() for language in ("en", "pt_BR")}


def seconds(task, repeat):
    """The best of ``repeat`` runs of ``task()``, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        task()
        times.append(time.perf_counter() - started)
    return min(times)


def new_gradebook():
    with tempfile.TemporaryDirectory() as folder:
        nbgrader.api.Gradebook(f"sqlite:///{folder}/gradebook.db", COURSE_ID).close()


def templates():
    with tempfile.TemporaryDirectory() as folder:
        grading.prepare_templates(EDITIONS, folder)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    assert ALEMBIC_COMMAND() == alembic_head(), "the two ways disagree on the revision"
    rows = []
    for way, read in (("alembic command (nbgrader)", ALEMBIC_COMMAND), ("in-process (course)", alembic_head)):
        nbgrader.api.get_alembic_version = read
        rows.append((way, seconds(new_gradebook, args.repeat), seconds(templates, 1)))
    nbgrader.api.get_alembic_version = alembic_head
    print(f"{'revision read by':28s} {'one gradebook':>14s} {f'templates of {len(EDITIONS)} editions':>26s}")
    for way, one, all_templates in rows:
        print(f"{way:28s} {one:12.2f} s {all_templates:24.1f} s")


if __name__ == "__main__":
    main()
