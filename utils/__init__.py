"""Helpers that the course notebooks import.

Importing this package first keeps TensorFlow's start-up log lines out of the
notebook (see :mod:`utils.quiet`), so the only red text a student sees is
their own.
"""
from utils.quiet import import_tensorflow_quietly

import_tensorflow_quietly()

from utils.data import CLASS_NAMES, load_fashion_mnist  # noqa: E402
from utils.plotting import plot_history, show_images  # noqa: E402
from utils.runtime import epochs_for_run, is_quick_run, set_seed  # noqa: E402

__all__ = [
    "CLASS_NAMES",
    "epochs_for_run",
    "is_quick_run",
    "load_fashion_mnist",
    "plot_history",
    "set_seed",
    "show_images",
]
