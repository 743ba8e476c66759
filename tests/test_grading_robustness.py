"""A class full of bad submissions (see ``tests/corpus.py``) is graded in one run,
in a flat folder as a learning platform exports it: every submission gets a
grade and a feedback line, the good students beside them are graded right,
nothing outside a submission's own folder changes, and the run finishes."""
import ast
import csv
import hashlib
import html
import re
from pathlib import Path

import nbformat
import pytest

from course import grading, kernel_limits, sandbox
from course.submissions import safe_student_id
from tests import attacks, classroom, corpus

GOOD = ["zoë last"]  # a name that is not a safe id is graded all the same (noisy_stderr is correct too)
BAD = corpus.CASES + attacks.CASES
LIMITS = grading.Limits(notebook_seconds=600, cell_seconds=45, memory_gb=3)


def _hidden_test_lines():
    source = "\n".join(c.source for c in classroom.reference(corpus.LESSON).cells)
    regions = re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", source, re.S)
    lines = [line.strip() for region in regions for line in region.splitlines() if line.strip()]
    assert lines
    return lines


def _fingerprints(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _grade_class(folder, good, bad, sandboxed=True):
    export = folder / "export"
    export.mkdir()
    expected = {}
    for name in good:
        classroom.write_flat(classroom.reference(corpus.LESSON), export, name, corpus.LESSON)
        expected[safe_student_id(name)] = corpus.NONE
    for case in bad:
        expected[case.__name__] = case(export / f"{case.__name__}_{corpus.LESSON}.ipynb")
    (export / "notes.ipynb").write_text("{}")
    before = _fingerprints(export)
    summary = grading.grade(export, folder / "out", workers=2, limits=LIMITS, seed=7,
                            no_sandbox=not (sandboxed and sandbox.bubblewrap_works()))
    results = {r["student"]: r for r in summary["results"]}
    return expected, results, summary, before, _fingerprints(export), folder / "out"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return _grade_class(tmp_path_factory.mktemp("lms"), GOOD, BAD)


@pytest.fixture(scope="module")
def graded_slow_cases(tmp_path_factory):
    return _grade_class(tmp_path_factory.mktemp("lms-slow"), GOOD, corpus.SLOW_CASES)


@pytest.fixture(scope="module")
def graded_without_sandbox(tmp_path_factory):
    """The attacks that matter without bubblewrap, graded with ``--no-sandbox`` (kernels as users of their own)."""
    return _grade_class(tmp_path_factory.mktemp("lms-no-sandbox"), GOOD, NO_SANDBOX_CASES, sandboxed=False)


NO_SANDBOX_CASES = [*attacks.CASES, corpus.writes_results]
SLOW_CASES = [case.__name__ for case in corpus.SLOW_CASES]
CASES = [safe_student_id(name) for name in GOOD] + [case.__name__ for case in BAD] + [
    pytest.param(name, marks=pytest.mark.slow) for name in SLOW_CASES]


@pytest.fixture
def class_of(request):
    """student -> the graded class that holds them."""
    return lambda student: request.getfixturevalue("graded_slow_cases" if student in SLOW_CASES else "graded")


def _assert_graded_as_deserved(graded, student):
    expected, results, *_ = graded
    result = results[student]
    for cell in result["cells"]:
        if cell["exercise"] in expected[student]:
            assert cell["score"] == 0, cell
            assert cell["message"], cell
        else:
            assert cell["score"] == cell["max"], (cell, result["message"])


@pytest.mark.parametrize("student", CASES)
def test_each_submission_gets_the_grade_it_deserves(class_of, student):
    _assert_graded_as_deserved(class_of(student), student)


@pytest.mark.parametrize("student", CASES)
def test_each_submission_has_a_feedback_page_without_hidden_tests(class_of, student):
    *_, out = class_of(student)
    page = (out / "feedback" / student / f"{corpus.LESSON}.html").read_text()
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    name = {safe_student_id(n): n for n in GOOD}.get(student, student)
    submitted = (out.parent / "export" / f"{name}_{corpus.LESSON}.ipynb").read_text()
    assert not [line for line in _hidden_test_lines() if line in text and line not in submitted]
    assert len(page) < 3_000_000


def test_failures_are_explained(graded):
    _, results, *_, out = graded
    messages = {student: " ".join(c["message"] for c in r["cells"]) + r["message"] for student, r in results.items()}
    assert "not a valid Jupyter notebook" in messages["invalid_json"]
    assert "not a valid Jupyter notebook" in messages["empty_file"]
    assert results["wrong_lesson"]["status"] == "rejected"
    assert "This looks like lesson 02 (02_custom_layers.ipynb)" in results["wrong_lesson"]["message"]
    assert any("lost their grading tags" in note for note in results["pasted_reference"]["notes"])

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
    autograded = (out / "autograded" / "writes_results" / f"{corpus.LESSON}.ipynb").read_text()
    assert "files the cheat could see: []" in autograded


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
    assert seen["repository"] == ["grader_tests", "utils"] and seen["outside"] == []
    assert seen["killed"] == 0  # it sees no process but its own
    assert seen["forks"] < sandbox.MAX_PROCESSES
    assert seen["tmp_mb"] <= sandbox.SCRATCH_BYTES // 2**20
    if kernel_limits.running_as_root():
        assert seen["uid"] >= kernel_limits.FIRST_KERNEL_UID
        assert seen["evidence_mb"] <= 128


def _command_line(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def test_no_process_of_a_notebook_outlives_the_run(graded):
    assert not [pid for pid in kernel_limits._pids() if b"still-here" in _command_line(pid)]


def test_the_gradebook_keeps_the_name_a_file_was_submitted_under(graded):
    *_, out = graded
    rows = {row["student"]: row for row in csv.DictReader(open(out / "gradebook.csv", encoding="utf-8"))}
    row = rows[safe_student_id("zoë last")]
    assert row["submitted_as"] == "zoë last" and row[f"{corpus.LESSON}:total"] == "10"


needs_root = pytest.mark.skipif(not kernel_limits.running_as_root(), reason="kernel users need root")


@pytest.mark.slow
@needs_root
@pytest.mark.parametrize("student", [safe_student_id(n) for n in GOOD] + [c.__name__ for c in NO_SANDBOX_CASES])
def test_without_the_sandbox_each_submission_still_gets_the_grade_it_deserves(graded_without_sandbox, student):
    _assert_graded_as_deserved(graded_without_sandbox, student)


@pytest.mark.slow
@needs_root
def test_without_the_sandbox_no_file_or_grade_of_another_changes_and_nothing_lingers(graded_without_sandbox):
    _, results, summary, before, after, out = graded_without_sandbox
    assert after == before
    assert not summary["errors"]
    assert "cheater" not in (out / "gradebook.csv").read_text()
    assert (out.parent / "export").is_dir() and (out / "results").is_dir()
    assert not [pid for pid in kernel_limits._pids() if b"still-here" in _command_line(pid)]
