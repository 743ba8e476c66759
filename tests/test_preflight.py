"""The preflight's kernel is started as the graders start theirs, and is gone when the preflight ends."""
import os
import shutil
import subprocess
import sys

import psutil
import pytest

from course import preflight, sandbox
from course.lessons import REPO_ROOT


def _kernels():
    """This process's kernels still running."""
    return {child.pid for child in psutil.Process().children(recursive=True)
            if "grader_tests.guarded_kernel" in " ".join(child.cmdline())}


@pytest.mark.skipif(not sandbox.bubblewrap_works(), reason="bubblewrap is not usable here")
def test_the_preflight_needs_no_installed_course_as_the_graders_do_not(tmp_path):
    """A copy of the course that no venv knows of (its packages are importable only from its folder, as
    when the course is not `pip install -e`d) passes: its kernel gets the course on PYTHONPATH."""
    copy = tmp_path / "course-copy"
    for package in ("course", "utils", "grader_tests", "solutions", "i18n"):
        shutil.copytree(REPO_ROOT / package, copy / package, ignore=shutil.ignore_patterns("__pycache__"))
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    run = f"from course import preflight; preflight.run({str(tmp_path)!r}, 4.0); print('preflight passed')"
    done = subprocess.run([sys.executable, "-c", run], cwd=copy, env=env, capture_output=True, text=True,
                          timeout=300)
    assert "preflight passed" in done.stdout, done.stderr[-3000:]


def test_no_preflight_kernel_outlives_the_preflight(tmp_path, monkeypatch):
    monkeypatch.setattr(preflight, "_passed", set())
    before = _kernels()
    preflight.run(tmp_path, 4.0, sandboxed=sandbox.bubblewrap_works())
    assert _kernels() - before == set()
    assert list(tmp_path.iterdir()) == []

