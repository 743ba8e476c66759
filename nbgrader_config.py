"""nbgrader configuration of the course.

``solutions/`` is nbgrader's source directory and ``notebooks/`` its release
directory, one folder per lesson. The instructor command line
(``python -m course``) runs nbgrader with this file; grading settings that
depend on a run (database, folders) are passed by it on top.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from course.nbgrader_settings import configure  # noqa: E402

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)
configure(c, HERE)
