"""Cunning submissions of lesson 01: each tries to beat the grader, none may gain a point.

Same protocol as ``tests/corpus.py``: a case writes one submission and
returns the exercises that must score 0 (all others keep full marks). The
notebooks also print what they managed to see or do, so that a test can
read it in the autograded copy (``REPORT``).
"""
import sys
from pathlib import Path

import nbformat

from course import notebook_format, sandbox
from course.lessons import REPO_ROOT
from tests import classroom

LESSON = "01_lambda_layers"
ALL = frozenset({"square_model", "rescale_layer", "rectifier_layer", "classifier"})
NONE = frozenset()
REPORT = "attack report:"


def repository_as_kernels_see_it():
    """All a kernel may list of the repository: the kernel-side packages, and the venv's folder
    when the Python that grades lives in the repository (the README's ``.venv``)."""
    names = set(sandbox.KERNEL_SIDE_PACKAGES)
    prefix = Path(sys.prefix).absolute()
    if prefix.is_relative_to(REPO_ROOT):
        names.add(prefix.relative_to(REPO_ROOT).parts[0])
    return sorted(names)


def _with_first_cell(nb, code):
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "square_model")
    cell.source = code + "\n" + cell.source
    return nb


def _save(nb, path):
    notebook_format.write(nb, path)


ESCAPE = f"""
import glob, os, pathlib, signal, subprocess, sys, time, grader_tests
seen = {{}}
seen["uid"] = os.getuid()
seen["seed"] = os.environ.get("COURSE_GRADING_SEED")
seen["mount"] = subprocess.run(["mount", "-t", "tmpfs", "none", "/usr"], capture_output=True).returncode
seen["nested"] = subprocess.run(["unshare", "-Urm", "sh", "-c", "umount -l /usr && ls /usr | wc -l"],
                                capture_output=True, text=True).stdout.strip()
repo = pathlib.Path(grader_tests.__file__).parents[1]
seen["repository"] = sorted(p.name for p in repo.iterdir())
seen["outside"] = [str(p) for p in (repo / "solutions", repo / ".git", "/work/shared", "/root/.cache",
                                   "/tmp/pytest-of-root") if os.path.exists(p)]
killed, mine = 0, {{int(t) for t in os.listdir("/proc/self/task")}}
for pid in range(1, 40000):
    if pid not in mine:
        try:
            os.kill(pid, signal.SIGKILL)
            killed += 1
        except (ProcessLookupError, PermissionError):
            pass
seen["killed"] = killed
for name, folder in (("tmp", "/tmp"), ("evidence", os.environ["COURSE_EVIDENCE_DIR"])):
    written = 0
    try:
        with open(os.path.join(folder, "filler"), "wb") as f:
            for _ in range(4096):
                f.write(b"0" * 2**20)
                written += 1
    except OSError:
        pass
    seen[name + "_mb"] = written
    os.remove(os.path.join(folder, "filler"))
later = ("sleep 25; for f in $COURSE_EVIDENCE_DIR/*.npz; do echo forged > $f; done; "
         "touch /tmp/still-here-$(id -u)")
subprocess.Popen(["sh", "-c", later], start_new_session=True)
# The fork bomb runs in a small Python: each fork of this kernel copies TensorFlow's page tables.
fork_bomb = '''
import os, time
children = 0
try:
    for _ in range(3000):
        if os.fork() == 0:
            os.closerange(0, 3)
            time.sleep(120)
            os._exit(0)
        children += 1
except OSError:
    pass
print(children)
'''
seen["forks"] = int(subprocess.run([sys.executable, "-c", fork_bomb], capture_output=True, text=True).stdout)
print({REPORT!r}, seen)
"""


def escapes_the_sandbox(path):
    """Mounts, nested namespaces, looks around the repository and machine, kills every
    process it can, forks 3,000 children, fills /tmp and the evidence folder, and leaves a
    process behind to forge evidence after the notebook ends."""
    _save(_with_first_cell(classroom.blank(LESSON), ESCAPE), path)
    return ALL


BORROW = """
import os, pathlib, numpy as np
evidence = pathlib.Path(os.environ["COURSE_EVIDENCE_DIR"])
evidence.mkdir(parents=True, exist_ok=True)
(evidence / "square_model.npz").symlink_to("/etc/passwd")
for other in sorted(pathlib.Path("/").glob("tmp/cj-*/evidence/rescale_layer.npz")):
    (evidence / "rescale_layer.npz").symlink_to(other)
np.savez_compressed(evidence / "rectifier_layer.npz", out3=np.zeros((6000, 6000)), out2=np.zeros(3))
os.mkfifo(evidence / "classifier.npz")
"""


LISTEN = """
captured = []
get_ipython().events.register("pre_run_cell", lambda info: captured.append(info.raw_cell))
"""
PRINT_HISTORY = "print(In)\nprint(_ih)\nprint(Out)\nprint(captured)"


def leaks_hidden_tests(path):
    """Records the source of every cell that runs, and prints it with the kernel's history
    in a last cell: its feedback must not show the hidden tests."""
    nb = _with_first_cell(classroom.reference(LESSON), LISTEN)
    nb.cells.append(nbformat.v4.new_code_cell(PRINT_HISTORY))
    _save(nb, path)
    return NONE


IMITATIONS = """
import numpy as np, keras

class Imitation:
    \"\"\"Looks like a layer or model to code that only calls it and counts.\"\"\"
    def __init__(self, function, lambdas=1):
        self.function, self.lambdas = function, lambdas
    def __call__(self, x, *args, **kwargs):
        return self.function(np.asarray(x, dtype="float32"))
    def count_params(self):
        return 0
    def _flatten_layers(self, include_self=False, **kwargs):
        return [keras.layers.Lambda(lambda x: x) for _ in range(self.lambdas)]
    weights = []

make_square_model = lambda: Imitation(lambda x: x ** 2)
make_rescale_layer = lambda: Imitation(lambda x: x / 255.0)
make_rectifier_layer = lambda: Imitation(lambda x: np.concatenate([np.maximum(x, 0), np.maximum(-x, 0)], -1))
"""


def borrows_evidence_and_imitates_keras(path):
    """Evidence files that are links to other files, a zip bomb and a pipe; then NumPy objects
    that compute the right numbers but are not Keras layers or models, as the answers."""
    nb = classroom.blank(LESSON)
    for grade_id in ("square_model", "rescale_layer", "rectifier_layer"):
        cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
        cell.source = IMITATIONS
    _save(_with_first_cell(nb, BORROW), path)
    return ALL


CAPTURE = """
import numpy as np
import grader_tests.exercise as exercise
captured = {}
def capture(self, *answers):
    captured[self] = self.inputs(np.random.default_rng(exercise.grading_seed()))
exercise.Exercise.check = capture
"""
FORGE = """
import os
for check, inputs in captured.items():
    answer = {"square_model": make_square_model, "rescale_layer": make_rescale_layer,
              "rectifier_layer": make_rectifier_layer}.get(check.key)
    if answer is not None:
        np.savez(os.path.join(os.environ["COURSE_EVIDENCE_DIR"], f"{check.key}.npz"), **check.collect(inputs, answer))
print("forged", sorted(check.key for check in captured))
"""


def forges_evidence_after_the_tests(path):
    """Hidden tests that save nothing while they run, then, in a last cell, evidence made with
    their own inputs and answers written there: only what a test saves while it runs counts."""
    reference = classroom.reference(LESSON)
    answers = "\n".join(c.source for c in reference.cells
                        if c.metadata.get("nbgrader", {}).get("grade_id") in ("square_model", "rescale_layer",
                                                                              "rectifier_layer"))
    nb = _with_first_cell(classroom.blank(LESSON), CAPTURE)
    nb.cells.append(nbformat.v4.new_code_cell(answers + "\n" + FORGE))
    _save(nb, path)
    return ALL


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
    """The blank notebook plus one cell that answers the hidden inputs itself, in place of the probes."""
    _save(_with_first_cell(classroom.blank(LESSON), REPLACE_COLLECT), path)
    return ALL


CASES = [escapes_the_sandbox, borrows_evidence_and_imitates_keras, leaks_hidden_tests, forges_evidence_after_the_tests,
         replaces_collect]
