"""Hidden tests of lesson 01, Lambda layers.

Every answer is a builder function (``make_...``) or a plain function the
student completes, so the checks can build a fresh layer or model and feed
it inputs the student never saw.
"""
import keras
import numpy as np

from grader_tests.exercise import Exercise
from utils.i18n import N_


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
        return {"output": layer(inputs["pixels"]), "dim_output": layer(inputs["dim"]),
                "lambda": isinstance(layer, keras.layers.Lambda)}


class RectifierLayer(Exercise):
    key = "rectifier_layer"
    title = N_("Exercise 3 (concatenated rectifier)")

    def inputs(self, rng):
        return {"x3": rng.normal(size=(2, 3, 5)).astype("float32"),
                "x2": rng.normal(size=(4, 6)).astype("float32")}

    def probe(self, inputs, make_rectifier_layer):
        layer = make_rectifier_layer()
        return {"out3": layer(inputs["x3"]), "out2": layer(inputs["x2"]),
                "lambda": isinstance(layer, keras.layers.Lambda)}


class Classifier(Exercise):
    key = "classifier"
    title = N_("Exercise 4 (Fashion-MNIST classifier)")
    parameters = 101_770
    shapes = ((784, 128), (128,), (128, 10), (10,))
    minimum_accuracy = 0.85

    def inputs(self, rng):
        return {"images": rng.integers(0, 256, size=(16, 28, 28), dtype=np.uint8)}

    def probe(self, inputs, classifier):
        evidence = {"params": classifier.count_params(), "output": classifier(inputs["images"])}
        for i, weight in enumerate(classifier.weights):
            evidence[f"weight{i}"] = weight
        return evidence


square_model = SquareModel()
rescale_layer = RescaleLayer()
rectifier_layer = RectifierLayer()
classifier = Classifier()
