"""Make submissions for grading tests from a lesson's reference, stub and mutants."""
import importlib
from collections import defaultdict

from course import notebook_format, translation
from course.lessons import notebook_name
from tests import inprocess
from utils.i18n import ENGLISH


def lesson_tests(lesson):
    """The lesson's ``tests/test_lessonNN_checks.py`` module (MUTANTS, ALTERNATIVES)."""
    return importlib.import_module(f"tests.test_lesson{lesson[:2]}_checks")


def mutant_rounds(mutants):
    """Group mutants so that no two in a round target the same exercise or change the same cell."""
    rounds = []
    for mutant in mutants:
        for round_ in rounds:
            if all(m.breaks != mutant.breaks and m.cell != mutant.cell for m in round_):
                round_.append(mutant)
                break
        else:
            rounds.append([mutant])
    return rounds


def apply_all(nb, mutants):
    """Apply replacements to one notebook; mutants on one cell are applied in turn."""
    by_cell = defaultdict(list)
    for mutant in mutants:
        by_cell[mutant.cell].append(mutant)
    for group in by_cell.values():
        for mutant in group:
            inprocess.mutate(nb, mutant)
    return nb


def write(nb, folder, student, lesson):
    path = folder / student / lesson / notebook_name(lesson)
    path.parent.mkdir(parents=True, exist_ok=True)
    notebook_format.write(nb, path)
    return path


def write_flat(nb, folder, student, lesson):
    """Write ``<folder>/<student>_<lesson>.ipynb``, as a learning platform exports it."""
    path = folder / f"{student}_{lesson}.ipynb"
    notebook_format.write(nb, path)
    return path


def reference(lesson, language=ENGLISH):
    """The lesson's source, solutions and hidden tests included, in the ``language`` edition."""
    return translation.source_notebook(lesson, language)


def blank(lesson, language=ENGLISH):
    """The lesson's committed release in the ``language`` edition."""
    return notebook_format.read(translation.release_path(lesson, language))
