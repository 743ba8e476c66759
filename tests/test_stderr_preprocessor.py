"""stderr in a graded test cell costs no points; elsewhere it is left alone."""
import nbformat
from nbgrader.utils import determine_grade

from course.stderr_preprocessor import StderrToStdout


def _cell(grade, solution):
    cell = nbformat.v4.new_code_cell("check()")
    cell.metadata["nbgrader"] = {"grade": grade, "solution": solution, "grade_id": "t", "points": 2,
                                 "locked": True, "schema_version": 3}
    cell.outputs = [nbformat.v4.new_output("stream", name="stderr",
                                           text="W0000 00:00 tensorflow noise\n")]
    return cell


def test_a_test_cell_with_log_noise_keeps_its_points():
    cell = _cell(grade=True, solution=False)
    assert determine_grade(cell)[0] == 0  # what nbgrader alone would do
    StderrToStdout().preprocess_cell(cell, {}, 0)
    assert determine_grade(cell)[0] == 2
    assert cell.outputs[0].text.startswith("W0000")


def test_a_test_cell_that_raises_still_scores_zero():
    cell = _cell(grade=True, solution=False)
    cell.outputs.append(nbformat.v4.new_output("error", ename="CheckFailed", evalue="wrong", traceback=[]))
    StderrToStdout().preprocess_cell(cell, {}, 0)
    assert determine_grade(cell)[0] == 0


def test_other_cells_keep_their_stderr():
    cell = _cell(grade=False, solution=True)
    StderrToStdout().preprocess_cell(cell, {}, 0)
    assert cell.outputs[0].name == "stderr"
