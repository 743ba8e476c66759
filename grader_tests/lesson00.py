"""Hidden tests of lesson 00, the Keras refresher.

Every answer is a function, so each check calls it on inputs the student
never saw: labels and class counts for ``one_hot``, a learning rate and a
starting point for the one-neuron model (which the check trains for two
steps itself and compares with SGD done in NumPy), probabilities with exact
zeros and ones for the cross-entropies, layer sizes for the classifier
builder, and a small model with random weights for saving and reloading,
whose last layer writes other weights to the file than it holds, so that the
model returned must be the one read back from the file.
"""
import os
import shutil
import tempfile

import keras
import numpy as np

from grader_tests.exercise import Exercise
from utils.i18n import N_
from grader_tests.numpy_ops import softmax


# ---------------------------------------------------------------- exercise 1

class OneHot(Exercise):
    key = "one_hot"
    title = N_("Exercise 1 (one_hot)")

    def inputs(self, rng):
        classes = int(rng.integers(4, 12))
        labels = rng.integers(0, classes, size=13)
        labels[int(rng.integers(0, 13))] = classes - 1  # the last class is there at least once
        small = rng.integers(0, 3, size=7)
        return {"classes": classes, "labels": labels.astype(np.uint8), "small": small.astype(np.int64)}

    def probe(self, inputs, one_hot):
        cases = {
            "numpy": (inputs["labels"], int(inputs["classes"])),
            "tensor": (keras.ops.convert_to_tensor(inputs["labels"].astype(np.int32)), int(inputs["classes"])),
            "wide": (inputs["small"], int(inputs["classes"]) + 2),
        }
        evidence = {}
        for name, (labels, classes) in cases.items():
            result = one_hot(labels, classes)
            evidence[f"{name}_is_numpy"] = isinstance(result, np.ndarray)
            evidence[f"{name}_is_float32"] = getattr(result, "dtype", None) == np.float32
            evidence[f"{name}"] = keras.ops.convert_to_numpy(result).astype(np.float64)
        return evidence


# ---------------------------------------------------------------- exercise 2


class LineModel(Exercise):
    key = "line_model"
    title = N_("Exercise 2 (one-neuron model)")

    def inputs(self, rng):
        x = rng.uniform(-2.0, 2.0, size=(8, 1))
        x[:2, 0] = (-2.0, 2.0)  # one of these gives a negative output, whatever the sign of the weight
        weight = rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 1.5)
        return {
            "learning_rate": float(rng.uniform(0.15, 0.4)),
            "weight": weight, "bias": rng.uniform(-0.3, 0.3),
            "x": x.astype("float32"),
            "y": (rng.uniform(-2.0, 2.0) * x + rng.uniform(-1.0, 1.0) + rng.normal(0, 0.1, size=x.shape))
            .astype("float32"),
        }

    def probe(self, inputs, make_line_model):
        default = make_line_model().optimizer.learning_rate
        model = make_line_model(learning_rate=inputs["learning_rate"])
        model.set_weights([np.full((1, 1), inputs["weight"], dtype="float32"),
                           np.full((1,), inputs["bias"], dtype="float32")])
        evidence = {"params": model.count_params(), "before": model(inputs["x"]),
                    "default_learning_rate": keras.ops.convert_to_numpy(default)}
        model.run_eagerly = True  # two steps: tracing a tf.function would cost more than it saves
        for step in (1, 2):
            model.train_on_batch(inputs["x"], inputs["y"])
            kernel, bias = model.get_weights()
            evidence[f"step{step}"] = [float(np.ravel(kernel)[0]), float(np.ravel(bias)[0])]
        return evidence


# ---------------------------------------------------------------- exercise 3


HALFWAY_FLOAT16 = 0.25 + 2.0 ** -14  # float16 steps by 2 ** -13 between 0.25 and 0.5


class CrossEntropies(Exercise):
    key = "cross_entropies"
    title = N_("Exercise 3 (cross-entropies)")

    def inputs(self, rng):
        classes = int(rng.integers(3, 8))
        hard = rng.integers(0, classes, size=9)
        extreme = rng.integers(0, classes, size=6)
        # rows that are exactly one-hot: right for the first three labels, wrong for the last three
        guesses = np.concatenate([extreme[:3], (extreme[3:] + rng.integers(1, classes, size=3)) % classes])
        return {
            "b_y": rng.integers(0, 2, size=12).astype("float32"),
            "b_p": rng.uniform(0.02, 0.98, size=12),
            "m_y": rng.integers(0, 2, size=(6, 4)).astype("float32"),
            "m_p": rng.uniform(0.02, 0.98, size=(6, 4)),
            "x_y": np.array([1, 0, 1, 0, 1, 0, 1, 0], dtype="float32"),
            "x_p": np.array([0.0, 1.0, 1.0, 0.0, 0.0, 1.0, rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9)]),
            "c_labels": hard,
            "c_y": np.eye(classes, dtype="float32")[hard],
            "c_p": softmax(rng.normal(0, 1.5, size=(9, classes))),
            "s_y": rng.dirichlet(np.ones(classes), size=5),
            "s_p": softmax(rng.normal(0, 1.5, size=(5, classes))),
            "e_labels": extreme,
            "e_y": np.eye(classes, dtype="float32")[extreme],
            "e_p": np.eye(classes)[guesses],
            # Precision, the same on every seed: a soft label halfway between two float16 numbers weighing
            # log(0.001), and probabilities of 0.999, where float16 has 1 - p wrong by 2 %. float32 gets them
            # to 7 digits; log(p + EPSILON) instead of clipping stays well within the check's tolerance.
            # (Binary labels are 0 or 1, as the text's examples have them, and exact in any float type.)
            "q_y": np.array([1.0, 0.0]),
            "q_p": np.array([0.999, 0.001]),
            "q_c_y": np.array([[HALFWAY_FLOAT16, 1.0 - HALFWAY_FLOAT16, 0.0]]),
            "q_c_p": np.array([[1e-3, 0.998, 1e-3]]),
            "n_labels": np.array([1]),
            "n_p": np.array([[5e-4, 0.999, 5e-4]]),
        }

    def probe(self, inputs, binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy):
        # Each function gets copies, so that one cannot change the inputs of the next.
        def call(function, *arrays):
            return function(*[np.array(a) for a in arrays])
        return {
            "binary_vector": call(binary_crossentropy, inputs["b_y"], inputs["b_p"]),
            "binary_matrix": call(binary_crossentropy, inputs["m_y"], inputs["m_p"]),
            "binary_extreme": call(binary_crossentropy, inputs["x_y"], inputs["x_p"]),
            "categorical_hard": call(categorical_crossentropy, inputs["c_y"], inputs["c_p"]),
            "categorical_soft": call(categorical_crossentropy, inputs["s_y"], inputs["s_p"]),
            "categorical_extreme": call(categorical_crossentropy, inputs["e_y"], inputs["e_p"]),
            "sparse": call(sparse_categorical_crossentropy, inputs["c_labels"], inputs["c_p"]),
            "sparse_extreme": call(sparse_categorical_crossentropy, inputs["e_labels"], inputs["e_p"]),
            "binary_precise": call(binary_crossentropy, inputs["q_y"], inputs["q_p"]),
            "categorical_precise": call(categorical_crossentropy, inputs["q_c_y"], inputs["q_c_p"]),
            "categorical_near_one": call(categorical_crossentropy, np.eye(3)[inputs["n_labels"]], inputs["n_p"]),
            "sparse_near_one": call(sparse_categorical_crossentropy, inputs["n_labels"], inputs["n_p"]),
        }


# ---------------------------------------------------------------- exercise 4


class Classifier(Exercise):
    key = "classifier"
    title = N_("Exercise 4 (dense classifier)")

    def inputs(self, rng):
        return {"one": rng.integers(5, 40, size=1), "two": rng.integers(5, 40, size=2),
                "images": rng.integers(0, 256, size=(6, 28, 28), dtype=np.uint8)}

    def probe(self, inputs, make_classifier):
        evidence = {"default_params": make_classifier().count_params()}
        for name in ("one", "two"):
            model = make_classifier(hidden_units=tuple(int(n) for n in inputs[name]))
            evidence[f"{name}_params"] = model.count_params()
            evidence[f"{name}_output"] = model(inputs["images"])
            evidence[f"{name}_count"] = len(model.weights)
            for i, weight in enumerate(model.weights):
                evidence[f"{name}_weight{i}"] = weight
        return evidence


# ---------------------------------------------------------------- exercise 5

FILE_SCALE = 2.0  # SavedOtherwise writes its weights times this to the file


@keras.saving.register_keras_serializable(package="grader_tests")
class SavedOtherwise(keras.layers.Dense):
    """A Dense layer whose file holds its weights times FILE_SCALE: only a model read back from
    the file predicts with those, so an answer that copies the model in memory shows."""

    def save_own_variables(self, store):
        for i, variable in enumerate(self.weights):
            store[str(i)] = keras.ops.convert_to_numpy(variable) * FILE_SCALE


def _small_model(kernels):
    model = keras.Sequential([keras.Input(shape=(kernels[0].shape[0],)),
                              keras.layers.Dense(kernels[0].shape[1], activation="relu"),
                              SavedOtherwise(kernels[2].shape[1], activation="softmax")])
    model.set_weights(kernels)
    return model


class SaveAndReload(Exercise):
    key = "save_and_reload"
    title = N_("Exercise 5 (save and reload)")

    def inputs(self, rng):
        features, hidden, classes = (int(n) for n in rng.integers(3, 9, size=3))
        return {"weights": [rng.normal(0, 1, size=(features, hidden)).astype("float32"),
                            rng.normal(0, 0.3, size=hidden).astype("float32"),
                            rng.normal(0, 1, size=(hidden, classes)).astype("float32"),
                            rng.normal(0, 0.3, size=classes).astype("float32")],
                "x": rng.normal(0, 1, size=(7, features)).astype("float32"),
                "name": f"model_{int(rng.integers(1000, 10000))}.keras"}

    def probe(self, inputs, save_and_reload):
        model = _small_model(inputs["weights"])
        folder = tempfile.mkdtemp()
        try:
            path = os.path.join(folder, inputs["name"])
            reloaded = save_and_reload(model, path)
            evidence = {"file_saved": os.path.isfile(path),
                        "new_object": reloaded is not model,
                        "output": reloaded(inputs["x"])}
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return evidence


one_hot = OneHot()
line_model = LineModel()
cross_entropies = CrossEntropies()
classifier = Classifier()
save_and_reload = SaveAndReload()
