"""Every wrong answer a self-check can see fails a self-check.

A student who sees every self-check pass and then gets 0 points has been
misled. So each lesson's ``MUTANTS`` (tests/test_lessonNN_checks.py) are run
against the self-check cells (the locked cells that call ``selfcheck``): each
must make one of them raise :class:`utils.selfcheck.SelfCheckFailed` before
the hidden test of the exercise it breaks, unless it is marked
``hidden_only`` with the reason.

The reference runs once per lesson, cell by cell, in this process, without
its hidden tests. Just before an answer cell that has mutants, each of them
branches off in a copy of the namespace: its mutated cell and the cells after
it run until a self-check fails or the hidden test of ``breaks`` is reached.
Most mutants are caught by the self-check right after their answer cell, so
a branch costs a few cells, not a notebook.
"""
import copy
import importlib

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course.lessons import lesson_ids
from tests import inprocess
from utils.selfcheck import SelfCheckFailed


def is_self_check(cell):
    nbgrader = cell.metadata.get("nbgrader", {})
    return (cell.cell_type == "code" and not nbgrader.get("grade") and not nbgrader.get("solution")
            and "selfcheck." in cell.source)


def _hidden_test_key(cell):
    return inprocess._nbgrader(cell)["grade_id"].removeprefix("test_") if inprocess._is_hidden_test(cell) else None


def _execute(cell, namespace):
    """Run one code cell; return the exception it raised, or None."""
    try:
        exec(compile(inprocess._to_python(cell.source), "<cell>", "exec"), namespace)
    except Exception as error:  # a wrong answer's error, recorded
        return error
    return None


def _branch(namespace):
    """A copy of the namespace in which random generators start where the reference's are."""
    return {name: copy.deepcopy(value) if isinstance(value, np.random.Generator) else value
            for name, value in namespace.items()}


def _first_self_check_failure(cells, namespace, breaks):
    """Run ``cells`` (hidden tests skipped) until a self-check raises; None if the test of ``breaks`` comes first."""
    for cell in cells:
        if cell.cell_type != "code":
            continue
        if _hidden_test_key(cell) == breaks:
            return None
        if _hidden_test_key(cell) is not None:
            continue
        error = _execute(cell, namespace)
        if error is not None and is_self_check(cell):
            return error
    return None


def run_lesson(lesson, mutants):
    """The reference's self-check errors, and for each mutant the self-check error it caused (or None)."""
    nb = inprocess.source_notebook(lesson)
    by_cell = {}
    for mutant in mutants:
        by_cell.setdefault(mutant.cell, []).append(mutant)
    last = max(i for i, cell in enumerate(nb.cells) if inprocess._nbgrader(cell).get("grade_id") in by_cell)
    keras.backend.clear_session()
    namespace = {"__name__": "__main__"}
    reference_errors, caught = {}, {}
    # The cells after the last mutated answer, self-checks included, run in the grading tests' reference run.
    for index, cell in enumerate(nb.cells[:last + 1]):
        if cell.cell_type != "code" or _hidden_test_key(cell) is not None:
            continue
        for mutant in by_cell.get(inprocess._nbgrader(cell).get("grade_id"), ()):
            mutated = inprocess.mutate(inprocess.source_notebook(lesson), mutant)
            caught[mutant.name] = _first_self_check_failure(mutated.cells[index:], _branch(namespace), mutant.breaks)
            plt.close("all")
        error = _execute(cell, namespace)
        if error is not None:
            reference_errors[index] = error
    plt.close("all")
    return reference_errors, caught


def _mutants(lesson):
    return importlib.import_module(f"tests.test_lesson{lesson[:2]}_checks").MUTANTS


# Lesson 03's reference trains four models before its last mutated answer and
# lesson 05's builds 600 MB of pairs: 14 s each on two quiet cores, 45 s on busy
# ones (00 and 04 take 8 s, 01 and 02 3 s, and stay in the default suite).
HEAVY = {"03_add_loss", "05_siamese"}


@pytest.mark.parametrize("lesson", [pytest.param(lesson, marks=pytest.mark.slow) if lesson in HEAVY else lesson
                                    for lesson in lesson_ids()])
def test_every_visible_mistake_fails_a_self_check(lesson):
    mutants = _mutants(lesson)
    reference_errors, caught = run_lesson(lesson, [m for m in mutants if not m.hidden_only])
    assert not reference_errors, f"the reference fails cells: {reference_errors}"
    missed = [name for name, error in caught.items() if error is None]
    assert not missed, f"wrong answers that pass every self-check: {missed}"
    unfriendly = {name: repr(error) for name, error in caught.items() if not isinstance(error, SelfCheckFailed)}
    assert not unfriendly, f"self-checks that crash instead of explaining: {unfriendly}"
    for name, error in caught.items():
        print(f"{name}: {error}")

