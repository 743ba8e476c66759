"""A blank lesson-01 notebook whose first cell replaces ``Exercise.collect`` with one that answers
the hidden inputs itself (issue 21): every exercise it fakes must score 0.

The probes run in the student's kernel, so today this wins points; the test that grades it
(``tests/test_probe_replacement.py``) is an expected failure until the kernel side of the
hidden tests is guarded (see the report of the ``guard`` branch).
"""
from tests import attacks, classroom

REPLACE_COLLECT = """
import numpy as np
from grader_tests.exercise import Exercise, to_evidence

def collect(self, inputs, *answers):
    if self.key == "square_model":
        raw = {"output": inputs["x"] ** 2, "params": 0, "lambdas": 1, "model": True, "input_shape": [-1, 1]}
    elif self.key == "rescale_layer":
        raw = {"output": inputs["pixels"] / 255.0, "dim_output": inputs["dim"] / 255.0, "lambda": True}
    elif self.key == "rectifier_layer":
        rectify = lambda x: np.concatenate([np.maximum(x, 0), np.maximum(-x, 0)], -1)
        raw = {"out3": rectify(inputs["x3"]), "out2": rectify(inputs["x2"]), "lambda": True}
    else:
        raise NotImplementedError
    return to_evidence(raw, self.title)

Exercise.collect = collect
"""


def replaces_collect(path):
    """The blank release plus one cell that patches ``Exercise.collect``."""
    attacks._save(attacks._with_first_cell(classroom.blank(attacks.LESSON), REPLACE_COLLECT), path)
    return attacks.ALL
