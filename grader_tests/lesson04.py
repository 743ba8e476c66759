"""Hidden tests of lesson 04, the functional API.

Each probe builds the student's model (and gives it weights the checks
chose) or compiles a small model with the student's function, and records
outputs and losses on inputs the student never saw; each judge recomputes in
plain NumPy what the exercise's model should give. Every check depends on one
answer cell only, so a mistake in one exercise costs the points of that
exercise alone.
"""
import keras
import numpy as np

from grader_tests import expect
from grader_tests.exercise import Exercise
from grader_tests.numpy_ops import softmax

OUTPUT_CODES = {"class": 0, "box": 1}  # output names, as numbers for the evidence


def _relu(x):
    return np.maximum(x, 0.0)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _random_weights(rng, shapes, scale=0.2):
    return [rng.normal(scale=scale, size=shape).astype("float32") for shape in shapes]


def _weight_shapes(model):
    """All weight shapes as one flat int array: rank, then the dimensions, for each weight."""
    flat = []
    for weight in model.weights:
        flat += [len(weight.shape), *weight.shape]
    return np.array(flat, dtype=np.int64)


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


def _probe_with_weights(model, weights, model_inputs):
    """Load ``weights`` into the model when their shapes fit, and record its output on ``model_inputs``."""
    evidence = {"params": model.count_params(), "shapes": _weight_shapes(model)}
    if [tuple(w.shape) for w in model.weights] == [w.shape for w in weights]:
        model.set_weights(weights)
        evidence["output"] = model(model_inputs)
    return evidence


def _check_shapes(title, evidence, shapes, hint):
    expect.equal(title, "the weight shapes", _shapes_text(evidence["shapes"]), str(list(shapes)), hint)


def _canvases(rng, count):
    """Random-noise items (with blank margins) pasted on 56 x 56 canvases, and their boxes."""
    from utils.canvas import place_on_canvas

    items = rng.integers(1, 256, size=(count, 28, 28), dtype=np.uint8)
    for item in items:
        top, left = rng.integers(0, 8, size=2)
        bottom, right = 28 - rng.integers(0, 8, size=2)
        item[:top], item[bottom:], item[:, :left], item[:, right:] = 0, 0, 0, 0
    return place_on_canvas(items, seed=rng)


def _by_name(outputs):
    """A detector's outputs as ``(first, second, is_dict)``: by position for a list, by key for a dict."""
    if isinstance(outputs, dict):
        missing = np.full((1,), np.nan)
        return outputs.get("class", missing), outputs.get("box", missing), True
    outputs = list(outputs)
    while len(outputs) < 2:
        outputs.append(np.full((1,), np.nan))
    return outputs[0], outputs[1], False


# ---------------------------------------------------------------------------
# Exercise 1: the Sequential classifier rewritten with the functional API.

def classifier_forward(images, kernel1, bias1, kernel2, bias2, kernel3, bias3):
    """The lesson's classifier in NumPy: flatten, /255, Dense(128, relu), Dense(32, relu), Dense(10, softmax)."""
    hidden = _relu(images.reshape(len(images), -1) / 255.0 @ kernel1 + bias1)
    hidden = _relu(hidden @ kernel2 + bias2)
    return softmax(hidden @ kernel3 + bias3)


class FunctionalTwin(Exercise):
    key = "functional_twin"
    title = "Exercise 1 (functional twin)"
    shapes = ((784, 128), (128,), (128, 32), (32,), (32, 10), (10,))
    parameters = 104_938

    def inputs(self, rng):
        return {"images": rng.integers(0, 256, size=(12, 28, 28), dtype=np.uint8),
                "weights": _random_weights(rng, self.shapes, scale=0.1)}

    def probe(self, inputs, make_functional_model):
        model = make_functional_model()
        evidence = _probe_with_weights(model, inputs["weights"], inputs["images"])
        evidence["sequential"] = isinstance(model, keras.Sequential)
        evidence["functional"] = type(model).__name__ == "Functional"
        return evidence

    def judge(self, inputs, evidence):
        expect.equal(self.title, "isinstance(model, keras.Sequential)", evidence["sequential"], False,
                     "Build the model with keras.Input(...), call each layer on the previous tensor, "
                     "then keras.Model(inputs, outputs).")
        expect.equal(self.title, "a functional model (made by keras.Model(inputs, outputs))",
                     evidence["functional"], True, "Return keras.Model(inputs, outputs), not a subclass.")
        hint = "Use the same layers as make_sequential_model, in the same order: " \
               "Flatten, Rescaling(1/255), Dense(128, relu), Dense(32, relu), Dense(10, softmax)."
        expect.equal(self.title, "the number of parameters", evidence["params"], self.parameters, hint)
        _check_shapes(self.title, evidence, self.shapes, hint)
        expect.close(self.title, "the output with the Sequential model's weights", evidence["output"],
                     classifier_forward(inputs["images"], *inputs["weights"]), hint, atol=1e-5, rtol=1e-4)


# ---------------------------------------------------------------------------
# Exercise 3: the detector's architecture (outputs, names, shapes, activations).

DETECTOR_SHAPES = ((3, 3, 1, 16), (16,), (3, 3, 16, 32), (32,), (3, 3, 32, 64), (64,),
                   (3136, 64), (64,), (64, 10), (10,), (3136, 64), (64,), (64, 4), (4,))


def _detector_weights(rng):
    """One value per distinct weight shape of the detector, scaled so that activations stay near 1.

    Weights of equal shape get equal values (the two heads' Dense(64), and the
    last convolution's bias with their biases), so they can be given by shape
    whatever order the model made its layers in.
    """
    weights = {}
    for shape in DETECTOR_SHAPES:
        fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
        weights[shape] = rng.normal(scale=np.sqrt(2.0 / fan_in) if len(shape) > 1 else 0.1,
                                    size=shape).astype("float32")
    return weights


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


class Detector(Exercise):
    key = "detector"
    title = "Exercise 3 (detector architecture)"
    parameters = 425_742

    def inputs(self, rng):
        canvases, _ = _canvases(rng, 10)
        canvases[0] = 255  # a saturated canvas pushes a box head without sigmoid far outside [0, 1]
        return {"canvases": canvases, "weights": _detector_weights(rng)}

    def probe(self, inputs, make_detector):
        model = make_detector()
        first, second, is_dict = _by_name(model(inputs["canvases"]))
        evidence = {
            "params": model.count_params(),
            "names": [OUTPUT_CODES.get(name, -1) for name in model.output_names],
            "dict": is_dict,
            "first": first,
            "second": second,
            "shapes": _weight_shapes(model),
        }
        if sorted(tuple(w.shape) for w in model.weights) == sorted(DETECTOR_SHAPES):
            for weight in model.weights:
                weight.assign(inputs["weights"][tuple(weight.shape)])
            evidence["known_first"], evidence["known_second"], _ = _by_name(model(inputs["canvases"]))
        return evidence

    def judge(self, inputs, evidence):
        names = [int(n) for n in np.asarray(evidence["names"]).ravel()]
        if not set(names) >= {0, 1}:
            self.fail("the outputs should be named 'class' and 'box', but they are not: give the two "
                      "last layers name='class' and name='box'.")
        if not evidence["dict"] and names != [0, 1]:
            self.fail("the outputs should come in the order [class, box], but box comes first: "
                      "return keras.Model(inputs, [class_output, box_output]).")
        count = len(inputs["canvases"])
        expect.shape(self.title, "the 'class' output", np.shape(evidence["first"]), (count, 10),
                     "The class head ends with Dense(10, activation='softmax', name='class').")
        expect.shape(self.title, "the 'box' output", np.shape(evidence["second"]), (count, 4),
                     "The box head ends with Dense(4, activation='sigmoid', name='box').")
        expect.close(self.title, "the sum of each row of class probabilities", evidence["first"].sum(axis=1),
                     np.ones(count), "The class output needs activation='softmax'.", atol=1e-4)
        inside = bool(np.all((evidence["second"] > 0) & (evidence["second"] < 1)))
        expect.equal(self.title, "every box number strictly between 0 and 1", inside, True,
                     "The box output needs activation='sigmoid'.")
        hint = ("Follow the table: Rescaling(1/255), Reshape to (56, 56, 1), three blocks of Conv2D(filters, 3, "
                "padding='same', activation='relu') + MaxPooling2D() with 16, 32, 64 filters, Flatten, then two "
                "heads of Dense(64, relu) each.")
        expect.equal(self.title, "the number of parameters", evidence["params"], self.parameters, hint)
        expect.equal(self.title, "the weight shapes, sorted", str(sorted(_shapes_list(evidence["shapes"]))),
                     str(sorted(DETECTOR_SHAPES)), hint)
        want_class, want_box = detector_forward(inputs["canvases"], inputs["weights"])
        expect.close(self.title, "the class probabilities with weights set by the test", evidence["known_first"],
                     want_class, hint, atol=1e-4, rtol=1e-3)
        expect.close(self.title, "the boxes with weights set by the test", evidence["known_second"], want_box,
                     hint, atol=1e-4, rtol=1e-3)


# ---------------------------------------------------------------------------
# Exercise 4: compiling the detector with a dict of losses, loss weights and metrics.

def _small_detector():
    """A small model with the detector's two outputs, so that this check does not depend on exercise 3."""
    inputs = keras.Input(shape=(56, 56))
    features = keras.layers.Flatten()(keras.layers.Rescaling(1 / 255)(inputs))
    class_output = keras.layers.Dense(10, activation="softmax", name="class")(features)
    box_output = keras.layers.Dense(4, activation="sigmoid", name="box")(features)
    return keras.Model(inputs, [class_output, box_output])


class CompileDetector(Exercise):
    key = "compile_detector"
    title = "Exercise 4 (compile the detector)"

    def inputs(self, rng):
        canvases, boxes = _canvases(rng, 24)
        return {"canvases": canvases, "boxes": boxes, "labels": rng.integers(0, 10, size=24),
                "box_weight": float(rng.uniform(3.0, 30.0))}

    def probe(self, inputs, compile_detector):
        model = _small_detector()
        returned = compile_detector(model, box_weight=inputs["box_weight"])
        optimizer = model.optimizer
        learning_rate = getattr(optimizer, "learning_rate", np.nan)
        count = len(inputs["labels"])
        targets = {"class": inputs["labels"], "box": inputs["boxes"]}
        results = model.evaluate(inputs["canvases"], targets, batch_size=count, verbose=0, return_dict=True)
        probabilities, boxes, _ = _by_name(model.predict(inputs["canvases"], batch_size=count, verbose=0))
        return {
            "returns_model": returned is model,
            "adam": isinstance(optimizer, keras.optimizers.Adam),
            "learning_rate": keras.ops.convert_to_numpy(learning_rate),
            "loss": results.get("loss", np.nan),
            "class_accuracy": results.get("class_accuracy", np.nan),
            "box_mean_iou": results.get("box_mean_iou", np.nan),
            "probabilities": probabilities,
            "boxes": boxes,
        }

    def judge(self, inputs, evidence):
        from utils.canvas import box_iou

        labels, weight = inputs["labels"], inputs["box_weight"]
        expect.equal(self.title, "compile_detector(model, ...) returns the model it compiled",
                     evidence["returns_model"], True, "End with return model.")
        expect.equal(self.title, "isinstance(model.optimizer, keras.optimizers.Adam)", evidence["adam"], True,
                     "Compile with optimizer=keras.optimizers.Adam(learning_rate=1e-3).")
        expect.close(self.title, "the optimizer's learning rate", evidence["learning_rate"], 1e-3,
                     "Compile with optimizer=keras.optimizers.Adam(learning_rate=1e-3).", atol=0, rtol=1e-6)
        probabilities, boxes = evidence["probabilities"], evidence["boxes"]
        crossentropy = float(np.mean(-np.log(np.clip(probabilities[np.arange(len(labels)), labels], 1e-7, 1))))
        squared_error = float(np.mean((boxes - inputs["boxes"]) ** 2))
        for metric in ("class_accuracy", "box_mean_iou"):
            if np.isnan(evidence[metric]):
                self.fail(f"evaluate reports no '{metric}' metric. "
                          "Pass metrics={'class': 'accuracy', 'box': mean_iou} to compile.")
        got = float(evidence["loss"])
        if np.isclose(got, crossentropy + squared_error, rtol=1e-3) and not np.isclose(weight, 1.0):
            self.fail(f"with box_weight={weight:.3g} the loss should be crossentropy + {weight:.3g} x MSE = "
                      f"{crossentropy + weight * squared_error:.5g}, got {got:.5g}, the unweighted sum. "
                      "Pass loss_weights={'class': 1.0, 'box': box_weight} to compile.")
        expect.close(self.title, f"the total loss with box_weight={weight:.3g}", got,
                     crossentropy + weight * squared_error,
                     "loss={'class': 'sparse_categorical_crossentropy', 'box': 'mse'} and "
                     "loss_weights={'class': 1.0, 'box': box_weight}.", atol=1e-4, rtol=1e-3)
        expect.close(self.title, "the 'class_accuracy' metric", evidence["class_accuracy"],
                     np.mean(probabilities.argmax(axis=1) == labels),
                     "metrics={'class': 'accuracy', 'box': mean_iou}.", atol=1e-6)
        expect.close(self.title, "the 'box_mean_iou' metric", evidence["box_mean_iou"],
                     box_iou(boxes, inputs["boxes"]).mean(),
                     "metrics={'class': 'accuracy', 'box': mean_iou} (the mean_iou function of the notebook).",
                     atol=1e-4)


# ---------------------------------------------------------------------------
# Exercise 2: two inputs, one shared encoder, "same class?".

def encoder_forward(images, kernel1, bias1, kernel2, bias2):
    """The lesson's encoder in NumPy: flatten, /255, Dense(64, relu), Dense(32, relu)."""
    hidden = _relu(images.reshape(len(images), -1) / 255.0 @ kernel1 + bias1)
    return _relu(hidden @ kernel2 + bias2)


class PairModel(Exercise):
    key = "pair_model"
    title = "Exercise 2 (two inputs, one shared encoder)"
    encoder_shapes = ((784, 64), (64,), (64, 32), (32,))
    head_shapes = ((64, 16), (16,), (16, 1), (1,))
    parameters = 52_320 + 1_057  # one encoder + the head

    def inputs(self, rng):
        shapes = self.encoder_shapes + self.head_shapes
        return {"left": rng.integers(0, 256, size=(9, 28, 28), dtype=np.uint8),
                "right": rng.integers(0, 256, size=(9, 28, 28), dtype=np.uint8),
                "weights": _random_weights(rng, shapes, scale=0.15)}

    def probe(self, inputs, make_pair_model):
        try:
            model = make_pair_model()
        except ValueError as error:
            if "used 2 times" not in str(error):
                raise
            self.fail(f"building the model raised ValueError: {error} Two layers with one name usually mean "
                      "make_encoder() was called twice: make the encoder once and call it on both inputs.")
        return _probe_with_weights(model, inputs["weights"], [inputs["left"], inputs["right"]])

    def expected(self, inputs, swapped=False):
        weights = inputs["weights"]
        left = encoder_forward(inputs["left"], *weights[:4])
        right = encoder_forward(inputs["right"], *weights[:4])
        features = np.concatenate([right, left] if swapped else [left, right], axis=-1)
        hidden = _relu(features @ weights[4] + weights[5])
        return _sigmoid(hidden @ weights[6] + weights[7])

    def judge(self, inputs, evidence):
        params = int(evidence["params"])
        if params == 2 * 52_320 + 1_057:
            self.fail(f"the model has {params:,} parameters, the size of two encoders and the head: make "
                      f"the encoder once and call that same encoder on both inputs ({self.parameters:,} "
                      "parameters).")
        if params == 52_320 + 32 * 16 + 16 + 17:
            self.fail(f"the model has {params:,} parameters: its head sees 32 features instead of 64. "
                      "Concatenate the two 32-number feature vectors on the last axis, "
                      "keras.layers.Concatenate(axis=-1), so that each pair gets 64 numbers.")
        expect.equal(self.title, "the number of parameters", params, self.parameters,
                     "One encoder (52,320) and the head: Concatenate(axis=-1) of the two 32-number features, "
                     "Dense(16, relu), Dense(1, sigmoid).")
        _check_shapes(self.title, evidence, self.encoder_shapes + self.head_shapes,
                      "The weights should be the encoder's, then Dense(16)'s, then Dense(1)'s.")
        expected = self.expected(inputs)
        expect.shape(self.title, "the output for 9 pairs", np.shape(evidence["output"]), expected.shape,
                     "One probability per pair: concatenate the features on the last axis (axis=-1).")
        if np.allclose(evidence["output"], self.expected(inputs, swapped=True), atol=1e-5, rtol=1e-4):
            return  # features concatenated as [right, left]: just as good
        expect.close(self.title, "the output with the same weights in both branches", evidence["output"], expected,
                     "Call one encoder on both inputs, concatenate [left, right] on axis=-1, then "
                     "Dense(16, relu) and Dense(1, sigmoid).", atol=1e-5, rtol=1e-4)


functional_twin = FunctionalTwin()
detector = Detector()
compile_detector = CompileDetector()
pair_model = PairModel()
