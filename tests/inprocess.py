"""Run a lesson notebook's code cells inside the test process.

The unit tests of ``grader_tests`` use it to run the reference solution, the
student stub (the release) and mutants of the reference, then the hidden test
cells, and see which of those raise. It is much faster than a kernel, and a
mutant only runs the cells from its own to the test it targets, from the
namespace the reference had there (:func:`resume`).
"""
import copy
from dataclasses import dataclass

import keras
import matplotlib.pyplot as plt
import numpy as np
from IPython.core.inputtransformer2 import TransformerManager

from course import notebook_format
from course.lessons import RELEASE_DIR, SOURCE_DIR, notebook_name

_to_python = TransformerManager().transform_cell
RESUMED_SEED = 42  # the notebooks' own (utils.set_seed)


@dataclass(frozen=True)
class Mutant:
    """A wrong answer made from the reference by one textual replacement in one answer cell.

    ``breaks`` is the exercise key whose hidden tests must fail. A self-check
    cell must fail it too (tests/test_selfchecks.py), unless ``hidden_only``
    says in one line why only the hidden tests can see it.
    """

    name: str
    cell: str
    old: str
    new: str
    breaks: str
    hidden_only: str = ""


def _nbgrader(cell):
    return cell.metadata.get("nbgrader", {})


def _is_hidden_test(cell):
    return _nbgrader(cell).get("grade") and not _nbgrader(cell).get("solution")


def source_notebook(lesson_id):
    return notebook_format.read(SOURCE_DIR / lesson_id / notebook_name(lesson_id))


def release_notebook(lesson_id):
    """The stub, with the hidden tests put back from the source so they can run."""
    hidden = {_nbgrader(c)["grade_id"]: c.source for c in source_notebook(lesson_id).cells if _is_hidden_test(c)}
    nb = notebook_format.read(RELEASE_DIR / lesson_id / notebook_name(lesson_id))
    for cell in nb.cells:
        if _is_hidden_test(cell):
            cell.source = hidden[_nbgrader(cell)["grade_id"]]
    return nb


def mutate(nb, mutant):
    for cell in nb.cells:
        if _nbgrader(cell).get("grade_id") == mutant.cell:
            if cell.source.count(mutant.old) != 1:
                raise ValueError(f"mutant {mutant.name}: {mutant.old!r} is not once in cell {mutant.cell}")
            cell.source = cell.source.replace(mutant.old, mutant.new)
            return nb
    raise ValueError(f"mutant {mutant.name}: no cell {mutant.cell}")


def hidden_test(nb, key):
    """The hidden test cell of exercise ``key``."""
    return next(c for c in nb.cells if _is_hidden_test(c) and _nbgrader(c)["grade_id"] == f"test_{key}")


def run(nb, stop_after=None, namespace=None, checkpoints=None):
    """Run the code cells in order in ``namespace`` (by default a fresh one); see :func:`run_cells`."""
    keras.backend.clear_session()
    return run_cells(nb.cells, {"__name__": "__main__"} if namespace is None else namespace, stop_after, checkpoints)


def run_cells(cells, namespace, stop_after=None, checkpoints=None):
    """Run the code cells in ``namespace``; return ``{exercise key: exception or None}`` for hidden tests.

    Errors in other cells are kept going past, as nbgrader does. With
    ``stop_after``, stop once the hidden test of that exercise has run. With
    ``checkpoints``, a dict keyed by answer cells' ids, each of those gets the
    namespace as it is just before its cell runs (see :func:`resume`).
    """
    outcomes = {}
    for cell in cells:
        if cell.cell_type != "code":
            continue
        if checkpoints is not None and _nbgrader(cell).get("grade_id") in checkpoints:
            checkpoints[_nbgrader(cell)["grade_id"]] = _frozen(namespace)
        try:
            exec(compile(_to_python(cell.source), "<cell>", "exec"), namespace)
            error = None
        except Exception as exc:  # a student's error, recorded like nbgrader does
            error = exc
        if _is_hidden_test(cell):
            key = _nbgrader(cell)["grade_id"].removeprefix("test_")
            outcomes[key] = error
            if key == stop_after:
                break
    plt.close("all")
    return outcomes


def _frozen(namespace):
    """A copy of ``namespace`` for a later :func:`resume`: random generators, which the cells after it
    draw from, are copied too; other values are shared. (Every variant of every lesson failed or passed
    with the same message this way as from the top, up to random numbers and layer names.)"""
    return {name: copy.deepcopy(value) if isinstance(value, np.random.Generator) else value
            for name, value in namespace.items()}


def resume(nb, checkpoints, variant, namespace=None):
    """Run ``nb`` (a variant of the notebook whose run filled ``checkpoints``) from the variant's answer
    cell up to its exercise's hidden test, starting from the namespace the reference had there.

    What runs before the changed cell is the reference's in both, so a variant costs only the cells
    from its own on. The random seeds are set first, so a variant's numbers do not depend on what ran
    before it in the test process. ``namespace`` (by default a fresh dict) receives the names."""
    start = next(i for i, cell in enumerate(nb.cells) if _nbgrader(cell).get("grade_id") == variant.cell)
    keras.utils.set_random_seed(RESUMED_SEED)
    namespace = {} if namespace is None else namespace
    namespace.update(_frozen(checkpoints[variant.cell]))
    return run_cells(nb.cells[start:], namespace, stop_after=variant.breaks)
