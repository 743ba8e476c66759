"""A grading run stopped part-way and started again grades only what is missing."""
import os
import signal
import subprocess
import sys
import time

from course import grading
from tests import small_class


def test_a_stopped_run_started_again_grades_only_what_is_missing(tmp_path):
    submitted = small_class.write(tmp_path / "submitted")
    out = tmp_path / "out"
    run = [sys.executable, "-m", "course", "grade", str(submitted), "--out", str(out), "--workers", "1",
           "--seed", "3"]
    process = subprocess.Popen(run, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    results = out / "results" / small_class.LESSON
    deadline = time.monotonic() + 300
    while not (results.is_dir() and any(results.glob("*.json"))) and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    time.sleep(2)  # a worker left behind would write now
    first = {p.name: p.read_bytes() for p in results.glob("*.json")}
    assert 1 <= len(first) < 3

    summary = grading.grade(submitted, out, workers=2, seed=3)

    assert summary["graded"] == 3 - len(first)
    assert {p.name: p.read_bytes() for p in results.glob("*.json") if p.name in first} == first
    small_class.assert_graded_as_known(summary["results"])
    rows = (out / "gradebook.csv").read_text().splitlines()
    assert sorted(row.split(",")[0] for row in rows[1:]) == ["ann", "ben", "dee"]
