"""Fashion-MNIST, found wherever it already is.

The loader looks in three places, in order:

1. the Keras cache (``$KERAS_HOME/datasets/fashion-mnist``, by default
   ``~/.keras/datasets/fashion-mnist``), filled by an earlier download;
2. the Debian/Ubuntu package ``dataset-fashion-mnist``
   (``/usr/share/datasets/fashion-mnist``), which works offline;
3. a download through ``keras.datasets.fashion_mnist`` (Colab, or any
   machine online), which also fills the cache for next time.

When none works, :class:`DatasetNotFound` says what to install.
"""
import functools
import gzip
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from utils.i18n import N_, _


class ClassNames(Sequence):
    """The class names, each read in the current language (:mod:`utils.i18n`), so a pt-BR
    notebook's captions say "Casaco" where the English one says "Coat"."""

    def __init__(self, names):
        self._names = tuple(names)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [_(name) for name in self._names[index]]
        return _(self._names[index])

    def __len__(self):
        return len(self._names)

    def __repr__(self):
        return repr(tuple(self))


CLASS_NAMES = ClassNames((
    N_("T-shirt/top"),
    N_("Trouser"),
    N_("Pullover"),
    N_("Dress"),
    N_("Coat"),
    N_("Sandal"),
    N_("Shirt"),
    N_("Sneaker"),
    N_("Bag"),
    N_("Ankle boot"),
))

FILES = {
    "x_train": "train-images-idx3-ubyte.gz",
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
}
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")


class DatasetNotFound(RuntimeError):
    """Fashion-MNIST is neither on disk nor downloadable."""


def keras_cache_dir():
    """Where ``keras.datasets.fashion_mnist.load_data`` keeps its files."""
    home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    return Path(home) / "datasets" / "fashion-mnist"


def _read_idx(path, header_bytes):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header_bytes)


def _read_folder(folder):
    arrays = {}
    for key, name in FILES.items():
        flat = _read_idx(folder / name, 16 if key.startswith("x") else 8)
        arrays[key] = flat.reshape(-1, 28, 28) if key.startswith("x") else flat
    return arrays


def _download():
    import keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


def _complete(folder):
    return all((folder / name).is_file() for name in FILES.values())


@functools.lru_cache(maxsize=1)
def _load_arrays():
    for folder in (keras_cache_dir(), DEBIAN_DIR):
        if _complete(folder):
            return _read_folder(folder)
    try:
        return _download()
    except Exception as error:  # any network or HTTP failure
        raise DatasetNotFound(_(
            "Fashion-MNIST was not found on this machine and could not be downloaded ({error}).\n"
            "Fix it in one of these ways:\n"
            "  * offline, on Debian or Ubuntu: sudo apt-get install dataset-fashion-mnist\n"
            "  * copy the four files {files} into {folder}\n"
            "  * connect to the internet and run this cell again (Keras downloads it)."
        ).format(error=f"{type(error).__name__}: {error}", files=", ".join(FILES.values()),
                 folder=keras_cache_dir())) from None


def load_fashion_mnist():
    """Return ``(x_train, y_train), (x_test, y_test)`` as uint8 arrays.

    Images have shape (n, 28, 28) with pixel values 0-255; labels are 0-9
    (see :data:`CLASS_NAMES`). Each call returns fresh copies, so changing
    them in one place does not change them elsewhere.
    """
    arrays = {key: value.copy() for key, value in _load_arrays().items()}
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
