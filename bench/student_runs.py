"""Run each lesson's reference notebook as a student would (full epochs) and time it.

    python bench/student_runs.py [LESSON ...]

Prints, for each lesson, the seconds the whole notebook took and the lines it
printed that carry results (accuracy, IoU, AUC).
"""
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course.lessons import SOURCE_DIR, lesson_ids, notebook_name  # noqa: E402

RESULT = re.compile(r"accuracy|IoU|AUC|loss", re.I)


def run(lesson):
    nb = nbformat.read(SOURCE_DIR / lesson / notebook_name(lesson), as_version=4)
    env_backup = dict(os.environ)
    for name in ("COURSE_QUICK_RUN", "NBGRADER_EXECUTION"):
        os.environ.pop(name, None)
    os.environ["MPLBACKEND"] = "Agg"
    os.environ["PYTHONPATH"] = str(ROOT)
    started = time.monotonic()
    try:
        NotebookClient(nb, timeout=1800, resources={"metadata": {"path": str(SOURCE_DIR / lesson)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(env_backup)
    seconds = time.monotonic() - started
    lines = [line for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
             if out.output_type == "stream" and out.name == "stdout"
             for line in out.text.splitlines() if RESULT.search(line) and "/step" not in line]
    return seconds, lines


def main():
    for lesson in sys.argv[1:] or lesson_ids():
        seconds, lines = run(lesson)
        print(f"{lesson}: {seconds:.0f} s for the whole notebook (full run)")
        for line in lines[-6:]:
            print(f"    {line.strip()[:120]}")


if __name__ == "__main__":
    main()
