import os
import sys
from pathlib import Path

# Quick mode for every notebook this suite runs, in-process or in a kernel.
os.environ["COURSE_QUICK_RUN"] = "1"
os.environ.setdefault("MPLBACKEND", "Agg")
ROOT = Path(__file__).resolve().parent.parent
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
sys.path.insert(0, str(ROOT))


def pytest_generate_tests(metafunc):
    from tests import hidden_checks

    hidden_checks.parametrize(metafunc)
