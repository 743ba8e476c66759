"""Judges of lesson04's hidden tests: they decide, outside the student's kernel, from the
evidence its probes saved (see :mod:`grader_tests.lesson04`, the kernel side)."""
import keras
import numpy as np
from grader_tests import expect
from grader_tests.exercise import from_json_evidence
from grader_tests.numpy_ops import softmax
from grader_tests import lesson04 as probes
from grader_tests.lesson04 import DETECTOR_SHAPES, _relu, _sigmoid
from utils.i18n import _, integer, number, significant


def _shapes_list(flat):
    """The shapes that :func:`_weight_shapes` flattened."""
    flat, shapes, i = [int(n) for n in np.asarray(flat).ravel()], [], 0
    while i < len(flat):
        rank = flat[i]
        shapes.append(tuple(flat[i + 1:i + 1 + rank]))
        i += 1 + rank
    return shapes


def _shapes_text(flat):
    return str(_shapes_list(flat))


def _check_shapes(title, evidence, shapes, hint):
    expect.equal(title, _("the weight shapes"), _shapes_text(evidence["shapes"]), str(list(shapes)), hint)


def _check_training_mode(title, got, inference):
    """The output in training mode is the inference output: the lesson's models have no layer, such as
    Dropout, that acts only in training."""
    expect.close(title, _("the output in training mode (training=True), which should be the inference output"),
                 got, inference, _("The model of the text has no layer that acts only in training: remove the "
                                   "Dropout (or other noise) layer you added."), atol=1e-6, rtol=1e-5)


ACTIVATION_LAYERS = {"Activation", "Softmax", "ReLU"}  # an activation given as its own layer, not as an argument


def classifier_forward(images, kernel1, bias1, kernel2, bias2, kernel3, bias3):
    """The lesson's classifier in NumPy: flatten, /255, Dense(128, relu), Dense(32, relu), Dense(10, softmax)."""
    hidden = _relu(images.reshape(len(images), -1) / 255.0 @ kernel1 + bias1)
    hidden = _relu(hidden @ kernel2 + bias2)
    return softmax(hidden @ kernel3 + bias3)


def _conv_block(x, kernel, bias):
    """Conv2D(3, padding="same", relu), then MaxPooling2D(2), in NumPy (channels last)."""
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(1, 2))
    y = _relu(np.einsum("nhwcij,ijco->nhwo", windows, kernel, optimize=True) + bias)
    n, h, w, c = y.shape
    return y.reshape(n, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))


def detector_forward(canvases, weights):
    """The lesson's detector in NumPy, with the weights of :func:`_detector_weights`."""
    x = canvases.astype(np.float64)[..., None] / 255.0
    for channels in ((1, 16), (16, 32), (32, 64)):
        x = _conv_block(x, weights[(3, 3, *channels)], weights[(channels[1],)])
    features = x.reshape(len(x), -1)
    hidden = _relu(features @ weights[(3136, 64)] + weights[(64,)])
    return softmax(hidden @ weights[(64, 10)] + weights[(10,)]), _sigmoid(hidden @ weights[(64, 4)] + weights[(4,)])


class FunctionalTwin(probes.FunctionalTwin):
    def judge(self, inputs, evidence):
        expect.equal(self.title, "isinstance(model, keras.Sequential)", evidence["sequential"], False,
                     _("Build the model with keras.Input(...), call each layer on the previous tensor, "
                       "then keras.Model(inputs, outputs)."))
        expect.equal(self.title, _("a functional model (made by keras.Model(inputs, outputs))"),
                     evidence["functional"], True, _("Return keras.Model(inputs, outputs), not a subclass."))
        if int(evidence["calls_sequential"]):
            self.fail(_("make_functional_model() calls make_sequential_model(): build the layers yourself. "
                        "Start from keras.Input(shape=(28, 28)), call each of the five layers on the previous "
                        "tensor, then return keras.Model(inputs, outputs)."))
        hint = _("Use the same layers as make_sequential_model, in the same order: "
                 "Flatten, Rescaling(1/255), Dense(128, relu), Dense(32, relu), Dense(10, softmax).")
        layers = [kind for kind in from_json_evidence(evidence["layers"]) or []
                  if kind not in ACTIVATION_LAYERS | {"InputLayer"}]
        if {"Sequential", "Functional"} & set(layers):
            self.fail(_("the model holds a whole model as one of its layers: call the five layers themselves on "
                        "the tensors, one after the other, so that the functional model is their graph."))
        expect.equal(self.title, _("the layers after the input, in order (activation layers aside)"),
                     ", ".join(layers), ", ".join(self.layers), hint)
        expect.equal(self.title, _("the number of parameters"), evidence["params"], self.parameters, hint)
        _check_shapes(self.title, evidence, self.shapes, hint)
        expect.close(self.title, _("the output with the Sequential model's weights"), evidence["output"],
                     classifier_forward(inputs["images"], *inputs["weights"]), hint, atol=1e-5, rtol=1e-4)
        _check_training_mode(self.title, evidence["training_output"], evidence["output"])


class Detector(probes.Detector):
    def judge(self, inputs, evidence):
        names = [int(n) for n in np.asarray(evidence["names"]).ravel()]
        if not set(names) >= {0, 1}:
            self.fail(_("the outputs should be named 'class' and 'box', but they are not: give the two "
                        "last layers name='class' and name='box'."))
        if not evidence["dict"] and names != [0, 1]:
            self.fail(_("the outputs should come in the order [class, box], but box comes first: "
                        "return keras.Model(inputs, [class_output, box_output])."))
        count = len(inputs["canvases"])
        expect.shape(self.title, _("the 'class' output"), np.shape(evidence["first"]), (count, 10),
                     _("The class head ends with Dense(10, activation='softmax', name='class')."))
        expect.shape(self.title, _("the 'box' output"), np.shape(evidence["second"]), (count, 4),
                     _("The box head ends with Dense(4, activation='sigmoid', name='box')."))
        expect.close(self.title, _("the sum of each row of class probabilities"), evidence["first"].sum(axis=1),
                     np.ones(count), _("The class output needs activation='softmax'."), atol=1e-4)
        inside = bool(np.all((evidence["second"] > 0) & (evidence["second"] < 1)))
        expect.equal(self.title, _("every box number strictly between 0 and 1"), inside, True,
                     _("The box output needs activation='sigmoid'."))
        hint = _("Follow the table: Rescaling(1/255), Reshape to (56, 56, 1), three blocks of Conv2D(filters, 3, "
                 "padding='same', activation='relu') + MaxPooling2D() with 16, 32, 64 filters, Flatten, then two "
                 "heads of Dense(64, relu) each.")
        expect.equal(self.title, _("the number of parameters"), evidence["params"], self.parameters, hint)
        expect.equal(self.title, _("the weight shapes, sorted"), str(sorted(_shapes_list(evidence["shapes"]))),
                     str(sorted(DETECTOR_SHAPES)), hint)
        want_class, want_box = detector_forward(inputs["canvases"], inputs["weights"])
        expect.close(self.title, _("the class probabilities with weights set by the test"), evidence["known_first"],
                     want_class, hint, atol=1e-4, rtol=1e-3)
        expect.close(self.title, _("the boxes with weights set by the test"), evidence["known_second"], want_box,
                     hint, atol=1e-4, rtol=1e-3)
        _check_training_mode(self.title, evidence["training_first"], evidence["known_first"])
        _check_training_mode(self.title, evidence["training_second"], evidence["known_second"])


class CompileDetector(probes.CompileDetector):
    def judge(self, inputs, evidence):
        from utils.canvas import box_iou

        labels, weight = inputs["labels"], inputs["box_weight"]
        expect.equal(self.title, _("compile_detector(model, ...) returns the model it compiled"),
                     evidence["returns_model"], True, _("End with return model."))
        self._check_optimizer(evidence)
        probabilities, boxes = evidence["probabilities"], evidence["boxes"]
        crossentropy = float(np.mean(-np.log(np.clip(probabilities[np.arange(len(labels)), labels], 1e-7, 1))))
        squared_error = float(np.mean((boxes - inputs["boxes"]) ** 2))
        for metric in ("class_accuracy", "box_mean_iou"):
            if np.isnan(evidence[metric]):
                self.fail(_("evaluate reports no '{metric}' metric. "
                            "Pass metrics={{'class': 'accuracy', 'box': mean_iou}} to compile.").format(metric=metric))
        got = float(evidence["loss"])
        if np.isclose(got, crossentropy + squared_error, rtol=1e-3) and not np.isclose(weight, 1.0):
            self.fail(_("with box_weight={weight} the loss should be crossentropy + {weight} x MSE = "
                        "{wanted}, got {got}, the unweighted sum. "
                        "Pass loss_weights={{'class': 1.0, 'box': box_weight}} to compile.").format(
                weight=f"{weight:.3g}", wanted=number(significant(crossentropy + weight * squared_error, 5)),
                got=number(significant(got, 5))))
        expect.close(self.title, _("the 'class_loss' that evaluate reports"), evidence["class_loss"], crossentropy,
                     _("loss={'class': 'sparse_categorical_crossentropy', ...}: the class labels are integers."),
                     atol=1e-4, rtol=1e-3)
        expect.close(self.title, _("the 'box_loss' that evaluate reports"), evidence["box_loss"], squared_error,
                     _("loss={..., 'box': 'mse'}: the mean squared error of the four box numbers."),
                     atol=1e-5, rtol=1e-3)
        expect.close(self.title, _("the total loss with box_weight={weight}").format(weight=f"{weight:.3g}"), got,
                     crossentropy + weight * squared_error,
                     _("loss={'class': 'sparse_categorical_crossentropy', 'box': 'mse'} and "
                       "loss_weights={'class': 1.0, 'box': box_weight}."), atol=1e-4, rtol=1e-3)
        expect.close(self.title, _("the 'class_accuracy' metric"), evidence["class_accuracy"],
                     np.mean(probabilities.argmax(axis=1) == labels),
                     _("metrics={'class': 'accuracy', 'box': mean_iou}."), atol=1e-6)
        expect.close(self.title, _("the 'box_mean_iou' metric"), evidence["box_mean_iou"],
                     box_iou(boxes, inputs["boxes"]).mean(),
                     _("metrics={'class': 'accuracy', 'box': mean_iou} (the mean_iou function of the notebook)."),
                     atol=1e-4)

    def _check_optimizer(self, evidence):
        """Exactly Adam (not a subclass such as AdamW), with the learning rate 1e-3 and every other
        argument at its default: the whole of its get_config() but the display-only name."""
        hint = _("Compile with optimizer=keras.optimizers.Adam(learning_rate=1e-3), and leave its other "
                 "arguments at their defaults.")
        expect.equal(self.title, _("the optimizer's class"), str(from_json_evidence(evidence["optimizer_class"])),
                     "Adam", hint)
        expect.equal(self.title, "type(model.optimizer) is keras.optimizers.Adam", evidence["exactly_adam"], True,
                     hint)
        config = from_json_evidence(evidence["optimizer_config"])
        if not isinstance(config, dict):
            self.fail(_("model.optimizer.get_config() should be a dict, got {config}.").format(config=repr(config))
                      + " " + hint)
        wanted = keras.optimizers.Adam(learning_rate=1e-3).get_config()
        for key, value in wanted.items():
            if key == "name":
                continue
            what = _("the optimizer's {key}").format(key=key)
            if key not in config:
                self.fail(_("{what} is missing from model.optimizer.get_config().").format(what=what) + " " + hint)
            if isinstance(value, float) and isinstance(config[key], (int, float)):
                expect.close(self.title, what, config[key], value, hint, atol=0, rtol=1e-6)
            else:
                expect.equal(self.title, what, str(config[key]), str(value), hint)


class PairModel(probes.PairModel):
    def judge(self, inputs, evidence):
        params = int(evidence["params"])
        if params == 2 * 52_320 + 1_057:
            self.fail(_("the model has {params} parameters, the size of two encoders and the head: make "
                        "the encoder once and call that same encoder on both inputs ({wanted} parameters).")
                      .format(params=integer(params), wanted=integer(self.parameters)))
        if params == 52_320 + 32 * 16 + 16 + 17:
            self.fail(_("the model has {params} parameters: its head sees 32 features instead of 64. "
                        "Concatenate the two 32-number feature vectors on the last axis, "
                        "keras.layers.Concatenate(axis=-1), so that each pair gets 64 numbers.")
                      .format(params=integer(params)))
        expect.equal(self.title, _("the number of parameters"), params, self.parameters,
                     _("One encoder (52,320) and the head: Concatenate(axis=-1) of the two 32-number features, "
                       "Dense(16, relu), Dense(1, sigmoid)."))
        _check_shapes(self.title, evidence, self.encoder_shapes + self.head_shapes,
                      _("The weights should be the encoder's, then Dense(16)'s, then Dense(1)'s."))
        names = [int(n) for n in np.asarray(evidence["input_names"]).ravel()]
        if names == [probes.INPUT_CODES["right"], probes.INPUT_CODES["left"]]:
            self.fail(_("the model lists its inputs as [right, left]: whoever calls it with [left_images, "
                        "right_images], as the training cell does, gets the two images swapped. "
                        "Return keras.Model([left, right], output)."))
        expected = self.expected(inputs)
        expect.shape(self.title, _("the output for 9 pairs"), np.shape(evidence["output"]), expected.shape,
                     _("One probability per pair: concatenate the features on the last axis (axis=-1)."))
        if not np.allclose(evidence["output"], self.expected(inputs, swapped=True), atol=1e-5, rtol=1e-4):
            # features concatenated as [right, left] are just as good
            expect.close(self.title, _("the output with the same weights in both branches"), evidence["output"],
                         expected, _("Call one encoder on both inputs, concatenate [left, right] on axis=-1, then "
                                     "Dense(16, relu) and Dense(1, sigmoid)."), atol=1e-5, rtol=1e-4)
        _check_training_mode(self.title, evidence["training_output"], evidence["output"])

