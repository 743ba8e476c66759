"""Every lesson through the instructor's ``grade``: the reference gets full
marks and runs without an error from top to bottom, and the blank release gets 0
on every graded cell (that log noise on stderr costs no points is shown in
tests/test_grading_robustness.py).

By default the reference is the pt-BR edition's, beside the English blank
release: its code is the English reference's (only prose, comments and
labels differ), so one run shows both the lesson and the pt-BR grading path.
The English references run top to bottom in tests/test_lessonNN_checks.py,
lesson 01's through the grader in tests/test_grading_robustness.py, and all
of them in ``python -m course demo``; here they are graded with the slow
variants, with the pt-BR blank releases (lesson 01's is in
tests/test_grading_pt_br.py). Mutants
losing their exercise's points, and correct but different answers keeping
them, through the whole grader are the slow part (``-m slow``); the default
suite checks each of them against the hidden-test checks directly
(tests/test_lessonNN_checks.py).

One grading run, on two workers, grades each class.
"""
import re

import nbformat
import pytest

from course import grading
from course.lessons import grader_module, lesson_ids
from grader_tests.exercise import exercises_of
from tests import classroom, probe_replacement
from tests.test_student_view import CONTROL, control_characters

ANSI_STYLE = re.compile(r"\x1b\[[0-9;]*m")


def _students(lesson, variants):
    """name -> (notebook, exercises that must score 0, exercises that must keep full marks).

    By default the pt-BR reference and the English blank release (a correct
    answer that is noisy on stderr is in tests/corpus.py); with
    ``variants`` the English reference, the pt-BR blank release, the blank release with
    a first cell that makes the probes use the reference's answers (issue 21: no
    point), and the lesson's mutants and correct-but-different answers, several
    to a notebook. A
    mutant may also cost the exercises after it that use its answer (a
    broken layer breaks the model built from it), so there only the
    exercises tested before the first mutated cell must keep their points.
    """
    everything = set(exercises_of(grader_module(lesson)))
    if not variants:
        students = {"reference_pt_BR": (classroom.reference(lesson, "pt_BR"), set(), everything),
                    "blank": (classroom.blank(lesson), everything, set())}
        return students
    module = classroom.lesson_tests(lesson)
    students = {"reference": (classroom.reference(lesson), set(), everything),
                "blank_pt_BR": (classroom.blank(lesson, "pt_BR"), everything, set()),
                "substitutes_answers": (probe_replacement.substitutes_answers(lesson), everything, set())}
    students |= {f"mutants{i}": (classroom.apply_all(classroom.reference(lesson), round_), {m.breaks for m in round_},
                                _tested_before(lesson, {m.cell for m in round_}))
                for i, round_ in enumerate(classroom.mutant_rounds(module.MUTANTS))}
    for i, round_ in enumerate(classroom.mutant_rounds(module.ALTERNATIVES)):
        students[f"alternative{i}"] = (classroom.apply_all(classroom.reference(lesson), round_), set(), everything)
    return students


def _tested_before(lesson, cells):
    """The exercises whose hidden test comes before the first of these answer cells."""
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in classroom.reference(lesson).cells]
    first = min(ids.index(cell) for cell in cells)
    return {grade_id.removeprefix("test_") for grade_id in ids[:first] if grade_id and grade_id.startswith("test_")}


def _grade_class(folder, variants):
    expected = {}
    for lesson in lesson_ids():
        for student, (nb, failing, passing) in _students(lesson, variants).items():
            classroom.write(nb, folder / "submitted", student, lesson)
            expected[student, lesson] = failing, passing
    summary = grading.grade(folder / "submitted", folder / "out", workers=2)
    results = {(r["student"], r["lesson"]): r for r in summary["results"]}
    return expected, results, folder / "out"


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory):
    return _grade_class(tmp_path_factory.mktemp("class"), variants=False)


@pytest.fixture(scope="session")
def graded_variants(tmp_path_factory):
    return _grade_class(tmp_path_factory.mktemp("variants"), variants=True)


def _check_points(expected, results, lesson, student):
    result = results[student, lesson]
    failing, passing = expected[student, lesson]
    assert result["status"] == "graded", result["message"]
    assert result["language"] == ("pt_BR" if student.endswith("_pt_BR") else "en")
    for cell in result["cells"]:
        if cell["exercise"] in failing:
            assert cell["score"] == 0, cell
        elif cell["exercise"] in passing:
            assert cell["score"] == cell["max"], cell
        if cell["score"] < cell["max"]:
            assert cell["message"], cell


@pytest.mark.parametrize("lesson,student", [(lesson, student) for lesson in lesson_ids()
                                            for student in _students(lesson, variants=False)])
def test_points_match_what_the_submission_deserves(graded_class, lesson, student):
    _check_points(*graded_class[:2], lesson, student)


@pytest.mark.slow
@pytest.mark.parametrize("lesson,student", [(lesson, student) for lesson in lesson_ids()
                                            for student in _students(lesson, variants=True)])
def test_mutants_lose_and_alternatives_keep_their_points(graded_variants, lesson, student):
    _check_points(*graded_variants[:2], lesson, student)


@pytest.mark.parametrize("lesson", lesson_ids())
def test_reference_runs_top_to_bottom_without_an_error(graded_class, lesson):
    _, _, out = graded_class
    nb = nbformat.read(out / "autograded" / "reference_pt_BR" / f"{lesson}.ipynb", as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    assert all(c.execution_count for c in nb.cells if c.cell_type == "code" and c.source.strip())


@pytest.mark.parametrize("lesson", lesson_ids())
def test_no_stored_output_or_feedback_page_shows_control_characters(graded_class, lesson):
    """Progress bars redraw with backspaces and carriage returns; a page shows each redraw."""
    _, _, out = graded_class
    for student in ("reference_pt_BR", "blank"):
        nb = nbformat.read(out / "autograded" / student / f"{lesson}.ipynb", as_version=4)
        for cell in nb.cells:  # bold and colours (model.summary(), tracebacks) are rendered, not shown
            for output in cell.get("outputs", []):
                output.update({key: ANSI_STYLE.sub("", value) for key, value in output.items() if key == "text"})
                if "data" in output:
                    output.data = {k: ANSI_STYLE.sub("", v) if isinstance(v, str) else v for k, v in output.data.items()}
                if "traceback" in output:
                    output.traceback = [ANSI_STYLE.sub("", line) for line in output.traceback]
        assert control_characters(nb) == {}, student
        page = (out / "feedback" / student / f"{lesson}.html").read_text()
        assert not CONTROL.search(page), student
