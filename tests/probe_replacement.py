"""A lesson's blank release whose first cell makes the probes use the reference's answers (issue 21).

The probes run in the student's kernel, under the guard (``grader_tests/guard.py``):
evidence counts only when the guard signed it, and it signs nothing once a probe
or anything a probe uses has been replaced, so every exercise scores 0. Lesson
01's attack that answers the hidden inputs itself is in ``tests/attacks.py``.
"""
import nbformat

from tests import classroom

# The reference's answers, run apart; the replaced collect probes them instead of the notebook's blanks.
SUBSTITUTE_ANSWERS = """
from grader_tests.exercise import Exercise

_reference = {{}}
for _source in {sources!r}:
    exec(_source, _reference)
_collect = Exercise.collect

def collect(self, inputs, *answers):
    answers = [_reference.get(getattr(answer, "__name__", None), answer) for answer in answers]
    return _collect(self, inputs, *answers)

Exercise.collect = collect
"""


def substitutes_answers(lesson):
    """The lesson's blank release whose first code cell makes every probe use the reference's answers."""
    sources = [cell.source for cell in classroom.reference(lesson).cells
               if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")]
    nb = classroom.blank(lesson)
    nb.cells.insert(0, nbformat.v4.new_code_cell(SUBSTITUTE_ANSWERS.format(sources=sources)))
    return nb
