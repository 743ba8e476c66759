"""What a student sees around the answers: progress output, unfinished exercises, feedback pages.

- A notebook executed without anyone watching (grading, nbconvert, tests)
  stores one plain line per epoch: no backspace, carriage return or colour
  code, which a live progress bar would leave by the hundred.
- A blank release run from the top says, at each exercise's self-check, in
  one line, which function is still to write, instead of a traceback.
- A feedback page names each exercise in its score list, wraps long hints,
  and shows no control characters even when the notebook printed some.
"""
import re
from pathlib import Path

import nbformat
import nbgrader
import pytest
from nbclient import NotebookClient
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor

from course import feedback
from course.lessons import RELEASE_DIR, lesson_ids, notebook_name
from tests import inprocess

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # every control character but tab and newline
NBGRADER_TEMPLATES = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates"
BOOTSTRAP_CSS = NBGRADER_TEMPLATES.parent / "static" / "node_modules" / "bootstrap" / "dist" / "css"


def _text(output):
    """What a page or a notebook shows of an output: a stream's text, or the HTML of a display if it has one.

    (Keras's ``summary()`` displays HTML, with a plain-text copy in terminal
    colours beside it that no frontend shows.)
    """
    if output.output_type == "stream":
        return output.text
    data = output.get("data", {})
    return data.get("text/html", data.get("text/plain", ""))


def control_characters(nb):
    """``{cell index: control characters}`` that the stream and display outputs of an executed notebook show."""
    found = {}
    for index, cell in enumerate(nb.cells):
        characters = {c for output in cell.get("outputs", []) for c in CONTROL.findall(_text(output))}
        if characters:
            found[index] = characters
    return found


def execute(nb, folder, allow_errors=False):
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=allow_errors,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return nb


PROGRESS_NOTEBOOK = [
    "import utils\nimport keras\nimport numpy as np\n"
    "model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
    "model.compile(optimizer='sgd', loss='mse')\nx, y = np.ones((64, 3)), np.ones((64, 1))",
    "model.fit(x, y, epochs=2, batch_size=8, verbose=utils.progress.verbosity())",
    "for epoch in range(2):\n"
    "    bar = keras.utils.Progbar(8, stateful_metrics=['loss'], verbose=utils.progress.verbosity())\n"
    "    for step in range(8):\n"
    "        bar.update(step + 1, [('batch_loss', 0.5)], finalize=False)\n"
    "    bar.update(8, [('loss', 0.25)], finalize=True)",
    "model.fit(x, y, epochs=1, batch_size=8, verbose=1)  # a live bar, as if someone were watching",
]


def test_unwatched_runs_print_one_plain_line_per_epoch(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_QUICK_RUN", "1")
    nb = execute(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in PROGRESS_NOTEBOOK]), tmp_path)
    assert list(control_characters(nb)) == [3]  # only the cell that asks for a live bar
    fit_lines = [line for o in nb.cells[1].outputs if o.output_type == "stream" for line in o.text.splitlines()
                 if "/step" in line]
    bar_lines = [line for o in nb.cells[2].outputs for line in o.text.splitlines()]
    assert len(fit_lines) == 2 and len(bar_lines) == 2, (fit_lines, bar_lines)


def test_a_blank_release_says_in_one_line_what_is_left_to_write(tmp_path):
    """Lesson 01's release, run to the end: each exercise's first self-check shows one line."""
    nb = execute(inprocess.release_notebook("01_lambda_layers"), tmp_path, allow_errors=True)
    cells = nb.cells
    answers = [i for i, c in enumerate(cells) if c.metadata.get("nbgrader", {}).get("solution")]
    assert len(answers) == 4
    for i in answers:
        check = next(c for c in cells[i + 1:] if c.cell_type == "code")
        errors = [o for o in check.outputs if o.output_type == "error"]
        assert len(errors) == 1 and len(errors[0].traceback) == 1, check.outputs
        line = errors[0].traceback[0]
        assert line.startswith("✘ ") and "is not written yet" in line and not CONTROL.search(line), line
        function = re.search(r"✘ (\w+)\(\) is not written yet", line).group(1)
        assert f"def {function}(" in cells[i].source, line


def _graded_feedback(lesson, hint, finish=True):
    """The lesson's release as graded with every hidden test failed and a live bar in a cell, then rendered."""
    release = nbformat.read(RELEASE_DIR / lesson / notebook_name(lesson), as_version=4)
    nb = nbformat.from_dict(release)
    verdicts = {}
    for cell in nb.cells:
        grading = cell.metadata.get("nbgrader", {})
        if grading.get("grade") and not grading.get("solution"):
            verdicts[grading["grade_id"]] = f"{grading['grade_id']}: wrong, {hint}"
            grading.update(score=0, points=grading["points"])
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    first_code.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"1/9 [==>...]{chr(8) * 12}\r9/9 [=====]\n")]
    feedback.sanitize(nb, release, verdicts)
    exporter = HTMLExporter(template_name="feedback", extra_template_basedirs=[str(NBGRADER_TEMPLATES)],
                            extra_template_paths=[str(BOOTSTRAP_CSS)])
    exporter.register_preprocessor(CSSHTMLHeaderPreprocessor(), enabled=True)
    points = sum(c.metadata["nbgrader"]["points"] for c in nb.cells if c.metadata.get("nbgrader", {}).get("score") == 0)
    page, _ = exporter.from_notebook_node(nb, resources={"nbgrader": {
        "notebook": lesson, "score": 0, "max_score": points, "late_penalty": 0}})
    return (feedback.finish_page(page, feedback.exercise_titles(release)) if finish else page), verdicts


@pytest.mark.parametrize("lesson", lesson_ids())
def test_feedback_page_names_each_exercise_and_wraps_hints(lesson):
    hint = "a hint long enough to need wrapping " * 8
    page, verdicts = _graded_feedback(lesson, hint)
    score_list = page[page.index('<div id="toc">'):page.index("</ol>")]
    assert "Test cell" not in score_list
    titles = re.findall(r'<a href="#test_\w+">(Exercise [^<]+)</a>', score_list)
    assert len(titles) == len(verdicts) == len(set(titles)), titles
    assert "white-space: pre-wrap" in page[:page.index("</head>")]
    assert hint.strip() in page and "9/9 [=====]" in page
    assert not CONTROL.search(page), set(CONTROL.findall(page))


def test_nbgraders_own_page_fails_these_checks():
    """The failing case: the page as nbgrader renders it lists "Test cell"s and does not wrap."""
    page, _ = _graded_feedback("01_lambda_layers", "a hint", finish=False)
    assert "Test cell" in page[page.index('<div id="toc">'):page.index("</ol>")]
    assert "white-space: pre-wrap" not in page[:page.index("</head>")]


def test_streams_are_shown_as_a_terminal_shows_them():
    assert feedback.terminal_text(f"1/9 [>..]{chr(8) * 9}\r9/9 [===]   \n\x1b[1mdone\x1b[0m") == "9/9 [===]\ndone"


def test_errors_are_shown_in_a_line_or_two_without_colour_codes():
    from utils.errors import describe

    error = ValueError("Exception encountered when calling X.call().\n\n\x1b[1mYou cannot add state.\x1b[0m\n\nArguments: x")
    assert describe(error) == "ValueError: Exception encountered when calling X.call().\nYou cannot add state."
    error = TypeError("config={'class_name': 'Doubler'}\n\nException encountered: Could not locate class 'Doubler'.")
    assert describe(error, count=1, mentioning="'Doubler'") == (
        "TypeError: Exception encountered: Could not locate class 'Doubler'.")
    assert describe(error, mentioning="'Tripler'").startswith("TypeError: config=")
