"""What a student reads follows their edition: numbers, class names, axis labels, the edition itself,
and training output that suits whoever (or whatever) runs the notebook."""
import json
import sys

import numpy as np
import pytest

from utils import i18n, progress
from utils.data import CLASS_NAMES
from utils.plotting import metric_label


@pytest.fixture
def language():
    yield i18n.set_language
    i18n.set_language(None)


@pytest.mark.parametrize("value, digits, english, portuguese", [
    (0.9, 2, "0.90", "0,90"),
    (1_242_764, None, "1,242,764", "1.242.764"),
    (10_000, None, "10,000", "10.000"),
    (1.78, None, "1.78", "1,78"),
    (13.0, 1, "13.0", "13,0"),
    (np.float32(0.001), None, "0.001", "0,001"),  # not 0.0010000000474974513
    (98_980.5, 1, "98,980.5", "98.980,5"),
])
def test_numbers_are_written_as_the_language_writes_them(language, value, digits, english, portuguese):
    language("en")
    assert i18n.number(value, digits) == english
    language("pt_BR")
    assert i18n.number(value, digits) == portuguese


def test_class_names_and_metric_labels_follow_the_language(language):
    language("en")
    assert (CLASS_NAMES[4], list(CLASS_NAMES)[-1], len(CLASS_NAMES)) == ("Coat", "Ankle boot", 10)
    assert (metric_label("loss"), metric_label("class_loss"), metric_label("val_other")) == (
        "loss", "class: loss", "val_other")
    language("pt_BR")
    assert (CLASS_NAMES[4], CLASS_NAMES[9]) == ("Casaco", "Bota")
    assert CLASS_NAMES[:2] == ["Camiseta/top", "Calça"]
    assert (metric_label("loss"), metric_label("accuracy"), metric_label("class_loss")) == (
        "custo", "acurácia", "class: custo")


def test_a_kernel_started_by_jupyter_speaks_its_notebooks_edition(monkeypatch, tmp_path):
    notebook = tmp_path / "lesson.ipynb"
    notebook.write_text(json.dumps({"metadata": {"course": {"language": "pt_BR"}}, "cells": []}))
    monkeypatch.delenv("COURSE_LANGUAGE", raising=False)
    assert i18n.language() == "en"
    monkeypatch.setenv("JPY_SESSION_NAME", str(notebook))
    assert i18n.language() == "pt_BR"
    monkeypatch.setenv("COURSE_LANGUAGE", "en")  # the set-up cell's choice wins
    assert i18n.language() == "en"


@pytest.mark.parametrize("modules, environment, tty, watched", [
    ({"ipykernel"}, {}, False, False),  # jupyter nbconvert --execute, papermill: nobody watches
    ({"ipykernel"}, {"JPY_SESSION_NAME": "/home/me/01.ipynb"}, False, True),  # JupyterLab, Notebook
    ({"ipykernel", "google.colab"}, {}, False, True),  # Colab
    (set(), {}, True, True),  # a terminal
    (set(), {}, False, False),  # a script whose output goes to a file
    ({"ipykernel"}, {"JPY_SESSION_NAME": "x.ipynb", "COURSE_PLAIN_PROGRESS": "1"}, False, False),
    ({"ipykernel"}, {"JPY_SESSION_NAME": "x.ipynb", "NBGRADER_EXECUTION": "autograde"}, False, False),
])
def test_a_live_progress_bar_only_where_someone_watches(monkeypatch, modules, environment, tty, watched):
    for name in ("JPY_SESSION_NAME", "VSCODE_PID", "VSCODE_CWD", "COURSE_PLAIN_PROGRESS", "NBGRADER_EXECUTION",
                 "COURSE_QUICK_RUN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    for name in ("ipykernel", "google.colab"):
        if name in modules:
            monkeypatch.setitem(sys.modules, name, sys.modules.get(name) or object())
        else:
            monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: tty)
    assert progress.is_watched() is watched


def test_tick_labels_are_numbers_of_the_language_with_one_number_of_decimals_on_a_linear_axis(language):
    from utils.plotting import NumberTicks

    language("pt_BR")
    assert NumberTicks().format_ticks([0.8, 0.8200000000000001, 0.84]) == ["0,80", "0,82", "0,84"]
    assert NumberTicks(each_its_own=True).format_ticks([0.051, 0.15, 1.4]) == ["0,051", "0,15", "1,4"]
    language("en")
    assert NumberTicks().format_ticks([1000, 1500, 2000.0]) == ["1,000", "1,500", "2,000"]
