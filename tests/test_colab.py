"""Lesson 01 as Colab runs it: the release notebook alone, the course's helpers installed from a wheel.

Colab has none of this repository: a student opens the release notebook and
its first cell installs the helpers. The slow test builds a wheel of the
course and a virtual environment that sees this one's packages (TensorFlow,
Keras, Jupyter) but not the repository, installs the wheel there, and runs
lesson 01 (the release, with the answers written in) alone in an empty
folder, in a kernel of that environment that imports a stub ``google.colab``
at start-up, as Colab's kernel does. The set-up cell's install is pointed at
the wheel through ``COURSE_HELPERS``.
"""
import json
import re
import shutil
import site
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from course.lessons import REPO_ROOT, lesson_ids
from tests import inprocess
from tests.test_student_view import control_characters
from utils import versions

LESSON = "01_lambda_layers"
PACKAGE_FILES = ("pyproject.toml", "README.md", "course", "grader_tests", "utils")


def _setup_cell(lesson):
    return next(c for c in inprocess.release_notebook(lesson).cells if c.metadata["nbgrader"]["grade_id"] == "code-02")


@pytest.mark.parametrize("lesson", lesson_ids())
def test_setup_cell_installs_the_tested_versions(lesson):
    source = _setup_cell(lesson).source
    tested = json.loads(re.search(r"^TESTED = (\{.*\})$", source, re.M).group(1))
    assert tested == versions.TESTED
    pins = dict(re.findall(r"^([\w-]+)==(\S+)$", (REPO_ROOT / "requirements.txt").read_text(), re.M))
    assert all(pins[package] == release for package, release in tested.items()), pins
    assert "%pip install -q {requirements}" in source and "google.colab" in source


def test_an_older_keras_gets_a_message_and_the_tested_one_none():
    assert versions.keras_warning("3.10.0").startswith("✘ Keras 3.10.0 is older than")
    assert versions.keras_warning(versions.TESTED["keras"]) == ""


def _wheel(folder):
    source = folder / "source"
    source.mkdir()
    for name in PACKAGE_FILES:  # a copy, so the build leaves nothing in the shared tree
        path = REPO_ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(path, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(folder / "dist"), str(source)], check=True)
    return next((folder / "dist").glob("course_keras-*.whl"))


def _colab_environment(folder, wheel):
    """A venv that sees this environment's packages but not the repository, with the wheel and a stub Colab."""
    env = folder / "env"
    subprocess.run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", "--without-pip", str(env)],
                   check=True)
    python = env / "bin" / "python"
    env_site = Path(subprocess.run([str(python), "-c", "import site; print(site.getsitepackages()[0])"],
                                   check=True, capture_output=True, text=True).stdout.strip())
    # A plain path line: the .pth files in that folder (the editable install of the repository) do not run.
    (env_site / "borrowed.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True)
    (env_site / "google" / "colab").mkdir(parents=True)
    (env_site / "google" / "colab" / "__init__.py").write_text('"""A stand-in for Colab\'s module."""\n')
    kernel = folder / "jupyter" / "kernels" / "colab"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-c", "import google.colab; from ipykernel import kernelapp; "
                 "kernelapp.launch_new_instance()", "-f", "{connection_file}"],
        "display_name": "Colab stand-in", "language": "python",
        "env": {"PYTHONPATH": "", "COURSE_HELPERS": str(wheel)},
    }))
    return folder / "jupyter", env


def _answered_release(lesson):
    """The release notebook with the reference's answers written in, as a student would submit it."""
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in inprocess.source_notebook(lesson).cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.read(REPO_ROOT / "notebooks" / lesson / f"{lesson}.ipynb", as_version=4)
    for cell in nb.cells:
        cell.source = answers.get(cell.metadata.get("nbgrader", {}).get("grade_id"), cell.source)
    nb.cells.append(nbformat.v4.new_code_cell("import utils\nprint(utils.__file__)"))
    return nb


@pytest.mark.slow
def test_lesson_01_runs_in_a_colab_like_kernel(tmp_path, monkeypatch):
    wheel = _wheel(tmp_path)
    jupyter_path, env = _colab_environment(tmp_path, wheel)
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter_path))
    folder = tmp_path / "colab"
    folder.mkdir()
    nb = _answered_release(LESSON)
    NotebookClient(nb, timeout=600, kernel_name="colab", resources={"metadata": {"path": str(folder)}}).execute()
    setup_output = "".join(o.get("text", "") for o in nb.cells[1].outputs)
    assert f"installed: course-keras 1.0.0, keras {versions.TESTED['keras']}" in setup_output, setup_output
    assert nb.cells[-1].outputs[0].text.startswith(str(env)), nb.cells[-1].outputs
    assert not control_characters(nb)
