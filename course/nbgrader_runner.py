"""Run nbgrader in-process with the course's settings and a chosen folder."""
import warnings

from nbgrader.apps.api import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from course.nbgrader_settings import configure


# nbgrader 0.9.6 trips SQLAlchemy 2's autoflush warnings on every autograde; they are harmless.
warnings.filterwarnings("ignore", module="nbgrader.api")


class NbgraderFailed(RuntimeError):
    """nbgrader reported a failure; the message holds its log."""


def make_api(root, db_url=None, sandbox=None, cell_timeout=None, release_notebook=None, **directories):
    """An ``NbGraderAPI`` rooted at ``root``; ``directories`` override
    ``CourseDirectory`` folders, e.g. ``release_directory="/tmp/out"``;
    ``sandbox`` holds the arguments of :func:`course.sandbox.configure`;
    ``release_notebook`` is what deleted cells are restored from when autograding."""
    config = Config()
    configure(config, root, db_url)
    if cell_timeout is not None:
        config.Execute.timeout = cell_timeout
    if release_notebook is not None:
        config.RestoreDeletedCells.release_notebook = str(release_notebook)
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
