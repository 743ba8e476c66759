"""One mistake costs one exercise.

A notebook with exactly one known mistake (a mutant of tests/test_lessonNN_checks.py)
runs in-process from the top to the last hidden test named here: only the hidden
test of the exercise at fault may fail, and, where the case says so, no ordinary
cell may fail either (a self-check that stops before defining what later cells
use makes them fail with a NameError).
"""
import importlib

import keras
import matplotlib.pyplot as plt
import pytest

from tests import inprocess
from tests.test_selfchecks import is_self_check


def _mutant(lesson, name):
    module = importlib.import_module(f"tests.test_lesson{lesson[:2]}_checks")
    return next(m for m in [*module.MUTANTS, *module.SLOW_MUTANTS] if m.name == name)


def _run(nb, last):
    """Hidden-test outcomes up to and including ``last``, and the errors of the ordinary cells before it."""
    keras.backend.clear_session()
    namespace, outcomes, errors = {"__name__": "__main__"}, {}, {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if inprocess._is_hidden_test(cell):
            outcomes.update(inprocess.run_cells([cell], namespace))
            if f"test_{last}" == inprocess._nbgrader(cell)["grade_id"]:
                break
            continue
        try:
            exec(compile(inprocess._to_python(cell.source), "<cell>", "exec"), namespace)
        except Exception as error:  # recorded: an ordinary cell must not fail
            if not is_self_check(cell):
                errors[index] = error
    plt.close("all")
    return outcomes, errors


# (lesson, mutant, the last hidden test to run, whether later ordinary cells must all run)
CASES = [
    ("03_add_loss", "mean instead of sum", "total_loss", True),
    # With weights made in call, make_model() cannot run, so nothing trains; exercise 5 keeps its points.
    ("02_custom_layers", "add_weight inside call", "model", False),
    # The classifier is built with the student's own rescale layer: a wrong one costs exercise 2 alone, as
    # long as the classifier still learns with it (raw pixels, unscaled, keep it under the accuracy asked).
    ("01_lambda_layers", "divides by 256", "classifier", True),
]


@pytest.mark.parametrize(("lesson", "name", "last", "cells_run"), CASES, ids=[f"{c[0]}: {c[1]}" for c in CASES])
def test_a_mistake_costs_only_its_own_exercise(lesson, name, last, cells_run):
    mutant = _mutant(lesson, name)
    outcomes, errors = _run(inprocess.mutate(inprocess.source_notebook(lesson), mutant), last)
    assert last in outcomes
    failed = {key for key, error in outcomes.items() if error is not None}
    assert failed == {mutant.breaks}, outcomes
    if cells_run:
        assert not errors, errors
