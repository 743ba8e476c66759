"""Every lesson through the instructor's ``grade``: the reference gets full
marks and runs without an error from top to bottom, the blank release gets 0
on every graded cell, every mutant loses its exercise's points, and correct
but different answers (and log noise on stderr) keep them.

One grading run, on two workers, grades the whole class for all the tests.
"""
import nbformat
import pytest

from course import grading
from course.lessons import lesson_ids
from grader_tests.exercise import exercises_of
from course.lessons import grader_module
from tests import classroom
from tests.inprocess import Mutant

# A correct answer that is noisy on stderr, at Python and at file-descriptor
# level, while the hidden test runs it: it must keep its points.
NOISE = Mutant("log noise", "square_model", "    return x ** 2",
               "    import os, sys, warnings\n"
               "    print('W0000 00:00:1 tensorflow: noise', file=sys.stderr)\n"
               "    os.write(2, b'E0000 absl noise\\n')\n"
               "    warnings.warn('a warning from the answer')\n"
               "    return x ** 2", "square_model")


def _students(lesson):
    module = classroom.lesson_tests(lesson)
    students = {"reference": (classroom.reference(lesson), set()),
                "blank": (classroom.blank(lesson), set(exercises_of(grader_module(lesson))))}
    for i, round_ in enumerate(classroom.mutant_rounds(module.MUTANTS)):
        students[f"mutants{i}"] = (classroom.apply_all(classroom.reference(lesson), round_),
                                   {m.breaks for m in round_})
    alternatives = list(getattr(module, "ALTERNATIVES", []))
    for i, round_ in enumerate(classroom.mutant_rounds(alternatives + ([NOISE] if lesson[:2] == "01" else []))):
        students[f"alternative{i}"] = (classroom.apply_all(classroom.reference(lesson), round_), set())
    return students


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    expected = {}
    for lesson in lesson_ids():
        for student, (nb, failing) in _students(lesson).items():
            classroom.write(nb, folder / "submitted", student, lesson)
            expected[student, lesson] = failing
    summary = grading.grade(folder / "submitted", folder / "out", workers=2)
    results = {(r["student"], r["lesson"]): r for r in summary["results"]}
    return expected, results, folder / "out"


CASES = [(lesson, student) for lesson in lesson_ids() for student in _students(lesson)]


@pytest.mark.parametrize("lesson,student", CASES)
def test_points_match_what_the_submission_deserves(graded_class, lesson, student):
    expected, results, _ = graded_class
    result = results[student, lesson]
    assert result["status"] == "graded", result["message"]
    for cell in result["cells"]:
        if cell["exercise"] in expected[student, lesson]:
            assert cell["score"] == 0, cell
            assert cell["message"], cell
        elif student == "reference" or student.startswith("alternative"):
            assert cell["score"] == cell["max"], cell


@pytest.mark.parametrize("lesson", lesson_ids())
def test_reference_runs_top_to_bottom_without_an_error(graded_class, lesson):
    _, _, out = graded_class
    nb = nbformat.read(out / "autograded" / "reference" / f"{lesson}.ipynb", as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    assert all(c.execution_count for c in nb.cells if c.cell_type == "code" and c.source.strip())
