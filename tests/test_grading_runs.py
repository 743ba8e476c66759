"""How a grading run is carried out: stopped and started again, or on a Dask cluster."""
import os
import signal
import subprocess
import sys
import time

import pytest

from course import grading
from tests import classroom

LESSON = "01_lambda_layers"


def _scores(results):
    return {(r["student"], r["lesson"]): [(c["exercise"], c["score"]) for c in r["cells"]] for r in results}


@pytest.fixture(scope="module")
def small_class(tmp_path_factory):
    """Two blank submissions (quick to grade) and one reference, in nbgrader's layout."""
    folder = tmp_path_factory.mktemp("small") / "submitted"
    for student in ("ann", "ben"):
        classroom.write(classroom.blank(LESSON), folder, student, LESSON)
    classroom.write(classroom.reference(LESSON), folder, "dee", LESSON)
    return folder


@pytest.fixture(scope="module")
def local_results(small_class, tmp_path_factory):
    return grading.grade(small_class, tmp_path_factory.mktemp("local"), workers=2, seed=3)["results"]


def test_a_stopped_run_started_again_grades_only_what_is_missing(small_class, tmp_path, local_results):
    out = tmp_path / "out"
    run = [sys.executable, "-m", "course", "grade", str(small_class), "--out", str(out), "--workers", "1",
           "--seed", "3"]
    process = subprocess.Popen(run, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    results = out / "results" / LESSON
    deadline = time.monotonic() + 300
    while not (results.is_dir() and any(results.glob("*.json"))) and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    time.sleep(2)  # a worker left behind would write now
    first = {p.name: p.read_bytes() for p in results.glob("*.json")}
    assert 1 <= len(first) < 3

    summary = grading.grade(small_class, out, workers=2, seed=3)

    assert summary["graded"] == 3 - len(first)
    assert {p.name: p.read_bytes() for p in results.glob("*.json") if p.name in first} == first
    assert _scores(summary["results"]) == _scores(local_results)
    rows = (out / "gradebook.csv").read_text().splitlines()
    assert sorted(row.split(",")[0] for row in rows[1:]) == ["ann", "ben", "dee"]


def test_a_dask_cluster_grades_like_local_workers(small_class, tmp_path, local_results):
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        summary = grading.grade(small_class, tmp_path / "out", dask_scheduler=cluster.scheduler_address, seed=3)
    assert _scores(summary["results"]) == _scores(local_results)
    dee = next(r for r in summary["results"] if r["student"] == "dee")
    assert dee["score"] == dee["max_score"] > 0

