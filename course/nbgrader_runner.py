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


def make_api(root, db_url=None, **directories):
    """An ``NbGraderAPI`` rooted at ``root``; ``directories`` override
    ``CourseDirectory`` folders, e.g. ``release_directory="/tmp/out"``."""
    config = Config()
    configure(config, root, db_url)
    for name, value in directories.items():
        config.CourseDirectory[name] = str(value)
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def succeed(result):
    """Return nbgrader's log, or raise with it when the step failed."""
    if not result.get("success"):
        raise NbgraderFailed(f"{result.get('error', '')}\n{result.get('log', '')}".strip())
    return result.get("log", "")
