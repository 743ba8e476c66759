import os
import sys
from pathlib import Path

import pytest

# Quick mode for every notebook this suite runs, in-process or in a kernel.
os.environ["COURSE_QUICK_RUN"] = "1"
os.environ.setdefault("MPLBACKEND", "Agg")
ROOT = Path(__file__).resolve().parent.parent
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
sys.path.insert(0, str(ROOT))


def pytest_generate_tests(metafunc):
    from tests import hidden_checks

    hidden_checks.parametrize(metafunc)


@pytest.fixture(autouse=True, scope="session")
def the_suite_leaves_notebooks_alone():
    """``notebooks/`` is where students write their answers: no test may change anything there
    (a test builds into a folder of its own)."""
    def files():
        return {path: path.read_bytes() for path in sorted((ROOT / "notebooks").rglob("*")) if path.is_file()}

    before = files()
    yield
    assert files() == before, "a test changed notebooks/"


@pytest.fixture(autouse=True)
def messages_in_english_unless_a_test_says_otherwise(monkeypatch):
    """A notebook run in this process sets ``COURSE_LANGUAGE`` in its set-up cell (a pt-BR
    one to ``pt_BR``); it must not carry over to the tests that run after it."""
    monkeypatch.delenv("COURSE_LANGUAGE", raising=False)
