"""Run nbgrader in-process with the course's settings and a chosen folder."""
import os
import sys
import warnings

from nbgrader.apps.api import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from course.nbgrader_settings import configure


# nbgrader 0.9.6 trips SQLAlchemy 2's autoflush warnings on every autograde; they are harmless.
warnings.filterwarnings("ignore", module="nbgrader.api")


def find_scripts_without_activation():
    """Put this Python's script folder first on ``PATH``.

    nbgrader runs ``alembic`` by name when it creates a gradebook; in a venv
    that was not activated (``.venv/bin/python -m course ...``) that script is
    not on ``PATH``, and every gradebook, so every grade, would fail.
    """
    scripts = os.path.dirname(sys.executable)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join(filter(None, [scripts, os.environ.get("PATH")]))


find_scripts_without_activation()


class NbgraderFailed(RuntimeError):
    """nbgrader reported a failure; the message holds its log."""


def make_api(root, db_url=None, sandbox=None, cell_timeout=None, seed=None, **directories):
    """An ``NbGraderAPI`` rooted at ``root``; ``directories`` override
    ``CourseDirectory`` folders, e.g. ``release_directory="/tmp/out"``;
    ``sandbox`` holds the arguments of :func:`course.sandbox.configure`;
    ``seed`` is written into the hidden tests just before they run (:mod:`course.hidden_seed`)."""
    config = Config()
    configure(config, root, db_url)
    if cell_timeout is not None:
        config.Execute.timeout = cell_timeout
    if seed is not None:
        config.Autograde.autograde_preprocessors = ["course.hidden_seed.SeedHiddenTests",
                                                    *config.Autograde.autograde_preprocessors]
        config.SeedHiddenTests.seed = config.SandboxedExecute.seed = int(seed)
    if sandbox is not None:
        from course import sandbox as kernel_sandbox

        kernel_sandbox.configure(config, **sandbox)
    for name, value in directories.items():
        config.CourseDirectory[name] = str(value)
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def succeed(result):
    """Return nbgrader's log, or raise with it when the step failed."""
    if not result.get("success"):
        raise NbgraderFailed(f"{result.get('error', '')}\n{result.get('log', '')}".strip())
    return result.get("log", "")
