"""Grade a class of good and bad submissions (``tests/corpus.py``, ``tests/attacks.py``) in one run,
in a flat folder as a learning platform exports it, and judge what each student got."""
import hashlib
import html
import re
from pathlib import Path

from course import grading, kernel_limits, sandbox
from course.submissions import safe_student_id
from tests import classroom, corpus

GOOD = ["zoë last"]  # a name that is not a safe id is graded all the same
LIMITS = grading.Limits(notebook_seconds=600, cell_seconds=25, memory_gb=3)
LINGERER = b"still-here"  # in the command line of what an attack leaves running


def _fingerprints(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def grade(folder, good, bad, sandboxed=True):
    """Write the class under ``folder/export`` and grade it into ``folder/out``.

    Returns ``(expected, results, summary, before, after, out)``: the
    exercises each student should lose, results by student, the run's
    summary, and fingerprints of the submitted files before and after.
    """
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


def assert_graded_as_deserved(graded, student):
    """Every exercise the student should lose is 0 with a message; every other one is full marks."""
    expected, results, *_ = graded
    result = results[student]
    for cell in result["cells"]:
        if cell["exercise"] in expected[student]:
            assert cell["score"] == 0, cell
            assert cell["message"], cell
        else:
            assert cell["score"] == cell["max"], (cell, result["message"])


def _hidden_test_lines():
    source = "\n".join(c.source for c in classroom.reference(corpus.LESSON).cells)
    regions = re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", source, re.S)
    lines = [line.strip() for region in regions for line in region.splitlines() if line.strip()]
    assert lines
    return lines


def assert_feedback_shows_no_hidden_test(graded, student):
    """The student's feedback page holds no line of a hidden test (unless they wrote it themselves)."""
    *_, out = graded
    page = (out / "feedback" / student / f"{corpus.LESSON}.html").read_text()
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    name = {safe_student_id(n): n for n in GOOD}.get(student, student)
    submitted = (out.parent / "export" / f"{name}_{corpus.LESSON}.ipynb").read_text()
    assert not [line for line in _hidden_test_lines() if line in text and line not in submitted]
    assert len(page) < 3_000_000


def _command_line(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def lingering_processes():
    """Processes an attack left running (none should outlive its notebook)."""
    return [pid for pid in kernel_limits._pids() if LINGERER in _command_line(pid)]
