"""Bad submissions of lesson 01, each with what its grade must be.

Every case is a function that writes one submission file and returns the
exercises that must score 0 (all others must keep full marks). Cases start
from the reference solution, so a lost point elsewhere is the grader's
fault, or from the blank release (``ALL``: every exercise must fail), for
cheats that try to pass without an answer.
"""
import json

import nbformat

from course import notebook_format
from tests import classroom

LESSON = "01_lambda_layers"
ALL = frozenset({"square_model", "rescale_layer", "rectifier_layer", "classifier"})
NONE = frozenset()


def _cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _replace_answer(nb, grade_id, source):
    _cell(nb, grade_id).source = source
    return nb


def _prepend(nb, grade_id, code):
    cell = _cell(nb, grade_id)
    cell.source = code + "\n" + cell.source
    return nb


def _save(nb, path):
    notebook_format.write(nb, path)


def syntax_error(path):
    _save(_replace_answer(classroom.reference(LESSON), "square_model", "def square(x)\n    return x ** 2"), path)
    return {"square_model"}


def exception(path):
    _save(_prepend(classroom.reference(LESSON), "rectifier_layer", "raise ValueError('not today')"), path)
    return {"rectifier_layer"}


def infinite_loop(path):
    """A loop that ignores the interrupt at the time limit: the kernel is started again."""
    loop = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
    _save(_prepend(classroom.reference(LESSON), "square_model", loop), path)
    return {"square_model"}


def crashed_kernel(path):
    _save(_prepend(classroom.reference(LESSON), "classifier", "import os\nos._exit(1)"), path)
    return {"classifier"}


def memory_bomb(path):
    bomb = "hoard = []\nwhile True:\n    hoard.append(bytearray(2**27))"
    _save(_prepend(classroom.reference(LESSON), "rescale_layer", bomb), path)
    return {"rescale_layer", "classifier"}  # the classifier uses the rescale layer


def deleted_graded_cells(path):
    nb = classroom.reference(LESSON)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_rescale_layer"]
    _save(nb, path)
    return NONE


def deleted_answer_cell(path):
    nb = classroom.reference(LESSON)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "square_model"]
    _save(nb, path)
    return {"square_model"}


def edited_test_cells(path):
    nb = classroom.blank(LESSON)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = "pass"
    _save(nb, path)
    return ALL


def stripped_metadata(path):
    """Test cells without nbgrader metadata and with new ids: nbgrader no longer
    sees them as tests, so it must put the real ones back."""
    nb = classroom.blank(LESSON)
    for i, cell in enumerate(nb.cells):
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.metadata = {}
            cell.source = "pass"
        cell.id = f"renamed-{i}"
    _save(nb, path)
    return ALL


def invalid_json(path):
    path.write_text('{"cells": [ this is not json')
    return ALL


def empty_file(path):
    path.write_text("")
    return ALL


def giant_output(path):
    _save(_prepend(classroom.reference(LESSON), "square_model", "for _ in range(200_000):\n    print('x' * 500)"),
          path)
    return NONE


def patched_checks(path):
    cheat = ("import grader_tests.exercise as exercise\n"
             "exercise.Exercise.check = lambda self, *answers: None\n"
             "from grader_tests import lesson01\n"
             "for name in ('square_model', 'rescale_layer', 'rectifier_layer', 'classifier'):\n"
             "    getattr(lesson01, name).check = lambda *answers: None")
    _save(_prepend(classroom.blank(LESSON), "square_model", cheat), path)
    return ALL


def patched_assert_and_numpy(path):
    cheat = ("import builtins, numpy as np\n"
             "np.allclose = lambda *a, **k: True\n"
             "np.testing.assert_allclose = lambda *a, **k: None\n"
             "np.array_equal = lambda *a, **k: True\n"
             "builtins.AssertionError = type('Nothing', (Exception,), {})\n"
             "import grader_tests.expect as expect\n"
             "for name in dir(expect):\n"
             "    if not name.startswith('_') and callable(getattr(expect, name)):\n"
             "        setattr(expect, name, lambda *a, **k: None)")
    _save(_prepend(classroom.blank(LESSON), "square_model", cheat), path)
    return ALL


def always_equal_objects(path):
    """Answers that are objects claiming to equal anything."""
    cheat = ("class Anything:\n"
             "    def __eq__(self, other): return True\n"
             "    def __ne__(self, other): return False\n"
             "    def __call__(self, *a, **k): return self\n"
             "    def __getattr__(self, name): return self\n"
             "    def __array__(self, *a, **k): raise TypeError('no')\n"
             "def make_square_model(): return Anything()\n"
             "def make_rescale_layer(): return Anything()\n"
             "def make_rectifier_layer(): return Anything()\n"
             "def make_classifier(): return Anything()\n")
    nb = classroom.blank(LESSON)
    for grade_id in ALL:
        _replace_answer(nb, grade_id, cheat)
    _save(nb, path)
    return ALL


def prefilled_outputs(path):
    nb = classroom.blank(LESSON)
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
            points = cell.metadata["nbgrader"]["points"]
            cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": str(points)},
                                                   execution_count=1)]
            cell.execution_count = 1
    _save(nb, path)
    return ALL


def writes_results(path):
    """Looks for results, gradebooks, other students' submissions and solutions
    around its folder and in the repository, overwrites what it finds, and
    forges its hidden tests' evidence."""
    forged = json.dumps({"student": "cheater", "score": 10})
    cheat = (
        "import os, pathlib, grader_tests\n"
        f"forged = {forged!r}\n"
        "here = pathlib.Path.cwd()\n"
        "roots = [p for p in here.parents if len(p.parts) > 3] + [pathlib.Path(grader_tests.__file__).parents[1]]\n"
        "seen = set()\n"
        "for root in roots:\n"
        "    for pattern in ('**/results/**/*.json', '**/gradebook*.db', '**/*_01_lambda_layers.ipynb',\n"
        "                    '**/solutions/**/*.ipynb'):\n"
        "        for found in root.glob(pattern):\n"
        "            if here not in found.parents:\n"
        "                seen.add(str(found))\n"
        "                try:\n"
        "                    found.write_text(forged)\n"
        "                except OSError:\n"
        "                    pass\n"
        "evidence = os.environ.get('COURSE_EVIDENCE_DIR')\n"
        "if evidence:\n"
        "    for key in ('square_model', 'rescale_layer', 'rectifier_layer', 'classifier'):\n"
        "        pathlib.Path(evidence, key + '.npz').write_bytes(b'forged')\n"
        "print('files the cheat could see:', sorted(seen))")
    _save(_prepend(classroom.blank(LESSON), "square_model", cheat), path)
    return ALL


CASES = [syntax_error, infinite_loop, crashed_kernel, memory_bomb, deleted_graded_cells, edited_test_cells,
         invalid_json, empty_file, giant_output, patched_checks, writes_results]
# Cases whose failure a quick case above already shows (an exception as a syntax error does, a
# deleted answer cell as deleted graded cells, stripped metadata and a pasted blank as a pasted
# reference, the cheats as patched checks): graded in a class of their own, behind the slow marker.
SLOW_CASES = [exception, deleted_answer_cell, stripped_metadata, patched_assert_and_numpy,
              always_equal_objects, prefilled_outputs]


def noisy_stderr(path):
    """A correct answer that writes to stderr while its hidden test runs, at Python and at
    file-descriptor level, as TensorFlow and absl do: it must keep every point (nbgrader scores
    a test cell with any stderr output 0)."""
    noise = ("import os, sys, warnings\nprint('W0000 00:00:1 tensorflow: noise', file=sys.stderr)\n"
             "os.write(2, b'E0000 absl noise\\n')\nwarnings.warn('a warning from the answer')\n")
    nb = classroom.reference(LESSON)
    cell = _cell(nb, "square_model")
    cell.source = cell.source.replace("    return x ** 2", "    " + noise.replace("\n", "\n    ") + "return x ** 2")
    _save(nb, path)
    return NONE


def _pasted(nb):
    """``nb`` as pasted cell by cell into a new notebook: no nbgrader metadata, new cell ids."""
    for i, cell in enumerate(nb.cells):
        cell.metadata = {}
        cell.id = f"pasted-{i}"
    return nb


def pasted_reference(path):
    _save(_pasted(classroom.reference(LESSON)), path)
    return NONE


def pasted_blank(path):
    _save(_pasted(classroom.blank(LESSON)), path)
    return ALL


def split_and_copied_cells(path):
    """The first answer split in two, both halves keeping its metadata (as JupyterLab's "split cell"
    does), and its self-check cell copied, with its metadata, below the hidden test that follows:
    two cells with the same grade_id each, which nbgrader alone cannot grade."""
    nb = classroom.reference(LESSON)
    first = _cell(nb, "square_model")
    second = nbformat.from_dict(json.loads(json.dumps(first)))
    first.source, rest = first.source.split("\n\n\ndef make_square_model")
    second.source, second.id = "def make_square_model" + rest, "split-half"
    nb.cells.insert(nb.cells.index(first) + 1, second)
    check = _cell(nb, "code-07")
    copied = nbformat.from_dict(json.loads(json.dumps(check)))
    copied.id = "copied-check"
    nb.cells.insert(nb.cells.index(check) + 2, copied)
    _save(nb, path)
    return NONE


def wrong_lesson(path):
    """Lesson 02's notebook submitted as lesson 01's: rejected, with a message."""
    _save(classroom.reference("02_custom_layers"), path)
    return ALL


CASES += [noisy_stderr, pasted_reference, split_and_copied_cells, wrong_lesson]
SLOW_CASES += [pasted_blank]
