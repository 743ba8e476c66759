"""course.recover_cells on damaged notebooks, without a kernel: whatever happened
to a submission, the notebook to grade holds every release cell once, in order,
the locked ones exactly as released, and the student's code in the right answer
cells; or the submission is rejected with a message that says what to do."""
import copy
import itertools

import nbformat
import pytest

from course.lessons import lesson_ids
from course.recover_cells import committed_releases, recover
from tests import classroom

LESSON = "01_lambda_layers"


def _nbgrader(cell):
    return cell.metadata.get("nbgrader") or {}


def _index(nb, grade_id):
    return next(i for i, c in enumerate(nb.cells) if _nbgrader(c).get("grade_id") == grade_id)


def _answer_ids(nb):
    return [_nbgrader(c)["grade_id"] for c in nb.cells if _nbgrader(c).get("solution")]


def answered(lesson):
    """The release with the reference's answers and hidden tests: a perfect submission."""
    nb, reference = classroom.blank(lesson), classroom.reference(lesson)
    for cell in nb.cells:
        if _nbgrader(cell).get("solution") or _nbgrader(cell).get("grade"):
            cell.source = reference.cells[_index(reference, _nbgrader(cell)["grade_id"])].source
    return nb


def pasted(nb):
    """As pasted into a new notebook: no metadata, new ids."""
    for i, cell in enumerate(nb.cells):
        cell.metadata = {}
        cell.id = f"pasted-{i}"
    return nb


def run(nb, lesson=LESSON):
    release = classroom.blank(lesson)
    before = copy.deepcopy(nb)
    graded, notes, rejection = recover(nb, release, lesson, committed_releases())
    assert nb == before and release == classroom.blank(lesson)  # inputs left alone
    assert rejection is None, rejection
    nbformat.validate(graded)
    return graded, notes


def assert_recovered(graded, lesson, answers):
    """Release cells once each, in order; locked ones as released; answers as given (grade_id -> source)."""
    release = classroom.blank(lesson)
    tagged = [c for c in graded.cells if _nbgrader(c)]
    assert [_nbgrader(c)["grade_id"] for c in tagged] == [_nbgrader(c)["grade_id"] for c in release.cells]
    for mine, released in zip(tagged, release.cells):
        assert mine.metadata == released.metadata and mine.cell_type == released.cell_type
        if _nbgrader(released).get("solution"):
            assert mine.source.strip() == answers[_nbgrader(released)["grade_id"]].strip()
        else:
            assert mine.source == released.source
    assert len({c.id for c in graded.cells}) == len(graded.cells)
    assert not any(c.get("outputs") for c in graded.cells)


def answers_of(nb):
    return {_nbgrader(c)["grade_id"]: c.source for c in nb.cells if _nbgrader(c).get("solution")}


REFERENCE_ANSWERS = answers_of(answered(LESSON))
BLANK_ANSWERS = answers_of(classroom.blank(LESSON))


@pytest.mark.parametrize("make", [answered, classroom.blank], ids=["reference", "blank"])
def test_an_intact_notebook_is_graded_as_it_is_without_notes(make):
    graded, notes = run(make(LESSON))
    assert_recovered(graded, LESSON, answers_of(make(LESSON)))
    assert len(graded.cells) == len(classroom.blank(LESSON).cells)
    assert notes == []


@pytest.mark.parametrize("lesson", lesson_ids())
def test_a_pasted_notebook_gets_its_answers_in_the_answer_cells(lesson):
    graded, notes = run(pasted(answered(lesson)), lesson)
    assert_recovered(graded, lesson, answers_of(answered(lesson)))
    assert len(graded.cells) == len(classroom.blank(lesson).cells)
    assert "lost their grading tags" in notes[0]
    assert len([n for n in notes if "was graded as your answer to Exercise" in n]) == len(_answer_ids(graded))


def test_a_pasted_blank_keeps_its_empty_answers():
    graded, _ = run(pasted(classroom.blank(LESSON)))
    assert_recovered(graded, LESSON, BLANK_ANSWERS)


def test_a_pasted_notebook_keeps_the_students_own_cells_in_place():
    nb = pasted(answered(LESSON))
    answer = _index(classroom.blank(LESSON), "square_model")
    nb.cells.insert(answer + 1, nbformat.v4.new_code_cell("helper = 3"))
    nb.cells.insert(0, nbformat.v4.new_markdown_cell("My notes"))
    graded, _ = run(nb)
    assert_recovered(graded, LESSON, REFERENCE_ANSWERS)
    sources = [c.source for c in graded.cells]
    assert sources[0] == "My notes"
    helper = sources.index("helper = 3")
    assert _nbgrader(graded.cells[helper - 1])["grade_id"] == "square_model"
    assert _nbgrader(graded.cells[helper + 1])["grade_id"] == "code-07"


def test_a_pasted_answer_that_defines_nothing_is_found_by_its_place():
    nb = pasted(answered(LESSON))
    nb.cells[_index(classroom.blank(LESSON), "square_model")].source = "x = (  # unfinished"
    graded, notes = run(nb)
    assert_recovered(graded, LESSON, {**REFERENCE_ANSWERS, "square_model": "x = (  # unfinished"})
    assert any("starts `x = (  # unfinished`" in note and "Exercise 1" in note for note in notes)


def _split(nb, second_tagged):
    first = nb.cells[_index(nb, "square_model")]
    second = copy.deepcopy(first) if second_tagged else nbformat.v4.new_code_cell()
    first.source, rest = first.source.split("\n\n\ndef make_square_model")
    second.source, second.id = "def make_square_model" + rest, "second-half"
    nb.cells.insert(nb.cells.index(first) + 1, second)
    return nb


def test_an_answer_split_in_two_tagged_cells_is_graded_as_one():
    nb = _split(answered(LESSON), second_tagged=True)
    graded, notes = run(nb)
    joined = REFERENCE_ANSWERS["square_model"].replace("\n\n\ndef make_square_model", "\n\ndef make_square_model")
    assert_recovered(graded, LESSON, {**REFERENCE_ANSWERS, "square_model": joined})
    assert any("was in cells 7 and 8" in note for note in notes)


def test_the_untagged_half_of_a_split_answer_runs_before_the_self_check():
    graded, _ = run(_split(answered(LESSON), second_tagged=False))
    first_half = REFERENCE_ANSWERS["square_model"].split("\n\n\ndef make_square_model")[0]
    assert_recovered(graded, LESSON, {**REFERENCE_ANSWERS, "square_model": first_half})
    half = next(i for i, c in enumerate(graded.cells) if c.id == "student-cell-8")
    assert graded.cells[half].source.startswith("def make_square_model")
    assert [_nbgrader(graded.cells[half + k]).get("grade_id") for k in (-1, 1)] == ["square_model", "code-07"]


@pytest.mark.parametrize("copied", ["code-07", "test_square_model", "md-06"])
def test_a_copied_locked_cell_is_left_out(copied):
    nb = answered(LESSON)
    cell = copy.deepcopy(nb.cells[_index(nb, copied)])
    cell.id = "the-copy"
    nb.cells.insert(_index(nb, "test_square_model") + 1, cell)
    graded, notes = run(nb)
    assert_recovered(graded, LESSON, REFERENCE_ANSWERS)
    assert len(graded.cells) == len(classroom.blank(LESSON).cells)
    assert any("Cell 10, a copy of one of the course's own cells, was left out" in note for note in notes)


def test_locked_cells_edited_deleted_moved_or_retagged_come_from_the_release():
    nb = answered(LESSON)
    nb.cells[_index(nb, "code-07")].source = "print('skip the check')"
    nb.cells[_index(nb, "code-11")].metadata.nbgrader.update(solution=True, locked=False)
    nb.cells[_index(nb, "test_rescale_layer")].metadata.nbgrader["solution"] = True
    del nb.cells[_index(nb, "md-08")]
    moved = nb.cells.pop(_index(nb, "code-14"))
    nb.cells.insert(2, moved)
    graded, notes = run(nb)
    assert_recovered(graded, LESSON, REFERENCE_ANSWERS)
    assert notes == ["Your changes to cells 9, 14 and 15 were undone: the course's own cells (explanations, "
                     "self-checks, tests) are always graded as released.",
                     "2 of the course's cells were missing from your notebook; they were put back.",
                     "Cell 3, a copy of one of the course's own cells, was left out; the original ran in its place."]


def test_an_answer_moved_below_its_test_goes_back_to_its_place():
    nb = answered(LESSON)
    answer = nb.cells.pop(_index(nb, "square_model"))
    nb.cells.insert(_index(nb, "test_square_model") + 1, answer)
    graded, _ = run(nb)
    assert_recovered(graded, LESSON, REFERENCE_ANSWERS)


def test_answers_written_in_one_cell_are_not_replaced_by_empty_answers():
    nb = answered(LESSON)
    together = "\n\n".join(REFERENCE_ANSWERS.values())
    nb.cells = [c for c in nb.cells if not _nbgrader(c).get("solution")]
    nb.cells.insert(3, nbformat.v4.new_code_cell(together))
    graded, notes = run(nb)
    elsewhere = "# Your code for this exercise is in another cell of your notebook."
    assert_recovered(graded, LESSON, {"square_model": together, "rescale_layer": elsewhere,
                                      "rectifier_layer": elsewhere, "classifier": elsewhere})
    assert sum("your code for it in cell 4 was graded" in note for note in notes) == 3


def test_a_deleted_answer_is_graded_as_unanswered():
    nb = answered(LESSON)
    del nb.cells[_index(nb, "rescale_layer")]
    graded, notes = run(nb)
    assert_recovered(graded, LESSON, {**REFERENCE_ANSWERS, "rescale_layer": BLANK_ANSWERS["rescale_layer"]})
    assert notes == ["No answer to Exercise 2 · rescale pixels to [0, 1] was found in your notebook; "
                     "it was graded as unanswered."]


def _rejection(nb, lesson=LESSON):
    graded, notes, rejection = recover(nb, classroom.blank(lesson), lesson, committed_releases())
    assert graded is None and notes == []
    return rejection


@pytest.mark.parametrize("submitted, meant", [pair for pair in itertools.permutations(lesson_ids(), 2)
                                              if pair[0] in ("01_lambda_layers", "02_custom_layers")
                                              or pair[1] == "01_lambda_layers"])
def test_another_lessons_notebook_is_rejected_with_what_to_submit(submitted, meant):
    rejection = _rejection(pasted(answered(submitted)), meant)
    assert rejection == (f"This looks like lesson {submitted[:2]} ({submitted}.ipynb), but it was submitted for "
                         f"lesson {meant[:2]} ({meant}.ipynb). Submit {meant}.ipynb for lesson {meant[:2]}, and "
                         f"this file for lesson {submitted[:2]}.")


def test_a_notebook_of_no_lesson_or_an_empty_one_is_rejected():
    stranger = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# My holiday photos"),
                                               nbformat.v4.new_code_cell("print('hello')")])
    assert "does not look like lesson 01 (01_lambda_layers.ipynb)" in _rejection(stranger)
    assert _rejection(nbformat.v4.new_notebook()).startswith("Your notebook is empty.")


def test_answers_alone_are_enough_to_be_graded():
    nb = answered(LESSON)
    nb.cells = [c for c in nb.cells if _nbgrader(c).get("solution")]
    graded, notes = run(nb)
    assert_recovered(graded, LESSON, REFERENCE_ANSWERS)
    assert notes == [f"{len(classroom.blank(LESSON).cells) - 4} of the course's cells were missing from your "
                     "notebook; they were put back."]


def test_a_test_cell_made_an_answer_cell_holding_the_only_answer_is_rejected():
    nb = classroom.blank(LESSON)
    test = nb.cells[_index(nb, "test_square_model")]
    test.metadata.nbgrader.update(solution=True, locked=False)
    test.source += "\n" + REFERENCE_ANSWERS["square_model"]
    rejection = _rejection(nb)
    assert rejection.startswith("Cell 9 is the hidden-test cell of Exercise 1 · a square layer, but its grading "
                                "tags were changed to make it an answer cell")
    assert "Move your code into the answer cell of Exercise 1 · a square layer" in rejection
    nb.cells[_index(nb, "square_model")].source = REFERENCE_ANSWERS["square_model"]  # the answer is there too
    graded, _ = run(nb)
    assert_recovered(graded, LESSON, {**BLANK_ANSWERS, "square_model": REFERENCE_ANSWERS["square_model"]})
