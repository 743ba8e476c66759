"""The messages the Python code shows a student, in English and in Brazilian Portuguese.

The catalogue (``i18n/pt_BR/messages.po``) must hold every message the code
wraps, each translated, none fuzzy, each with the ``{fields}`` of its English,
and the committed ``.mo`` must be compiled from it. With ``COURSE_LANGUAGE``
unset the messages are the English ones, word for word; with ``pt_BR`` a
failing self-check, a failing hidden-test judge and the grader's lines are in
Portuguese, chosen when the message is made.
"""
import shutil
import tomllib
from fnmatch import fnmatch

import numpy as np
import pytest

from course import message_catalogue, sandbox
from course.lessons import REPO_ROOT
from grader_tests.exercise import CheckFailed
from utils import i18n, selfcheck

LANGUAGE = "pt_BR"


@pytest.fixture
def language(monkeypatch):
    """Switch the language for one test; the environment variable is cleared, the choice undone after."""
    monkeypatch.delenv("COURSE_LANGUAGE", raising=False)
    yield i18n.set_language
    i18n.set_language(None)


def test_the_catalogue_holds_every_message_of_the_code():
    assert message_catalogue.stale_entries(message_catalogue.read_catalogue(LANGUAGE)) == []


def test_every_message_is_translated_and_none_is_fuzzy():
    catalogue = message_catalogue.read_catalogue(LANGUAGE)
    assert len([message for message in catalogue if message.id]) > 300
    assert message_catalogue.untranslated_entries(catalogue) == []


def test_translations_keep_the_fields_of_their_english():
    assert message_catalogue.field_mismatches(message_catalogue.read_catalogue(LANGUAGE)) == []


def test_the_committed_mo_is_compiled_from_the_po():
    catalogue = message_catalogue.read_catalogue(LANGUAGE)
    assert message_catalogue.mo_path(LANGUAGE).read_bytes() == message_catalogue.compiled(catalogue)
    assert message_catalogue.catalogue_problems(LANGUAGE) == []


@pytest.fixture
def repository_copy(tmp_path):
    """The folders whose messages are extracted, and the catalogues, copied to ``tmp_path``."""
    for folder in ("utils", "grader_tests", "course", "i18n"):
        shutil.copytree(REPO_ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_an_edited_english_message_is_named_fuzzy_and_a_refresh_changes_nothing_else(repository_copy):
    before = message_catalogue.po_path(LANGUAGE, repository_copy).read_bytes()
    message_catalogue.refresh_catalogue(LANGUAGE, repository_copy)
    assert message_catalogue.po_path(LANGUAGE, repository_copy).read_bytes() == before  # nothing to do: no churn
    assert message_catalogue.catalogue_problems(LANGUAGE, repository_copy) == []

    source = repository_copy / "grader_tests" / "expect.py"
    old = "Train it with the training cell before this test."
    new = "Train it with the training cell before running this test."
    source.write_text(source.read_text().replace(old, new))
    assert message_catalogue.catalogue_problems(LANGUAGE, repository_copy) == [
        f"not in the catalogue (run the refresh): {new!r}", f"no longer in the code (run the refresh): {old!r}"]
    needs_review = message_catalogue.refresh_catalogue(LANGUAGE, repository_copy)
    assert needs_review == [f"fuzzy (its English changed): {new!r}"]
    assert message_catalogue.catalogue_problems(LANGUAGE, repository_copy) == needs_review


def test_a_broken_placeholder_is_named(repository_copy):
    po = message_catalogue.po_path(LANGUAGE, repository_copy)
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Dica: {hint}"', 'msgstr "Dica: {dica}"'),
                  encoding="utf-8")
    problems = message_catalogue.field_mismatches(message_catalogue.read_catalogue(LANGUAGE, repository_copy))
    assert problems == ["placeholders differ: 'Hint: {hint}' has ['{hint}'], its translation ['{dica}']"]


def test_the_language_comes_from_the_environment_and_unknown_ones_give_english(monkeypatch, language):
    message = "the number of parameters"
    assert i18n._(message) == message
    monkeypatch.setenv("COURSE_LANGUAGE", "pt-BR")
    assert i18n._(message) == "o número de parâmetros"
    monkeypatch.setenv("COURSE_LANGUAGE", "xx_YY")
    assert i18n._(message) == message
    language("pt_BR")  # set_language wins over the environment
    assert i18n._(message) == "o número de parâmetros"


def test_numbers_are_grouped_as_the_language_writes_them(language):
    assert i18n.integer(105_697) == "105,697"
    language("pt_BR")
    assert (i18n.integer(105_697), i18n.integer(999), i18n.integer(1_234_567)) == ("105.697", "999", "1.234.567")


def _self_check_failure():
    with pytest.raises(selfcheck.SelfCheckFailed) as failure:
        selfcheck.check_equal("the number of layers", 3, 2, hint="Add one more Dense layer.")
    return str(failure.value)


def test_a_failing_self_check_speaks_the_students_language(language):
    assert _self_check_failure() == "✘ the number of layers: expected 2, got 3. Hint: Add one more Dense layer."
    language("pt_BR")
    # the description and hint come from the notebook (its own catalogue); the frame around them is translated here
    assert _self_check_failure() == "✘ the number of layers: esperado 2, obtido 3. Dica: Add one more Dense layer."


def _square_model_verdict():
    from course.judges.lesson01 import SquareModel

    judge = SquareModel()
    inputs = judge.inputs(np.random.default_rng(0))
    evidence = {"model": np.array(True), "input_shape": np.array([-1, 1]), "lambdas": np.array(1),
                "params": np.array(0), "output": inputs["x"] * 2}
    with pytest.raises(CheckFailed) as failure:
        judge.judge(inputs, evidence)
    return str(failure.value)


def test_a_failing_hidden_test_is_judged_in_the_language_of_the_moment(language):
    english = _square_model_verdict()
    assert english.startswith("Exercise 1 (square model): a wrong value at index (0, 0) in the output: expected ")
    assert english.endswith(" values differ). Each number should come out squared: x ** 2 or keras.ops.square(x).")
    language("pt_BR")
    portuguese = _square_model_verdict()
    assert portuguese.startswith("Exercício 1 (modelo que eleva ao quadrado): a saída — valor errado no índice "
                                 "(0, 0): esperado ")
    assert portuguese.endswith("valores diferem). Cada número deve sair elevado ao quadrado: x ** 2 ou "
                               "keras.ops.square(x).")
    language("en")
    assert _square_model_verdict() == english


def _distance_verdict():
    from course.judges.lesson05 import Distance

    judge = Distance()
    inputs = judge.inputs(np.random.default_rng(0))
    squared = np.sum((inputs["u"] - inputs["v"]) ** 2, axis=-1)  # the distance without its square root
    with pytest.raises(CheckFailed) as failure:
        judge.judge(inputs, {"borrowed": np.array(False), "output": squared})
    return str(failure.value)


def test_a_failing_lesson05_judge_speaks_the_language_of_course_language(monkeypatch):
    monkeypatch.delenv("COURSE_LANGUAGE", raising=False)
    english = _distance_verdict()
    assert english.startswith("Exercise 5 (EuclideanDistance): a wrong value at index (0,) in the distances: "
                              "expected ")
    assert english.endswith(" values differ). d = sqrt(max(sum((u - v)**2, axis=-1), epsilon)): do not forget "
                            "the square root.")
    monkeypatch.setenv("COURSE_LANGUAGE", "pt_BR")
    portuguese = _distance_verdict()
    assert portuguese.startswith("Exercício 5 (EuclideanDistance): as distâncias — valor errado no índice (0,): "
                                 "esperado ")
    assert portuguese.endswith(" valores diferem). d = sqrt(max(sum((u - v)**2, axis=-1), epsilon)): não se "
                               "esqueça da raiz quadrada.")
    monkeypatch.delenv("COURSE_LANGUAGE")
    assert _distance_verdict() == english


def test_a_grader_process_switches_language_per_submission(language):
    from course import feedback, recover_cells
    from course.grade_worker import grader_fault

    english = grader_fault()
    assert english.startswith("Your notebook could not be graded because the grading system failed")
    language("pt_BR")
    assert grader_fault().startswith("Não foi possível corrigir o seu notebook porque o sistema de correção falhou")
    assert recover_cells._cells_phrase([2, 3]) == "células 3 e 4"
    assert i18n._(feedback.HIDDEN_OUTPUT) == "[saída removida: ela mostrava os testes ocultos]"
    language("en")
    assert grader_fault() == english
    assert recover_cells._cells_phrase([2, 3]) == "cells 3 and 4"


def test_the_kernel_and_a_wheel_see_the_compiled_catalogue():
    mo = message_catalogue.mo_path(LANGUAGE)
    assert mo.is_relative_to(REPO_ROOT / "utils") and "utils" in sandbox.KERNEL_SIDE_PACKAGES
    package_data = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert any(fnmatch(str(mo.relative_to(REPO_ROOT / "utils")), pattern) for pattern in package_data["utils"])
