"""A class full of bad submissions (see ``tests/corpus.py``) is graded in one run,
in a flat folder as a learning platform exports it: every submission gets a
grade and a feedback line, the good students beside them are graded right,
nothing outside a submission's own folder changes, and the run finishes."""
import ast
import csv
from pathlib import Path

import nbformat
import pytest

from course import kernel_limits, sandbox
from course.submissions import safe_student_id
from tests import attacks, bad_class, corpus

GOOD = bad_class.GOOD
BAD = corpus.CASES + attacks.CASES


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return bad_class.grade(tmp_path_factory.mktemp("lms"), GOOD, BAD)


@pytest.fixture(scope="module")
def graded_slow_cases(tmp_path_factory):
    return bad_class.grade(tmp_path_factory.mktemp("lms-slow"), GOOD, corpus.SLOW_CASES)


SLOW_CASES = [case.__name__ for case in corpus.SLOW_CASES]
CASES = [safe_student_id(name) for name in GOOD] + [case.__name__ for case in BAD] + [
    pytest.param(name, marks=pytest.mark.slow) for name in SLOW_CASES]


@pytest.fixture
def class_of(request):
    """student -> the graded class that holds them."""
    return lambda student: request.getfixturevalue("graded_slow_cases" if student in SLOW_CASES else "graded")


@pytest.mark.parametrize("student", CASES)
def test_each_submission_gets_the_grade_it_deserves(class_of, student):
    bad_class.assert_graded_as_deserved(class_of(student), student)


@pytest.mark.parametrize("student", CASES)
def test_each_submission_has_a_feedback_page_without_hidden_tests(class_of, student):
    bad_class.assert_feedback_shows_no_hidden_test(class_of(student), student)


def test_failures_are_explained(graded):
    _, results, *_, out = graded
    messages = {student: " ".join(c["message"] for c in r["cells"]) + r["message"] for student, r in results.items()}
    assert "not a valid Jupyter notebook" in messages["invalid_json"]
    assert "not a valid Jupyter notebook" in messages["empty_file"]
    assert results["wrong_lesson"]["status"] == "rejected"
    assert "This looks like lesson 02 (02_custom_layers.ipynb)" in results["wrong_lesson"]["message"]
    assert any("lost their grading tags" in note for note in results["pasted_reference"]["notes"])
    assert "grader_tests.exercise.Exercise.collect changed by your notebook" in messages["replaces_collect"]

    def page(student):
        return (out / "feedback" / student / f"{corpus.LESSON}.html").read_text()

    assert "CellTimeoutError" in page("infinite_loop")
    assert "kernel died" in page("crashed_kernel")
    assert "MemoryError" in page("memory_bomb")


def test_misnamed_files_are_reported_and_skipped(graded):
    _, results, summary, *_ = graded
    assert "notes" not in results
    assert any("notes.ipynb" in p and "<student>_<lesson>.ipynb" in p for p in summary["problems"])


@pytest.mark.skipif(not sandbox.bubblewrap_works(), reason="bubblewrap is not usable here")
def test_submissions_cannot_change_files_outside_their_folder(graded):
    _, results, _, before, after, out = graded
    assert after == before
    assert results["writes_results"]["score"] == 0
    assert "cheater" not in (out / "gradebook.csv").read_text()


@pytest.mark.skipif(not sandbox.bubblewrap_works(), reason="bubblewrap is not usable here")
def test_sandboxed_kernels_see_no_other_submission(graded):
    *_, out = graded
    nb = nbformat.read(out / "autograded" / "writes_results" / f"{corpus.LESSON}.ipynb", as_version=4)
    texts = [o.get("text", "") for c in nb.cells for o in c.get("outputs", [])]
    line = next(line for text in texts for line in text.splitlines() if line.startswith("files the cheat could see:"))
    seen = ast.literal_eval(line.removeprefix("files the cheat could see:").strip())
    # Only the Python's own files may match its patterns (nbgrader's test gradebook, in a venv in the repository).
    assert all(any(Path(path).is_relative_to(folder) for folder in sandbox.python_folders()) for path in seen), seen


def _attack_report(out, student):
    """The dict the attack notebook printed, from its autograded copy."""
    nb = nbformat.read(out / "autograded" / student / f"{corpus.LESSON}.ipynb", as_version=4)
    texts = [o.get("text", "") for c in nb.cells for o in c.get("outputs", [])]
    line = next(line for text in texts for line in text.splitlines() if line.startswith(attacks.REPORT))
    return ast.literal_eval(line.removeprefix(attacks.REPORT).strip())


@pytest.mark.skipif(not sandbox.bubblewrap_works(), reason="bubblewrap is not usable here")
def test_a_kernel_cannot_escape_see_around_or_outlive_its_sandbox(graded):
    *_, out = graded
    seen = _attack_report(out, "escapes_the_sandbox")
    assert seen["seed"] is None
    assert seen["mount"] != 0 and seen["nested"] in ("", "0")
    assert seen["repository"] == attacks.repository_as_kernels_see_it() and seen["outside"] == []
    assert seen["killed"] == 0  # it sees no process but its own
    assert seen["forks"] < sandbox.MAX_PROCESSES
    assert seen["tmp_mb"] <= sandbox.SCRATCH_BYTES // 2**20
    if kernel_limits.running_as_root():
        assert seen["uid"] >= kernel_limits.FIRST_KERNEL_UID
        assert seen["evidence_mb"] <= 128


def test_no_process_of_a_notebook_outlives_the_run(graded):
    assert not bad_class.lingering_processes()


def test_the_gradebook_keeps_the_name_a_file_was_submitted_under(graded):
    *_, out = graded
    rows = {row["student"]: row for row in csv.DictReader(open(out / "gradebook.csv", encoding="utf-8"))}
    row = rows[safe_student_id("zoë last")]
    assert row["submitted_as"] == "zoë last" and row[f"{corpus.LESSON}:total"] == "10"

