"""What the grading kernel's guard costs: each lesson's reference with its hidden tests, with and without it.

    python bench/guard.py

Runs every lesson's source notebook (answers and hidden tests) in one fresh
Python per setting, in-process as ``tests/inprocess.py`` does (quick runs, as
grading makes them): once with the guard installed as a grading kernel installs
it, and its snapshot taken at a first cell, once without. Prints the seconds of
each lesson, the snapshot's, and the difference.
"""
import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RUN = """
import json, os, sys, tempfile, time
sys.path.insert(0, {repo!r})
if {key!r}:
    from grader_tests import guard
    guard.install({key!r})
from course.lessons import lesson_ids
from tests import inprocess
started = time.monotonic()
exec(compile("pass", f"{{tempfile.gettempdir()}}/ipykernel_{{os.getpid()}}/first_cell.py", "exec"))
seconds = {{"snapshot": time.monotonic() - started}}
for lesson in lesson_ids():
    started = time.monotonic()
    failed = [key for key, error in inprocess.run(inprocess.source_notebook(lesson)).items() if error is not None]
    seconds[lesson] = time.monotonic() - started
    assert not failed, (lesson, failed)
print(json.dumps(seconds))
"""


def timings(guarded):
    with tempfile.TemporaryDirectory() as folder:
        key = ""
        if guarded:
            key = str(Path(folder) / "key")
            Path(key).write_bytes(secrets.token_bytes(32))
        env = {**os.environ, "COURSE_QUICK_RUN": "1", "COURSE_EVIDENCE_DIR": folder, "TF_CPP_MIN_LOG_LEVEL": "3"}
        run = subprocess.run([sys.executable, "-c", RUN.format(repo=str(REPO), key=key)], env=env,
                             capture_output=True, text=True, check=True)
        return json.loads(run.stdout.strip().splitlines()[-1])


def main():
    without, with_guard = timings(False), timings(True)
    print(f"{'':22}{'without':>10}{'guarded':>10}{'extra':>10}")
    for name in with_guard:
        print(f"{name:22}{without[name]:>9.1f}s{with_guard[name]:>9.1f}s{with_guard[name] - without[name]:>+9.1f}s")
    total_without, total_with = sum(without.values()), sum(with_guard.values())
    print(f"{'all':22}{total_without:>9.1f}s{total_with:>9.1f}s{total_with - total_without:>+9.1f}s "
          f"({100 * (total_with / total_without - 1):.0f}% more)")


if __name__ == "__main__":
    main()
