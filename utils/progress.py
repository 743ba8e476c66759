"""Training progress that looks right wherever a notebook runs.

A person running a notebook in Jupyter or Colab gets live progress bars. A
notebook executed without anyone watching (the autograder, nbconvert, the
test suite, the benchmarks) gets one plain line per epoch instead: a live bar
redraws itself with backspace and carriage-return characters, and a stored
output keeps every one of those redraws (hundreds of lines of them in an HTML
export or a feedback page).

A run is taken as unwatched when it is a quick run (``NBGRADER_EXECUTION`` or
``COURSE_QUICK_RUN``, see :mod:`utils.runtime`), when ``COURSE_PLAIN_PROGRESS``
is set (for a full-length run executed by a script, as ``jupyter nbconvert
--execute`` or ``bench/student_runs.py``), or when it runs neither in a
Jupyter kernel nor in a terminal.
"""
import os
import sys
import time

import keras

from utils.i18n import _
from utils.runtime import is_quick_run

LIVE, ONE_LINE_PER_EPOCH = 1, 2  # Keras's `verbose` values, for `fit` and `keras.utils.Progbar`


def is_watched():
    """True when a person is likely watching the output as it is written."""
    if is_quick_run() or os.environ.get("COURSE_PLAIN_PROGRESS", "") not in ("", "0"):
        return False
    return "ipykernel" in sys.modules or sys.stdout.isatty()


def verbosity():
    """The ``verbose`` argument for ``model.fit`` and ``keras.utils.Progbar``: a live bar, or one line per epoch."""
    return LIVE if is_watched() else ONE_LINE_PER_EPOCH


class EpochSummary(keras.callbacks.Callback):
    """Print one short line per epoch with the chosen logs (use it with ``fit(verbose=0)``).

    Keras's own epoch line holds every metric with its full name and runs to
    170 characters when there are six of them; this one holds only ``names``.
    """

    def __init__(self, names):
        super().__init__()
        self.names = tuple(names)

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.monotonic()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        values = "  ".join(f"{name} {logs[name]:.4f}" for name in self.names if name in logs)
        seconds = time.monotonic() - self.started
        print(_("epoch {epoch}/{epochs} - {seconds}s - {values}").format(
            epoch=f"{epoch + 1:>2}", epochs=self.params.get("epochs", "?"), seconds=f"{seconds:.0f}", values=values))
