"""The tests every lesson's hidden-test checks must pass.

Each ``tests/test_lessonNN_checks.py`` holds the lesson's ``MUTANTS`` (wrong
answers) and ``ALTERNATIVES`` (correct answers written differently) and a
``TestHiddenChecks`` subclass of :class:`HiddenChecks` naming them;
``conftest.py`` parametrizes the tests below with the lesson's exercises,
mutants and alternatives. Checks must pass the reference solution, fail the
untouched student stub, fail every mutant and pass every alternative.
"""
import pytest

from course.lessons import grader_module
from grader_tests.exercise import CheckFailed, exercises_of
from tests import inprocess


class HiddenChecks:
    LESSON = ""
    MUTANTS = ()
    ALTERNATIVES = ()

    @pytest.fixture(scope="class")
    def reference_outcomes(self):
        return inprocess.run(inprocess.source_notebook(self.LESSON))

    @pytest.fixture(scope="class")
    def stub_outcomes(self):
        return inprocess.run(inprocess.release_notebook(self.LESSON))

    @pytest.fixture(scope="class")
    def run_variant(self):
        """A function: mutant or alternative -> outcomes up to the exercise it targets."""
        def run(variant):
            nb = inprocess.mutate(inprocess.source_notebook(self.LESSON), variant)
            return inprocess.run(nb, stop_after=variant.breaks)
        return run

    def test_every_exercise_has_one_hidden_test(self, reference_outcomes):
        assert sorted(reference_outcomes) == sorted(exercises_of(grader_module(self.LESSON)))

    def test_reference_passes(self, reference_outcomes, key):
        assert reference_outcomes[key] is None, reference_outcomes[key]

    def test_stub_fails(self, stub_outcomes, key):
        assert isinstance(stub_outcomes[key], (CheckFailed, NameError)), stub_outcomes[key]

    def test_mutant_fails(self, run_variant, mutant):
        outcomes = run_variant(mutant)
        assert isinstance(outcomes[mutant.breaks], CheckFailed), outcomes[mutant.breaks]
        print(f"{mutant.name}: {outcomes[mutant.breaks]}")

    def test_alternative_passes(self, run_variant, alternative):
        outcomes = run_variant(alternative)
        assert alternative.breaks in outcomes
        assert all(error is None for error in outcomes.values()), outcomes


def parametrize(metafunc):
    """Give a :class:`HiddenChecks` test its lesson's exercises, mutants or alternatives."""
    lesson_class = metafunc.cls
    if lesson_class is None or not issubclass(lesson_class, HiddenChecks):
        return
    if "key" in metafunc.fixturenames:
        metafunc.parametrize("key", sorted(exercises_of(grader_module(lesson_class.LESSON))))
    if "mutant" in metafunc.fixturenames:
        metafunc.parametrize("mutant", lesson_class.MUTANTS, ids=lambda m: m.name)
    if "alternative" in metafunc.fixturenames:
        metafunc.parametrize("alternative", lesson_class.ALTERNATIVES, ids=lambda m: m.name)
