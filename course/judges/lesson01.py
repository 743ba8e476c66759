"""Judges of lesson01's hidden tests: they decide, outside the student's kernel, from the
evidence its probes saved (see :mod:`grader_tests.lesson01`, the kernel side)."""
import numpy as np
from grader_tests import expect
from grader_tests.numpy_ops import softmax
from grader_tests import lesson01 as probes
from utils.i18n import _


def _judge_traced(title, evidence, want, hint=""):
    """The answer inside a model run by predict (a compiled graph) gives ``want``."""
    if not evidence["traced_runs"]:
        raise expect.failure(title, _("it fails inside a model run by predict, where Keras works on symbolic "
                                      "tensors in a compiled graph."),
                             _("Write the function with keras.ops (keras.ops.square, keras.ops.cast, ...), not "
                               "NumPy: NumPy only works on concrete arrays."))
    expect.close(title, _("the output inside a model run by predict"), evidence["traced"], want, hint,
                 atol=1e-6, rtol=1e-6)


TRUE_RESCALE = np.arange(256) / 255.0  # what the text's rescale layer makes of each pixel value


def _forward(images, kernel1, bias1, kernel2, bias2, rescale=TRUE_RESCALE):
    """The spec's classifier in NumPy: flatten, rescale (``rescale[pixel]``), dense, abs, dense, softmax."""
    hidden = np.abs(rescale[images.reshape(len(images), -1).astype(np.intp)] @ kernel1 + bias1)
    return softmax(hidden @ kernel2 + bias2)


def _rescales(evidence):
    """The rescalings a right classifier may use: the text's, and the student's own layer of exercise 2
    (whose mistakes exercise 2 alone pays for)."""
    own = evidence.get("own_rescale")
    own = None if own is None else np.asarray(own, dtype=np.float64)
    usable = own is not None and own.shape == TRUE_RESCALE.shape and np.isfinite(own).all()
    return [TRUE_RESCALE, own] if usable and not np.allclose(own, TRUE_RESCALE) else [TRUE_RESCALE]


class SquareModel(probes.SquareModel):
    def judge(self, inputs, evidence):
        expect.equal(self.title, "isinstance(model, keras.Model)", evidence["model"], True,
                     _("make_square_model should return a Keras model, for example keras.Sequential([...])."))
        expect.equal(self.title, _("model.input_shape (None is shown as -1)"), evidence["input_shape"], [-1, 1],
                     _("One number in per example: keras.Input(shape=(1,))."))
        expect.equal(self.title, _("the number of Lambda layers in the model"), evidence["lambdas"], 1,
                     _("Wrap your square function in keras.layers.Lambda."))
        expect.equal(self.title, _("the number of parameters"), evidence["params"], 0,
                     _("A Lambda layer has no weights, and the model needs no other layer."))
        expect.close(self.title, _("the output"), evidence["output"], inputs["x"] ** 2,
                     _("Each number should come out squared: x ** 2 or keras.ops.square(x)."))
        _judge_traced(self.title, evidence, inputs["x"].astype(np.float64) ** 2)


class RescaleLayer(probes.RescaleLayer):
    def judge(self, inputs, evidence):
        expect.equal(self.title, "isinstance(layer, keras.layers.Lambda)", evidence["lambda"], True,
                     _("make_rescale_layer should return a keras.layers.Lambda."))
        if not evidence["runs_on_uint8"]:
            raise expect.failure(self.title, _("the layer fails on uint8 pixels."),
                                 _('TensorFlow does not divide a uint8 tensor by a float: cast first, '
                                   'keras.ops.cast(x, "float32") / 255.0.'))
        expect.close(self.title, _("the rescaled pixels"), evidence["output"], inputs["pixels"] / 255.0,
                     _("Pixel 0 should become 0.0 and pixel 255 exactly 1.0: divide by 255 "
                       "(cast to float32 first)."), atol=1e-6, rtol=1e-6)
        expect.close(self.title, _("the rescaled pixels of a dim batch (no pixel is 0 or 255)"),
                     evidence["dim_output"], inputs["dim"] / 255.0,
                     _("Divide every batch by the fixed 255, not by the batch's own largest value or range."),
                     atol=1e-6, rtol=1e-6)
        expect.equal(self.title, _("the output dtype is float32"), evidence["float32"], True,
                     _('Cast to float32, as the text asks: keras.ops.cast(x, "float32"). A model\'s layers '
                       "compute in float32; float64 doubles the memory and mixes types."))
        _judge_traced(self.title, evidence, inputs["dim"] / 255.0)


class RectifierLayer(probes.RectifierLayer):
    def judge(self, inputs, evidence):
        expect.equal(self.title, "isinstance(layer, keras.layers.Lambda)", evidence["lambda"], True,
                     _("make_rectifier_layer should return a keras.layers.Lambda that applies concat_rectifier."))
        hint = _("Concatenate relu(x) and relu(-x) on the last axis (axis=-1), so the width doubles.")
        for name in ("2", "3"):
            x = inputs[f"x{name}"]
            want = np.concatenate([np.maximum(x, 0), np.maximum(-x, 0)], axis=-1)
            what = _("the output for an input of shape {shape}").format(shape=x.shape)
            expect.shape(self.title, what, np.shape(evidence[f"out{name}"]), want.shape, hint)
            expect.close(self.title, what,
                         evidence[f"out{name}"], want,
                         _("The first half should be relu(x), the second relu(-x)."))
        x = inputs["x3"].astype(np.float64)
        _judge_traced(self.title, evidence, np.concatenate([np.maximum(x, 0), np.maximum(-x, 0)], axis=-1))


class Classifier(probes.Classifier):
    def judge(self, inputs, evidence):
        expect.equal(self.title, _("the number of parameters"), evidence["params"], self.parameters,
                     _("Flatten, rescale, Dense(128), Lambda(abs), Dense(10, softmax) has 101,770."))
        weights = [evidence.get(f"weight{i}") for i in range(len(self.shapes))]
        got_shapes = [None if w is None else w.shape for w in weights]
        expect.equal(self.title, _("the weight shapes"), str(got_shapes), str(list(self.shapes)),
                     _("Use exactly two Dense layers, 128 then 10 units."))
        predicted = np.asarray(evidence["output"], dtype=np.float64)
        rescale = next((r for r in _rescales(evidence) if predicted.shape == (len(inputs["images"]), 10) and np.allclose(
            predicted, _forward(inputs["images"], *weights, r), atol=1e-4, rtol=1e-3)), TRUE_RESCALE)
        expect.close(self.title, _("the predicted probabilities"), predicted, _forward(inputs["images"], *weights, rescale),
                     _("The layers should be Flatten, rescale (/255), Dense(128) with no activation, "
                       "Lambda(abs), Dense(10, softmax), in that order."), atol=1e-4, rtol=1e-3)
        expect.trained_accuracy_at_least(self.title, lambda x: _forward(x, *weights, rescale), self.minimum_accuracy)

