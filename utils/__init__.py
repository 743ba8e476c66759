"""Helpers that the course notebooks import.

Importing this package first keeps TensorFlow's start-up log lines out of the
notebook (see :mod:`utils.quiet`), so the only red text a student sees is
their own.
"""
import os

from utils.quiet import import_tensorflow_quietly

# A notebook kernel has no terminal, so Keras's summary() assumed 80 columns
# and cut layer names short ("concatenate_1[0]…"); 104 fits its tables whole.
os.environ.setdefault("COLUMNS", "104")
import_tensorflow_quietly()

from utils import errors, progress  # noqa: E402
from utils.data import CLASS_NAMES, load_fashion_mnist  # noqa: E402
from utils.i18n import number  # noqa: E402
from utils.plotting import plot_history, show_images, show_predictions  # noqa: E402
from utils.runtime import epochs_for_run, is_quick_run, set_seed  # noqa: E402
from utils.versions import keras_warning  # noqa: E402

if keras_warning():
    print(keras_warning())

__all__ = [
    "CLASS_NAMES",
    "epochs_for_run",
    "errors",
    "is_quick_run",
    "load_fashion_mnist",
    "number",
    "plot_history",
    "progress",
    "set_seed",
    "show_images",
    "show_predictions",
]
