"""Run nbgrader in-process with the course's settings and a chosen folder."""
import functools
import warnings

import nbgrader.api
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from nbgrader.apps.api import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from nbgrader.dbutil import _temp_alembic_ini
from traitlets.config import Config

from course.nbgrader_settings import configure


# nbgrader 0.9.6 trips SQLAlchemy 2's autoflush warnings on every autograde; they are harmless.
warnings.filterwarnings("ignore", module="nbgrader.api")


@functools.cache
def alembic_head():
    """The schema revision nbgrader writes into every new gradebook, read in this process.

    nbgrader 0.9.6 runs the ``alembic heads`` command for it each time it creates a gradebook: a
    second Python that takes about 3 s (each grading run makes one gradebook per lesson and
    edition), and a script a venv that was not activated does not have on ``PATH``."""
    with _temp_alembic_ini("sqlite://") as ini:
        return ScriptDirectory.from_config(AlembicConfig(ini)).get_current_head()


nbgrader.api.get_alembic_version = alembic_head


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
