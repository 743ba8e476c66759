"""Run each lesson's reference notebook as a student would (full epochs) and time it.

    python bench/student_runs.py [LESSON ...]

Prints, for each lesson, the seconds the whole notebook took, the seconds per
epoch of each training cell (from the one line per epoch that an unwatched
run prints, see utils/progress.py), and the lines it printed that carry
results (accuracy, IoU, AUC). The timings the lessons' texts quote come from
this script on a 2-core CPU (26 November 2026, the machine shared with other
jobs, so an idle one is faster):

    01: 10 epochs of 2 to 3 s, 32 s       03: 80 epochs of about 1.3 s, 101 s
    04: detector 5 epochs of 25 s, 150 s; whole notebook 199 s
    05: 15 epochs of about 5 s, 69 s; whole notebook 115 s
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
EPOCH_LINE = re.compile(r"^\s*(?:epoch\s+)?\d+/\d+ - (\d+)s\b")  # Keras's verbose=2 line, or EpochSummary's


def run(lesson):
    nb = nbformat.read(SOURCE_DIR / lesson / notebook_name(lesson), as_version=4)
    env_backup = dict(os.environ)
    for name in ("COURSE_QUICK_RUN", "NBGRADER_EXECUTION"):
        os.environ.pop(name, None)
    os.environ["MPLBACKEND"] = "Agg"
    os.environ["COURSE_PLAIN_PROGRESS"] = "1"  # one line per epoch, with its time
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
             for line in out.text.splitlines() if RESULT.search(line) and "/step" not in line
             and not EPOCH_LINE.match(line)]
    return seconds, epoch_seconds(nb), lines


def epoch_seconds(nb):
    """``{cell index: [seconds of each epoch]}`` for the cells that trained."""
    found = {}
    for index, cell in enumerate(nb.cells):
        text = "".join(out.get("text", "") for out in cell.get("outputs", []) if out.output_type == "stream")
        seconds = [int(m.group(1)) for line in text.splitlines() if (m := EPOCH_LINE.match(line))]
        if seconds:
            found[index] = seconds
    return found


def main():
    for lesson in sys.argv[1:] or lesson_ids():
        seconds, epochs, lines = run(lesson)
        print(f"{lesson}: {seconds:.0f} s for the whole notebook (full run)")
        for index, times in epochs.items():
            print(f"    cell {index}: {len(times)} epochs, {sorted(times)[len(times) // 2]} s each (median), "
                  f"{sum(times)} s in all")
        for line in lines[-6:]:
            print(f"    {line.strip()[:120]}")


if __name__ == "__main__":
    main()
