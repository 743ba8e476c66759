"""Give the hidden tests their inputs' seed only when they run.

The hidden inputs are drawn from ``COURSE_GRADING_SEED``
(:func:`grader_tests.exercise.grading_seed`). A kernel that could read the
seed before its answers run could work out the hidden inputs in advance; so
the kernel's environment does not hold it (:func:`course.sandbox.kernel_environment`),
and this step, run just before the notebook is executed, writes it into the
first line of every hidden test cell instead. Each student gets a seed of
their own (:func:`seed_for`), so one student's evidence is worth nothing to
another. The feedback shows the release's version of these cells
(:func:`course.feedback.sanitize`), and they do not enter the kernel's
history (:mod:`course.kernel_execute`).
"""
import hashlib

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

from course.kernel_execute import is_hidden_test


def seed_for(run_seed, student, lesson):
    """The seed of one student's hidden inputs in one grading run."""
    digest = hashlib.sha256(f"{run_seed}/{student}/{lesson}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 2**31


def seed_line(seed):
    return f'__import__("os").environ["COURSE_GRADING_SEED"] = "{int(seed)}"\n'


class SeedHiddenTests(NbGraderPreprocessor):
    seed = Integer(help="the seed of this submission's hidden inputs").tag(config=True)

    def preprocess_cell(self, cell, resources, cell_index):
        if is_hidden_test(cell):
            cell.source = seed_line(self.seed) + cell.source
        return cell, resources
