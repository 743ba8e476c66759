"""Benchmark of lesson 05: train the reference siamese network as the notebook does.

The functions are the reference answers, taken from the solution notebook's
answer cells (so the benchmark cannot drift from the lesson); the data,
pairs, seed, batch size and epochs are those of the notebook's cells.
Prints the seconds of each epoch and the test pair accuracy at margin / 2.

    python bench/siamese.py [--epochs 15]
"""
import argparse
import contextlib
import io
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import utils  # noqa: E402  (first: it quiets TensorFlow's start-up log)

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import ops  # noqa: E402

from course import notebook_format  # noqa: E402

LESSON = "05_siamese"
BATCH_SIZE = 857
FULL_EPOCHS = 15


def reference_functions():
    """Run the solution notebook's answer cells; return the names they define."""
    nb = notebook_format.read(ROOT / "solutions" / LESSON / f"{LESSON}.ipynb")
    namespace = {"keras": keras, "np": np, "tf": tf, "ops": ops}
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            exec(compile(cell.source, f"<{cell.metadata['nbgrader']['grade_id']}>", "exec"), namespace)
    return namespace


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=FULL_EPOCHS)
    args = parser.parse_args()

    f = reference_functions()
    rng = utils.set_seed(42)
    (x_train_full, y_train_full), (x_test_images, y_test) = utils.load_fashion_mnist()
    scale = lambda images: images.reshape(len(images), -1).astype("float32") / 255.0  # noqa: E731
    x_train, y_train = scale(x_train_full[:50_000]), y_train_full[:50_000]
    x_val, y_val = scale(x_train_full[50_000:]), y_train_full[50_000:]
    x_test = scale(x_test_images)
    train = f["create_pairs"](x_train, f["make_class_indices"](y_train), rng)
    validation = f["create_pairs"](x_val, f["make_class_indices"](y_val), rng)
    test_pairs, test_labels = f["create_pairs"](x_test, f["make_class_indices"](y_test), rng)

    utils.set_seed(42)
    siamese = f["make_siamese"](f["make_encoder"]())
    optimizer, loss_fn = f["make_optimizer_and_loss"]()
    train_step = f["make_train_step"](siamese, optimizer, loss_fn)
    seconds = []
    for epoch in range(args.epochs):
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):  # the notebook's progress bar
            history = f["fit_siamese"](siamese, train_step, train, validation, loss_fn, 1, BATCH_SIZE, rng)
        seconds.append(time.perf_counter() - start)
        print(f"epoch {epoch + 1}: {seconds[-1]:.1f} s, val_accuracy {history['val_accuracy'][-1]:.4f}", flush=True)
    _, accuracy = f["evaluate"](siamese, test_pairs, test_labels, loss_fn)
    print(f"epochs: {args.epochs} ({len(train[1]):,} training pairs, batch size {BATCH_SIZE})")
    print(f"seconds per epoch: {np.mean(seconds):.2f} (with the end-of-epoch evaluation); "
          f"training in all: {sum(seconds):.0f} s")
    print(f"test pair accuracy at margin / 2: {accuracy:.4f}")


if __name__ == "__main__":
    main()
