"""Hidden tests of lesson 01, Lambda layers.

Every answer is a builder function (``make_...``) or a plain function the
student completes, so the checks can build a fresh layer or model and feed
it inputs the student never saw: called eagerly, and inside a model run by
``predict``, a compiled graph, where a function written in NumPy fails as the
text says it must.
"""
import keras
import numpy as np

from grader_tests.exercise import Exercise
from utils.i18n import N_


def traced(layer_or_model, x):
    """Outputs of the layer inside a functional model, computed by ``predict`` (a compiled graph, where
    NumPy cannot run), or None when building or running that model fails."""
    try:
        if not isinstance(layer_or_model, keras.Model):
            inputs = keras.Input(shape=x.shape[1:], dtype=str(x.dtype))
            layer_or_model = keras.Model(inputs, layer_or_model(inputs))
        return layer_or_model.predict(x, batch_size=len(x), verbose=0)
    except Exception:
        return None


def _traced_evidence(layer_or_model, x):
    output = traced(layer_or_model, x)
    return {"traced_runs": output is not None, "traced": np.zeros(0) if output is None else output}


def _lambda_count(model):
    return sum(isinstance(layer, keras.layers.Lambda) for layer in model._flatten_layers(include_self=False))


class SquareModel(Exercise):
    key = "square_model"
    title = N_("Exercise 1 (square model)")

    def inputs(self, rng):
        return {"x": rng.uniform(-4.0, 4.0, size=(11, 1)).astype("float32")}

    def probe(self, inputs, make_square_model):
        model = make_square_model()
        return {
            "output": model(inputs["x"]),
            "params": model.count_params(),
            "lambdas": _lambda_count(model),
            "model": isinstance(model, keras.Model),
            "input_shape": [-1 if n is None else n for n in model.input_shape],
            **_traced_evidence(model, inputs["x"]),
        }


class RescaleLayer(Exercise):
    key = "rescale_layer"
    title = N_("Exercise 2 (rescale layer)")

    def inputs(self, rng):
        pixels = rng.integers(0, 256, size=(3, 28, 28), dtype=np.uint8)
        pixels[0, 0, :3] = (0, 255, 128)
        # a dim batch, without 0 or 255: dividing by its own maximum or stretching it to [0, 1] shows
        dim = rng.integers(20, 200, size=(2, 28, 28), dtype=np.uint8)
        return {"pixels": pixels, "dim": dim}

    def probe(self, inputs, make_rescale_layer):
        layer = make_rescale_layer()
        evidence = {"lambda": isinstance(layer, keras.layers.Lambda)}
        try:
            output = layer(inputs["pixels"])
        except Exception:  # most often a uint8 tensor divided by a float: the judge gives the hint
            return {**evidence, "runs_on_uint8": False}
        return {**evidence, "runs_on_uint8": True, "output": output, "dim_output": layer(inputs["dim"]),
                "float32": keras.backend.standardize_dtype(output.dtype) == "float32",
                **_traced_evidence(make_rescale_layer(), inputs["dim"])}


class RectifierLayer(Exercise):
    key = "rectifier_layer"
    title = N_("Exercise 3 (concatenated rectifier)")

    def inputs(self, rng):
        return {"x3": rng.normal(size=(2, 3, 5)).astype("float32"),
                "x2": rng.normal(size=(4, 6)).astype("float32")}

    def probe(self, inputs, make_rectifier_layer):
        layer = make_rectifier_layer()
        return {"out3": layer(inputs["x3"]), "out2": layer(inputs["x2"]),
                "lambda": isinstance(layer, keras.layers.Lambda),
                **_traced_evidence(make_rectifier_layer(), inputs["x3"])}


class Classifier(Exercise):
    key = "classifier"
    title = N_("Exercise 4 (Fashion-MNIST classifier)")
    parameters = 101_770
    shapes = ((784, 128), (128,), (128, 10), (10,))
    minimum_accuracy = 0.85

    def inputs(self, rng):
        return {"images": rng.integers(0, 256, size=(16, 28, 28), dtype=np.uint8)}

    def probe(self, inputs, classifier, make_rescale_layer=None):
        """The classifier's outputs and weights, and what the student's own rescale layer (exercise 2) makes
        of each pixel value, so that a wrong rescale costs exercise 2 alone."""
        evidence = {"params": classifier.count_params(), "output": classifier(inputs["images"])}
        for i, weight in enumerate(classifier.weights):
            evidence[f"weight{i}"] = weight
        try:  # inside the classifier its rescale layer gets float32 pixels, Input's dtype
            evidence["own_rescale"] = make_rescale_layer()(np.arange(256, dtype="float32")[None, :])[0]
        except Exception:  # no exercise 2 to use: the judge keeps to the text's /255
            pass
        return evidence


square_model = SquareModel()
rescale_layer = RescaleLayer()
rectifier_layer = RectifierLayer()
classifier = Classifier()
