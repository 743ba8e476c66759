"""Give the hidden tests their inputs' seed only when they run.

The hidden inputs are drawn from ``COURSE_GRADING_SEED``
(:func:`grader_tests.exercise.grading_seed`). A kernel that could read the
seed before its answers run could work out the hidden inputs in advance; so
the kernel's environment does not hold it (:func:`course.sandbox.kernel_environment`),
and this step, run just before the notebook is executed, wraps every hidden
test cell so that the seed is set while that cell runs and removed when it
ends. Each student gets a seed of their own (:func:`seed_for`), and each
exercise one drawn from it (:func:`exercise_seed`), so neither one
student's evidence nor one exercise's seed tells anything about another's. The feedback shows the release's version of these cells
(:func:`course.feedback.sanitize`), and they do not enter the kernel's
history (:mod:`course.kernel_execute`).
"""
import hashlib
import textwrap

from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution
from traitlets import Integer


def is_hidden_test(cell):
    return cell.cell_type == "code" and is_grade(cell) and not is_solution(cell)


def seed_for(run_seed, student, lesson):
    """The seed of one student's hidden inputs in one grading run."""
    digest = hashlib.sha256(f"{run_seed}/{student}/{lesson}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 2**31


def exercise_seed(seed, key):
    """The seed of one exercise's hidden inputs, from the student's seed."""
    digest = hashlib.sha256(f"{seed}/{key}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 2**31


def seeded(source, seed):
    """``source`` run with ``COURSE_GRADING_SEED`` set to ``seed``, and without it afterwards."""
    return (f'__import__("os").environ["COURSE_GRADING_SEED"] = "{int(seed)}"\n'
            f"try:\n{textwrap.indent(source, '    ')}\n    pass\n"
            'finally:\n    __import__("os").environ.pop("COURSE_GRADING_SEED", None)\n')


class SeedHiddenTests(NbGraderPreprocessor):
    seed = Integer(help="the seed of this submission's hidden inputs").tag(config=True)

    def preprocess_cell(self, cell, resources, cell_index):
        if is_hidden_test(cell):
            key = cell.metadata["nbgrader"]["grade_id"].removeprefix("test_")
            cell.source = seeded(cell.source, exercise_seed(self.seed, key))
        return cell, resources
