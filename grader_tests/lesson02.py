"""Hidden tests of lesson 02, class-based custom layers.

The answers are layer classes (and one model builder), so the probes make
fresh layers of sizes the student never saw, build them, put known weights in
them and record what comes out. Weights are matched by shape, never by name
or creation order, so any correct layout of the class passes. The model of
exercise 5 is probed with the grader's own layers in place of the four
classes, which their own exercises grade.
"""
import keras
import numpy as np

from grader_tests import expect
from grader_tests.exercise import Exercise, config_evidence, json_evidence
from grader_tests import lesson02_layers
from grader_tests.upstream import borrowed, with_pieces
from utils.i18n import N_, _, number, significant


def _numpy(value):
    """A NumPy copy of a tensor or a variable (a variable may change later)."""
    return np.array(keras.ops.convert_to_numpy(value), copy=True)


def _weight_evidence(layer, prefix):
    """Count, trainability and shapes of a layer's weights, as numbers."""
    evidence = {
        f"{prefix}_weights": len(layer.weights),
        f"{prefix}_trainable": len(layer.trainable_weights),
        f"{prefix}_params": layer.count_params() if layer.built else 0,
    }
    for i, weight in enumerate(layer.weights):
        evidence[f"{prefix}_shape{i}"] = np.array(weight.shape, dtype=np.int64)
    return evidence


def _shapes(evidence, prefix):
    count = int(evidence[f"{prefix}_weights"])
    return sorted(tuple(int(n) for n in evidence[f"{prefix}_shape{i}"]) for i in range(count))


def _assign_by_shape(layer, values):
    """Give every weight of ``layer`` whose shape is a key of ``values`` that value."""
    for weight in layer.weights:
        if tuple(weight.shape) in values:
            weight.assign(values[tuple(weight.shape)])


def _refuse_borrowed(exercise, layer_class):
    if borrowed(layer_class):
        exercise.fail(_("hand in your own class: the grader's layers are there to grade exercise 5 on its own."))


class SimpleDense(Exercise):
    key = "simple_dense"
    title = N_("Exercise 1 (SimpleDense)")
    activations = (None, "relu", "tanh")

    def inputs(self, rng):
        width = int(rng.integers(3, 7))
        units = width + int(rng.integers(1, 4))
        return {
            "x": rng.normal(size=(5, width)).astype("float32"),
            "kernel": rng.normal(scale=0.6, size=(width, units)).astype("float32"),
            "bias": rng.normal(scale=0.6, size=(units,)).astype("float32"),
        }

    def probe(self, inputs, layer_class):
        _refuse_borrowed(self, layer_class)
        width, units = inputs["kernel"].shape
        known = {(width, units): inputs["kernel"], (units,): inputs["bias"]}
        evidence = {}
        for activation in self.activations:
            name = activation or "linear"
            layer = layer_class(units, activation=activation)
            evidence[f"{name}_before_build"] = len(layer.weights)
            layer.build((None, width))
            evidence.update(_weight_evidence(layer, name))
            if _shapes(evidence, name) != sorted(known):
                return evidence  # calling it would only fail; the judge names the wrong weights
            for weight in layer.weights:
                evidence[f"{name}_initial{len(weight.shape)}"] = _numpy(weight)
            _assign_by_shape(layer, known)
            evidence[f"{name}_output"] = layer(inputs["x"])
            evidence[f"{name}_again"] = layer(inputs["x"])
        evidence.update(config_evidence(layer_class, units, activation="relu"))
        config = layer_class(units, activation="relu").get_config()
        if config.get("units") != units:
            return evidence  # from_config would only fail; the judge names the missing setting
        clone = layer_class.from_config(config)
        clone.build((None, width))
        _assign_by_shape(clone, known)
        evidence["clone_output"] = clone(inputs["x"])
        return evidence


    def _judge_initial_weights(self, kernel, bias):
        """Glorot-uniform kernel (random, within its limit) and zero bias, as the text asks."""
        limit = np.sqrt(6.0 / sum(kernel.shape))
        hint = _('Create the kernel with initializer="glorot_uniform" and the bias with initializer="zeros": '
                 "a kernel of equal values (zeros, say) makes every unit learn the same thing.")
        expect.close(self.title, _("the bias right after build"), bias, np.zeros_like(bias), hint, atol=0, rtol=0)
        if not (np.ptp(kernel) > 0 and np.abs(kernel).max() <= limit * (1 + 1e-6)):
            self.fail(_("the kernel right after build should be random values within ±{limit} (Glorot "
                        "uniform for shape {shape}), got values from {low} to {high}.").format(
                limit=number(limit, 4), shape=kernel.shape,
                low=number(significant(kernel.min(), 4)), high=number(significant(kernel.max(), 4)))
                + f" {hint}")


class PreProcess(Exercise):
    key = "preprocess"
    title = N_("Exercise 2 (PreProcess)")

    def inputs(self, rng):
        images = rng.integers(0, 256, size=(4, 28, 28), dtype=np.uint8)
        images[0, 0, :3] = (0, 255, 128)
        height, width = (int(n) for n in rng.integers(3, 9, size=2))
        # small images are dim (no pixel is 0 or 255): dividing by the batch's own range shows
        return {"images": images, "small": rng.integers(20, 230, size=(3, height, width), dtype=np.uint8)}

    def probe(self, inputs, layer_class):
        _refuse_borrowed(self, layer_class)
        layer = layer_class()
        output = layer(inputs["images"])
        small = inputs["small"]
        model = keras.Sequential([keras.Input(shape=small.shape[1:], dtype="uint8"), layer_class()])
        return {
            "output": output,
            "float32": keras.backend.standardize_dtype(output.dtype) == "float32",
            "weights": len(layer.weights),
            "small": layer_class()(small),
            "model_shape": [-1 if n is None else n for n in model.output_shape],
            "model_output": model(small),
        }


class ComputeSum(Exercise):
    key = "compute_sum"
    title = N_("Exercise 3 (ComputeSum)")

    def inputs(self, rng):
        width = int(rng.integers(2, 7))
        batches = [rng.normal(size=(int(rng.integers(2, 9)), width)).astype("float32") for _ in range(3)]
        other = rng.normal(size=(4, width + int(rng.integers(1, 4)))).astype("float32")
        return {"batch0": batches[0], "batch1": batches[1], "batch2": batches[2], "other": other}

    def probe(self, inputs, layer_class):
        _refuse_borrowed(self, layer_class)
        layer = layer_class()
        evidence = {"before_build": len(layer.weights)}
        for i in range(3):
            evidence[f"output{i}"] = _numpy(layer(inputs[f"batch{i}"]))
        evidence.update(_weight_evidence(layer, "state"))
        evidence["non_trainable"] = len(layer.non_trainable_weights)
        if layer.weights:
            evidence["state"] = _numpy(layer.weights[0])
        other = layer_class()
        other.build((None, inputs["other"].shape[1]))
        evidence["built_weights"] = len(other.weights)
        if other.weights:
            evidence["built_state"] = _numpy(other.weights[0])
        evidence["other_output"] = _numpy(other(inputs["other"]))
        return evidence


def _inner_layers(layer):
    return list(layer._flatten_layers(include_self=False, recursive=False))


class ResidualDense(Exercise):
    key = "residual_dense"
    title = N_("Exercise 4 (ResidualDense)")
    activations = ("relu", "tanh")

    def inputs(self, rng):
        units = int(rng.integers(3, 8))
        values = {"x": rng.normal(size=(6, units)).astype("float32")}
        for name, shape in (("kernel1", (units, units)), ("bias1", (units,)),
                            ("kernel2", (units, units)), ("bias2", (units,))):
            values[name] = rng.normal(scale=0.6, size=shape).astype("float32")
        return values

    def probe(self, inputs, layer_class):
        _refuse_borrowed(self, layer_class)
        units = inputs["x"].shape[1]
        weights = [inputs[name] for name in ("kernel1", "bias1", "kernel2", "bias2")]
        evidence = {}
        for activation in self.activations:
            layer = layer_class(units, activation=activation)
            evidence["inner_in_init"] = len({id(sub) for sub in _inner_layers(layer)})
            try:
                layer.build((None, units))
            except Exception:
                if evidence["inner_in_init"] < 2:
                    return evidence  # one Dense built twice fails; the judge says why
                raise
            evidence["inner_layers"] = len({id(sub) for sub in _inner_layers(layer) if sub.weights})
            evidence.update(_weight_evidence(layer, activation))
            if len(layer.weights) == 4:
                layer.set_weights(weights)
            evidence[f"{activation}_output"] = layer(inputs["x"])
        evidence.update(config_evidence(layer_class, units, activation="tanh"))
        config = layer_class(units, activation="tanh").get_config()
        if config.get("units") != units:
            return evidence  # from_config would only fail; the judge names the missing setting
        clone = layer_class.from_config(config)
        clone.build((None, units))
        if len(clone.weights) == 4:
            clone.set_weights(weights)
        evidence["clone_output"] = clone(inputs["x"])
        return evidence


class Model(Exercise):
    key = "model"
    title = N_("Exercise 5 (Fashion-MNIST classifier)")
    parameters = 134_794
    shapes = [((784, 128), (128,)), ((128, 128), (128,)), ((128, 128), (128,)), ((128, 10), (10,))]
    layer_classes = ["PreProcess", "SimpleDense", "ResidualDense", "Dense"]
    free_layers = ("InputLayer", "Activation", "Softmax")  # a functional model's input; softmax as a layer
    minimum_accuracy = 0.85

    def inputs(self, rng):
        return {"images": rng.integers(0, 256, size=(16, 28, 28), dtype=np.uint8)}

    def probe(self, inputs, make_model, trained=None):
        """``make_model`` is probed with the grader's layers; ``trained`` (the student's model after the
        training cell, None when it could not be made) gives the weights whose accuracy is judged."""
        model = with_pieces(make_model, PreProcess=lesson02_layers.PreProcess,
                            SimpleDense=lesson02_layers.SimpleDense, ResidualDense=lesson02_layers.ResidualDense)()
        evidence = {"params": model.count_params(), "output": model(inputs["images"]),
                    "weights": len(model.weights),
                    "layer_classes": json_evidence([type(layer).__name__ for layer in model.layers]),
                    "trained_weights": -1 if trained is None else len(trained.weights)}
        for i, weight in enumerate(model.weights):
            evidence[f"weight{i}"] = weight
        for i, weight in enumerate([] if trained is None else trained.weights):
            evidence[f"trained{i}"] = weight
        return evidence


simple_dense = SimpleDense()
preprocess = PreProcess()
compute_sum = ComputeSum()
residual_dense = ResidualDense()
model = Model()
