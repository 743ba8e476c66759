"""A lesson's blank release whose first cell makes the probes use the reference's answers (issue 21).

The probes run in the student's kernel, under the guard (``grader_tests/guard.py``):
evidence counts only when the guard signed it, and it signs nothing once a probe
or anything a probe uses has been replaced, so every exercise scores 0. Lesson
01's attack that answers the hidden inputs itself is in ``tests/attacks.py``.
"""
import nbformat
from IPython.core.inputtransformer2 import TransformerManager

from tests import classroom, inprocess

_to_python = TransformerManager().transform_cell

# After the reference's own code (run first, in the same cell): the replaced collect probes the
# reference's answers, kept here, instead of the blanks the notebook defines later under the same names.
SUBSTITUTE_ANSWERS = """
from grader_tests.exercise import Exercise

_reference = dict(globals())
_collect = Exercise.collect

def collect(self, inputs, *answers):
    answers = [_reference.get(getattr(answer, "__name__", None), answer) for answer in answers]
    return _collect(self, inputs, *answers)

Exercise.collect = collect
"""


def substitutes_answers(lesson):
    """The lesson's blank release whose first code cell runs the reference's code (all but its hidden
    tests) and makes every probe use the reference's answers."""
    sources = [_to_python(cell.source) for cell in classroom.reference(lesson).cells
               if cell.cell_type == "code" and not inprocess._is_hidden_test(cell)]
    nb = classroom.blank(lesson)
    nb.cells.insert(0, nbformat.v4.new_code_cell("\n".join([*sources, SUBSTITUTE_ANSWERS])))
    return nb
