"""Hidden tests of lesson 01, Lambda layers.

Every answer is a builder function (``make_...``) or a plain function the
student completes, so the checks can build a fresh layer or model and feed
it inputs the student never saw.
"""
import keras
import numpy as np

from grader_tests import expect
from grader_tests.exercise import Exercise
from grader_tests.numpy_ops import softmax


def _lambda_count(model):
    return sum(isinstance(layer, keras.layers.Lambda) for layer in model._flatten_layers(include_self=False))


class SquareModel(Exercise):
    key = "square_model"
    title = "Exercise 1 (square model)"

    def inputs(self, rng):
        return {"x": rng.uniform(-4.0, 4.0, size=(11, 1)).astype("float32")}

    def probe(self, inputs, make_square_model):
        model = make_square_model()
        return {
            "output": model(inputs["x"]),
            "params": model.count_params(),
            "lambdas": _lambda_count(model),
            "input_shape": [-1 if n is None else n for n in model.input_shape],
        }

    def judge(self, inputs, evidence):
        expect.equal(self.title, "model.input_shape (None is shown as -1)", evidence["input_shape"], [-1, 1],
                     "One number in per example: keras.Input(shape=(1,)).")
        expect.equal(self.title, "the number of Lambda layers in the model", evidence["lambdas"], 1,
                     "Wrap your square function in keras.layers.Lambda.")
        expect.equal(self.title, "the number of parameters", evidence["params"], 0,
                     "A Lambda layer has no weights, and the model needs no other layer.")
        expect.close(self.title, "the output", evidence["output"], inputs["x"] ** 2,
                     "Each number should come out squared: x ** 2 or keras.ops.square(x).")


class RescaleLayer(Exercise):
    key = "rescale_layer"
    title = "Exercise 2 (rescale layer)"

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

    def judge(self, inputs, evidence):
        expect.equal(self.title, "isinstance(layer, keras.layers.Lambda)", evidence["lambda"], True,
                     "make_rescale_layer should return a keras.layers.Lambda.")
        expect.close(self.title, "the rescaled pixels", evidence["output"], inputs["pixels"] / 255.0,
                     "Pixel 0 should become 0.0 and pixel 255 exactly 1.0: divide by 255 "
                     "(cast to float32 first).", atol=1e-6, rtol=1e-6)
        expect.close(self.title, "the rescaled pixels of a dim batch (no pixel is 0 or 255)",
                     evidence["dim_output"], inputs["dim"] / 255.0,
                     "Divide every batch by the fixed 255, not by the batch's own largest value or range.",
                     atol=1e-6, rtol=1e-6)


class RectifierLayer(Exercise):
    key = "rectifier_layer"
    title = "Exercise 3 (concatenated rectifier)"

    def inputs(self, rng):
        return {"x3": rng.normal(size=(2, 3, 5)).astype("float32"),
                "x2": rng.normal(size=(4, 6)).astype("float32")}

    def probe(self, inputs, make_rectifier_layer):
        layer = make_rectifier_layer()
        return {"out3": layer(inputs["x3"]), "out2": layer(inputs["x2"])}

    def judge(self, inputs, evidence):
        hint = "Concatenate relu(x) and relu(-x) on the last axis (axis=-1), so the width doubles."
        for name in ("2", "3"):
            x = inputs[f"x{name}"]
            want = np.concatenate([np.maximum(x, 0), np.maximum(-x, 0)], axis=-1)
            expect.shape(self.title, f"the output for an input of shape {x.shape}",
                         np.shape(evidence[f"out{name}"]), want.shape, hint)
            expect.close(self.title, f"the output for an input of shape {x.shape}",
                         evidence[f"out{name}"], want,
                         "The first half should be relu(x), the second relu(-x).")


def _forward(images, kernel1, bias1, kernel2, bias2):
    """The spec's classifier in NumPy: flatten, /255, dense, abs, dense, softmax."""
    hidden = np.abs(images.reshape(len(images), -1) / 255.0 @ kernel1 + bias1)
    return softmax(hidden @ kernel2 + bias2)


class Classifier(Exercise):
    key = "classifier"
    title = "Exercise 4 (Fashion-MNIST classifier)"
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

    def judge(self, inputs, evidence):
        expect.equal(self.title, "the number of parameters", evidence["params"], self.parameters,
                     "Flatten, rescale, Dense(128), Lambda(abs), Dense(10, softmax) has 101,770.")
        weights = [evidence.get(f"weight{i}") for i in range(len(self.shapes))]
        got_shapes = [None if w is None else w.shape for w in weights]
        expect.equal(self.title, "the weight shapes", str(got_shapes), str(list(self.shapes)),
                     "Use exactly two Dense layers, 128 then 10 units.")
        expect.close(self.title, "the predicted probabilities", evidence["output"],
                     _forward(inputs["images"], *weights),
                     "The layers should be Flatten, rescale (/255), Dense(128) with no activation, "
                     "Lambda(abs), Dense(10, softmax), in that order.", atol=1e-4, rtol=1e-3)
        expect.trained_accuracy_at_least(self.title, lambda x: _forward(x, *weights), self.minimum_accuracy)


square_model = SquareModel()
rescale_layer = RescaleLayer()
rectifier_layer = RectifierLayer()
classifier = Classifier()
