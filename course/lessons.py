"""Where the course's files are, and which lessons it has."""
import importlib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = REPO_ROOT / "solutions"
RELEASE_DIR = REPO_ROOT / "notebooks"


def lesson_ids(source_dir=SOURCE_DIR):
    """Assignment ids, one per lesson folder of ``solutions/`` (``01_lambda_layers``, ...)."""
    return sorted(p.name for p in Path(source_dir).iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def notebook_name(lesson_id):
    """Each lesson folder holds one notebook named like the folder."""
    return f"{lesson_id}.ipynb"


def grader_module(lesson_id):
    """The ``grader_tests`` module that holds the kernel side of a lesson's hidden tests
    (``01_...`` -> ``lesson01``): inputs and probes."""
    return importlib.import_module(f"grader_tests.lesson{lesson_id[:2]}")


def judge_module(lesson_id):
    """The ``course.judges`` module that holds a lesson's judges (``01_...`` -> ``lesson01``)."""
    return importlib.import_module(f"course.judges.lesson{lesson_id[:2]}")


def lesson_of_notebook(filename):
    """The lesson a notebook file belongs to, from the lesson number its name starts with, or None."""
    stem = Path(filename).stem
    for lesson_id in lesson_ids():
        if stem == lesson_id or stem.startswith(lesson_id[:3]):
            return lesson_id
    return None
