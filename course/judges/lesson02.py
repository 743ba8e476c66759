"""Judges of lesson02's hidden tests: they decide, outside the student's kernel, from the
evidence its probes saved (see :mod:`grader_tests.lesson02`, the kernel side)."""
import numpy as np
from grader_tests import expect
from grader_tests.exercise import CheckFailed, from_json_evidence
from grader_tests.numpy_ops import softmax
from grader_tests import lesson02 as probes
from grader_tests.lesson02 import _shapes
from utils.i18n import _


def _relu(x):
    return np.maximum(x, 0.0)


ACTIVATIONS = {"linear": lambda x: x, "relu": _relu, "tanh": np.tanh}


def _residual(x, activation, kernel1, bias1, kernel2, bias2):
    act = ACTIVATIONS[activation]
    return act(x + act(x @ kernel1 + bias1) @ kernel2 + bias2)


def _matches_residual(x, activation, weights, output):
    """True when ``output`` is the block's formula with the two Dense layers in either order."""
    first, second = weights[:2], weights[2:]
    return any(np.allclose(output, _residual(x, activation, *a, *b), atol=1e-4, rtol=1e-4)
               for a, b in ((first, second), (second, first)))


def _pairs(weights):
    """Group a model's weights into (kernel, bias) pairs, whatever order each layer made them in."""
    pairs = []
    for i in range(0, len(weights) - 1, 2):
        two = sorted(weights[i:i + 2], key=np.ndim)
        pairs.append((two[1], two[0]))
    return pairs


def _forward(images, pairs, swap):
    """The spec's classifier in NumPy; ``swap`` exchanges the residual block's two Dense layers."""
    (k0, b0), first, second, (k3, b3) = pairs
    if swap:
        first, second = second, first
    hidden = _relu(images.reshape(len(images), -1) / 255.0 @ k0 + b0)
    hidden = _residual(hidden, "relu", *first, *second)
    return softmax(hidden @ k3 + b3)


class SimpleDense(probes.SimpleDense):
    def judge(self, inputs, evidence):
        width, units = inputs["kernel"].shape
        for activation in self.activations:
            name, shown = activation or "linear", repr(activation)
            expect.equal(self.title, _("the number of weights of a new layer (activation={activation}), before build")
                         .format(activation=shown), evidence[f"{name}_before_build"], 0,
                         _("Create the weights in build(), where the input width is known."))
            expect.equal(self.title, _("the number of weights after build (activation={activation})")
                         .format(activation=shown), evidence[f"{name}_weights"], 2,
                         _("build() should add two weights with self.add_weight: the kernel and the bias."))
            expect.equal(self.title, _("the weight shapes after build((None, n))"), str(_shapes(evidence, name)),
                         str(sorted([(width, units), (units,)])),
                         _("The kernel is (input_shape[-1], units) and the bias (units,)."))
            expect.equal(self.title, _("the number of trainable weights"), evidence[f"{name}_trainable"], 2,
                         _("Kernel and bias are trainable (the default of add_weight)."))
            self._judge_initial_weights(evidence[f"{name}_initial2"], evidence[f"{name}_initial1"])
            want = ACTIVATIONS[name](inputs["x"] @ inputs["kernel"] + inputs["bias"])
            expect.close(self.title, _("the output with activation={activation} and known weights")
                         .format(activation=shown), evidence[f"{name}_output"], want,
                         _("call should return self.activation(x @ kernel + bias): bias included, "
                           "activation applied."), atol=1e-4, rtol=1e-4)
            expect.close(self.title, _("the output of a second call on the same input"), evidence[f"{name}_again"],
                         want, _("Calling the layer again must reuse the same weights."), atol=1e-4, rtol=1e-4)
        expect.config_round_trip(self.title, evidence, {"units": units, "activation": "relu"})
        expect.close(self.title, _("the output of SimpleDense.from_config(layer.get_config()) with relu"),
                     evidence["clone_output"], _relu(inputs["x"] @ inputs["kernel"] + inputs["bias"]),
                     _("get_config should also hold the activation, e.g. keras.activations.serialize(...)."),
                     atol=1e-4, rtol=1e-4)


class PreProcess(probes.PreProcess):
    def judge(self, inputs, evidence):
        hint = _("Flatten every image to one row: keras.ops.reshape(x, (-1, math.prod(inputs.shape[1:]))).")
        expect.equal(self.title, _("the number of weights"), evidence["weights"], 0, _("PreProcess needs no weights."))
        for name in ("images", "small"):
            images = inputs[name]
            want = images.reshape(len(images), -1) / 255.0
            got = evidence["output" if name == "images" else "small"]
            what = _("the output for images of shape {shape}").format(shape=images.shape)
            expect.shape(self.title, what, np.shape(got), want.shape, hint)
            expect.close(self.title, what, got, want,
                         _("Pixel 0 should become 0.0 and pixel 255 exactly 1.0: cast to float32, divide by the "
                           "fixed 255 (not by the batch's own largest value)."), atol=1e-6, rtol=1e-6)
        expect.equal(self.title, _("the output dtype is float32"), evidence["float32"], True,
                     _('Cast with keras.ops.cast(inputs, "float32").'))
        small = inputs["small"]
        expect.equal(self.title, _("the output shape inside a model"), evidence["model_shape"],
                     [-1, small.shape[1] * small.shape[2]],
                     _("While Keras builds a model the batch size is None: reshape to (-1, row length) with the "
                       "row length known, math.prod(inputs.shape[1:])."))
        expect.close(self.title, _("the output inside a model"), evidence["model_output"],
                     small.reshape(len(small), -1) / 255.0, hint, atol=1e-6, rtol=1e-6)


class ComputeSum(probes.ComputeSum):
    def judge(self, inputs, evidence):
        width = inputs["batch0"].shape[1]
        expect.equal(self.title, _("the number of weights of ComputeSum() before build"), evidence["before_build"], 0,
                     _("Make the state in build(), where input_shape[-1] gives its size."))
        expect.equal(self.title, _("the number of weights after three calls"), evidence["state_weights"], 1,
                     _("Make one state vector with self.add_weight(..., trainable=False): a bare tf.Variable "
                       "is not tracked by Keras 3."))
        expect.equal(self.title, _("the number of trainable weights"), evidence["state_trainable"], 0,
                     _("The state is not trained: pass trainable=False."))
        expect.equal(self.title, _("the number of non-trainable weights"), evidence["non_trainable"], 1,
                     _("Make the state with trainable=False."))
        expect.shape(self.title, _("the state"), np.shape(evidence["state"]), (width,),
                     _("One number per input column: shape (input_shape[-1],)."))
        total = np.zeros(width)
        for i in range(3):
            total = total + inputs[f"batch{i}"].sum(axis=0)
            expect.close(self.title, _("the output after batch {number} of 3").format(number=i + 1),
                         evidence[f"output{i}"], total,
                         _("Add the column sums (axis=0) to the state with assign_add, never reset it, "
                           "and return the state."), atol=1e-4, rtol=1e-4)
        expect.close(self.title, _("the state after three batches"), evidence["state"], total,
                     _("The state itself should hold the running column sums."), atol=1e-4, rtol=1e-4)
        other = inputs["other"]
        expect.equal(self.title, _("the number of weights after build((None, n))"), evidence["built_weights"], 1,
                     _("build() should create the state."))
        expect.close(self.title, _("the state right after build"), evidence["built_state"], np.zeros(other.shape[1]),
                     _('Start the state at zero (initializer="zeros").'))
        expect.close(self.title, _("the output for a first batch of width {width}").format(width=other.shape[1]),
                     evidence["other_output"], other.sum(axis=0),
                     _("Size the state from input_shape[-1]."), atol=1e-4, rtol=1e-4)


class ResidualDense(probes.ResidualDense):
    def judge(self, inputs, evidence):
        x = inputs["x"]
        units = x.shape[1]
        weights = [inputs[name] for name in ("kernel1", "bias1", "kernel2", "bias2")]
        parameters = 2 * (units * units + units)
        expect.equal(self.title, _("the number of separate inner layers right after ResidualDense(units) is made"),
                     evidence["inner_in_init"], 2,
                     _("Make two separate keras.layers.Dense(units) objects in __init__, as the text asks: layers "
                       "made in build() do not exist yet when the block is created, and one object used twice "
                       "shares its weights."))
        expect.equal(self.title, _("the number of inner layers with weights, after build"), evidence["inner_layers"], 2,
                     _("build() should build both Dense layers: self.dense1.build(input_shape), then dense2."))
        for activation in self.activations:
            expect.equal(self.title, _("the number of parameters of ResidualDense({units}) after build")
                         .format(units=units), evidence[f"{activation}_params"], parameters,
                         _("Two separate Dense({units}) layers have {parameters}. Make two Dense objects in "
                           "__init__ (one object used twice shares its weights) and build both in build().")
                         .format(units=units, parameters=parameters))
            expect.equal(self.title, _("the number of weights after build"), evidence[f"{activation}_weights"], 4,
                         _("build() should build both Dense layers: self.dense1.build(input_shape), ..."))
            expect.equal(self.title, _("the weight shapes after build"), str(_shapes(evidence, activation)),
                         str(sorted([(units, units), (units, units), (units,), (units,)])),
                         _("Both Dense layers have `units` units."))
            expect.equal(self.title, _("the number of trainable weights"), evidence[f"{activation}_trainable"], 4,
                         _("All four weights are trainable."))
            output = evidence[f"{activation}_output"]
            want = _residual(x, activation, *weights)
            expect.shape(self.title, _("the output"), np.shape(output), want.shape)
            if not _matches_residual(x, activation, weights, output):
                expect.close(self.title, _("the output with activation={activation} and known weights")
                             .format(activation=repr(activation)), output, want,
                             _("Compute activation(x + dense2(activation(dense1(x)))): keep the skip "
                               "connection x + ... and apply the activation at both places."),
                             atol=1e-4, rtol=1e-4)
        expect.config_round_trip(self.title, evidence, {"units": units, "activation": "tanh"})
        if not _matches_residual(x, "tanh", weights, evidence["clone_output"]):
            expect.close(self.title, _("the output of ResidualDense.from_config(layer.get_config()) with tanh"),
                         evidence["clone_output"], _residual(x, "tanh", *weights),
                         _("get_config should also hold the activation, e.g. keras.activations.serialize(...)."),
                         atol=1e-4, rtol=1e-4)


class Model(probes.Model):
    def judge(self, inputs, evidence):
        expect.equal(self.title, _("the number of parameters"), evidence["params"], self.parameters,
                     _("PreProcess, SimpleDense(128, relu), ResidualDense(128, relu), Dense(10, softmax) "
                       "has 134,794."))
        classes = [name for name in from_json_evidence(evidence["layer_classes"]) or []
                   if name not in self.free_layers]
        if classes[-1:] == ["SimpleDense"]:  # the output layer may be your own dense layer too
            classes[-1] = "Dense"
        expect.equal(self.title, _("the classes of the model's layers"), str(classes), str(self.layer_classes),
                     _("Build the model from your own layers, as the table says: PreProcess(), "
                       "SimpleDense(128, ...), ResidualDense(128, ...), then keras.layers.Dense(10, ...)."))
        weights = [evidence[f"weight{i}"] for i in range(int(evidence["weights"]))]
        pairs = _pairs(weights)
        got_shapes = [(k.shape, b.shape) for k, b in pairs]
        expect.equal(self.title, _("the (kernel, bias) shapes, layer by layer"), str(got_shapes), str(self.shapes),
                     _("The layers should be PreProcess, SimpleDense(128), ResidualDense(128), Dense(10), "
                       "in that order."))
        outputs = [_forward(inputs["images"], pairs, swap) for swap in (False, True)]
        errors = [np.abs(evidence["output"] - out).max() for out in outputs]
        best = int(np.argmin(errors))
        expect.close(self.title, _("the predicted probabilities"), evidence["output"], outputs[best],
                     _("Use relu in SimpleDense and ResidualDense and softmax in the last Dense layer."),
                     atol=1e-4, rtol=1e-3)
        if int(evidence["trained_weights"]) < 0:
            return  # make_model() failed with the student's own layers: their exercises lose the points
        trained = _pairs([evidence[f"trained{i}"] for i in range(int(evidence["trained_weights"]))])
        if [(k.shape, b.shape) for k, b in trained] != self.shapes:
            return  # the student's own layers made other weights: their exercises say so
        try:  # the residual block's two Dense layers may hold their weights in either order
            expect.trained_accuracy_at_least(self.title, lambda x: _forward(x, trained, False), self.minimum_accuracy)
        except CheckFailed:
            expect.trained_accuracy_at_least(self.title, lambda x: _forward(x, trained, True), self.minimum_accuracy)

