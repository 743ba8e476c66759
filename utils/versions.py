"""The Keras and KerasTuner releases the course was tested with, and a check of the installed Keras.

Lesson 03's statement that Keras's built-in activity regularizers divide by
the batch size holds only for Keras releases after keras-team/keras#22021
(January 2026), and
lesson 05's search needs KerasTuner, which Colab does not ship. The first
cell of every lesson installs these versions in Colab when Colab's are older;
it repeats the numbers below, because it runs before these helpers are
installed (tests/test_colab.py checks that they agree, and with
requirements.txt).
"""
import re

from utils.i18n import _

TESTED = {"keras": "3.15.1", "keras-tuner": "1.4.8"}


def release(text):
    """``"3.15.1"`` -> ``(3, 15, 1)``; suffixes such as ``rc1`` or ``.dev0`` are ignored."""
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def keras_warning(installed=None):
    """One line that says what to do when the Keras in use is older than the tested one, else ``""``.

    ``installed`` defaults to the version of the imported ``keras`` module,
    which is what runs even after a newer one was installed on disk.
    """
    if installed is None:
        import keras

        installed = keras.__version__
    if release(installed) >= release(TESTED["keras"]):
        return ""
    return _("✘ Keras {installed} is older than {tested}, the version this course was tested with. "
             "In Colab, run the first cell of the notebook; elsewhere, run "
             "`python -m pip install -r requirements.txt`. Then restart the kernel.").format(
        installed=installed, tested=TESTED["keras"])
