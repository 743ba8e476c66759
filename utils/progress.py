"""Training progress that looks right wherever a notebook runs.

A person running a notebook in Jupyter or Colab gets live progress bars. A
notebook executed without anyone watching (the autograder, nbconvert, the
test suite, the benchmarks) gets one plain line per epoch instead: a live bar
redraws itself with backspace and carriage-return characters, and a stored
output keeps every one of those redraws (hundreds of lines of them in an HTML
export or a feedback page).

A run is watched only where a person has a live view of it: Colab, a kernel
started by a Jupyter server (JupyterLab, Notebook, which name the notebook in
``JPY_SESSION_NAME``), VS Code, or a terminal. Anything else, such as
``jupyter nbconvert --execute``, papermill, the autograder or the test suite,
starts a kernel with none of these, and gets the one-line form. A quick run
(``NBGRADER_EXECUTION`` or ``COURSE_QUICK_RUN``, see :mod:`utils.runtime`)
and ``COURSE_PLAIN_PROGRESS=1`` always get it too.
"""
import os
import sys
import time

import keras

from utils.i18n import _, integer, number
from utils.runtime import is_quick_run

# Set in a kernel's environment by the front ends that show its output live: a Jupyter server, VS Code.
LIVE_FRONT_ENDS = ("JPY_SESSION_NAME", "VSCODE_PID", "VSCODE_CWD")
LIVE, ONE_LINE_PER_EPOCH = 1, 2  # Keras's `verbose` values, for `fit` and `keras.utils.Progbar`


def is_watched():
    """True when a person is likely watching the output as it is written."""
    if is_quick_run() or os.environ.get("COURSE_PLAIN_PROGRESS", "") not in ("", "0"):
        return False
    if "ipykernel" not in sys.modules:
        return sys.stdout.isatty()
    return "google.colab" in sys.modules or any(os.environ.get(name) for name in LIVE_FRONT_ENDS)


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
        values = "  ".join(f"{name} {number(logs[name], 4)}" for name in self.names if name in logs)
        seconds = time.monotonic() - self.started
        print(_("epoch {epoch}/{epochs} - {seconds}s - {values}").format(
            epoch=f"{epoch + 1:>2}", epochs=self.params.get("epochs", "?"), seconds=integer(seconds), values=values))
