"""Reading a submitted file, which may be anything: a link, a huge file, text that is no notebook.

The file is read without following a link, only when it is a regular file
(a named pipe would block the reader for good), and only up to
:data:`MAX_SUBMISSION_BYTES`; a rejection says what to do and never quotes
the file's content.
"""
import os
import stat

import nbformat

from utils.i18n import _

MAX_SUBMISSION_BYTES = 20 * 2**20


def read_notebook(path):
    """``(notebook, None)``, or ``(None, why the file is rejected)`` in the language of the moment."""
    resubmit = _("Save it from Jupyter or Colab (File > Download .ipynb) and submit it again.")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise OSError("not a regular file")
            data = f.read(MAX_SUBMISSION_BYTES + 1)
    except OSError:
        return None, _("the file could not be read (is it a link?).") + f" {resubmit}"
    if len(data) > MAX_SUBMISSION_BYTES:
        return None, _("the file is larger than {megabytes} MB; clear the outputs (Edit > Clear all outputs) "
                       "and submit it again.").format(megabytes=MAX_SUBMISSION_BYTES // 2**20)
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
        nbformat.validate(nb)
        nbformat.writes(nb).encode("utf-8")  # text that cannot be written back (a lone surrogate) is refused
    except Exception as error:
        why = _("the file is empty") if not data.strip() else type(error).__name__
        return None, _("the file is not a valid Jupyter notebook ({why}).").format(why=why) + f" {resubmit}"
    return nb, None
