"""A long-lived grader process that hangs or dies costs one submission its grade, not the run."""
import os
import threading
import time
from pathlib import Path

import pytest

from course import grader_process, grading, submissions
from tests import corpus


@pytest.fixture(scope="module")
def invalid_task(tmp_path_factory):
    """A real task, quick to grade: its notebook is not JSON, so no kernel starts."""
    folder = tmp_path_factory.mktemp("grader")
    corpus.invalid_json(folder / "ann_01_lambda_layers.ipynb")
    found, _ = submissions.find(folder)
    templates = grading.prepare_templates([(corpus.LESSON, "en")], folder / "templates")
    out = folder / "out"
    return grading.make_task(found[0], "en", out, templates, seed=1, limits=grading.Limits(notebook_seconds=60),
                             hidden=[], threads=1)


@pytest.fixture
def never_ending_task(tmp_path):
    """A task file that never finishes reading: a named pipe nobody writes to."""
    path = tmp_path / "task.json"
    os.mkfifo(path)
    return path


def test_a_grader_over_the_time_limit_is_killed_and_the_next_task_gets_a_new_one(never_ending_task,
                                                                                 invalid_task):
    grader = grader_process.for_this_thread(threads=1)
    started = time.monotonic()
    outcome = grader.run(never_ending_task, seconds=3)
    assert 3 <= time.monotonic() - started < 30
    assert outcome.what == grader_process.TIMEOUT
    assert not grader.alive()

    result = grading.run_task(invalid_task)

    assert grader_process.for_this_thread(threads=1) is not grader
    assert result["status"] == "rejected" and result["score"] == 0
    assert Path(invalid_task["feedback"]).is_file()
    grader_process.close_all()


def test_a_grader_that_dies_is_reported_with_its_exit_code(never_ending_task):
    grader = grader_process.GraderProcess(threads=1)
    threading.Timer(2, grader.kill).start()
    outcome = grader.run(never_ending_task, seconds=60)
    assert (outcome.what, outcome.exit_code) == (grader_process.DIED, -9)
    grader.close()


def test_an_error_in_the_grader_is_reported_and_the_grader_goes_on(tmp_path):
    grader = grader_process.GraderProcess(threads=1)
    outcome = grader.run(tmp_path / "missing.json", seconds=60)
    assert outcome.what == grader_process.FAILED
    assert b"FileNotFoundError" in outcome.log
    assert grader.alive()
    grader.close()


class _OverTime:
    """A grader that always runs out of time."""

    def run(self, task_file, seconds):
        return grader_process.Outcome(grader_process.TIMEOUT, b"started\n")


def test_a_timeout_is_the_student_s_and_told_in_their_language(invalid_task, monkeypatch):
    monkeypatch.setattr(grader_process, "for_this_thread", lambda threads: _OverTime())
    result = grading.run_task(dict(invalid_task, language="pt_BR"))
    assert result["status"] == "graded" and result["score"] == 0
    assert result["message"] == "a correção foi interrompida depois de 60 s; alguma célula roda sem parar?"
    assert "a correção foi interrompida" in Path(invalid_task["feedback"]).read_text()
    assert Path(invalid_task["log"]).read_text().endswith("started\n\ngrading was stopped after 60 s\n")
    assert grading.grader_fault().startswith("Your notebook")  # the thread speaks English again
