"""Hidden tests of lesson 04, the functional API.

Each probe builds the student's model (and gives it weights the checks
chose) or compiles a small model with the student's function, and records
outputs and losses on inputs the student never saw; each judge recomputes in
plain NumPy what the exercise's model should give. Every check depends on one
answer cell only, so a mistake in one exercise costs the points of that
exercise alone.
"""
import contextlib

import keras
import numpy as np

from grader_tests.exercise import Exercise, json_evidence
from utils.i18n import N_, _

OUTPUT_CODES = {"class": 0, "box": 1}  # output names, as numbers for the evidence
INPUT_CODES = {"left": 0, "right": 1}  # the pair model's input names, as numbers for the evidence


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


def _keras_kind(layer):
    """The name of the Keras class ``layer`` is or derives from: a student's subclass of Dense is a Dense."""
    return next(kind.__name__ for kind in type(layer).__mro__ if kind.__module__.startswith("keras."))


def _probe_with_weights(model, weights, model_inputs):
    """Load ``weights`` into the model when their shapes fit, and record its output on ``model_inputs``,
    in inference and in training mode (the lesson's models have no layer that acts only in training)."""
    evidence = {"params": model.count_params(), "shapes": _weight_shapes(model)}
    if [tuple(w.shape) for w in model.weights] == [w.shape for w in weights]:
        model.set_weights(weights)
        evidence["output"] = model(model_inputs)
        evidence["training_output"] = model(model_inputs, training=True)
    return evidence


@contextlib.contextmanager
def _calls_to(function, name):
    """Record, while the block runs, each call to the notebook's function ``name`` (one that ``function``
    finds among its globals): the list the block gets grows by one item per call."""
    namespace, calls = getattr(function, "__globals__", {}), []
    original = namespace.get(name)
    if callable(original):
        def counted(*args, **kwargs):
            calls.append(name)
            return original(*args, **kwargs)
        namespace[name] = counted
    try:
        yield calls
    finally:
        if callable(original):
            namespace[name] = original


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


class FunctionalTwin(Exercise):
    key = "functional_twin"
    title = N_("Exercise 1 (functional twin)")
    layers = ("Flatten", "Rescaling", "Dense", "Dense", "Dense")  # the Sequential model's, after its input
    shapes = ((784, 128), (128,), (128, 32), (32,), (32, 10), (10,))
    parameters = 104_938

    def inputs(self, rng):
        return {"images": rng.integers(0, 256, size=(12, 28, 28), dtype=np.uint8),
                "weights": _random_weights(rng, self.shapes, scale=0.1)}

    def probe(self, inputs, make_functional_model):
        with _calls_to(make_functional_model, "make_sequential_model") as calls:
            model = make_functional_model()
        evidence = _probe_with_weights(model, inputs["weights"], inputs["images"])
        evidence["sequential"] = isinstance(model, keras.Sequential)
        evidence["functional"] = type(model).__name__ == "Functional"
        evidence["calls_sequential"] = len(calls)
        evidence["layers"] = json_evidence([_keras_kind(layer) for layer in model.layers])
        return evidence


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


class Detector(Exercise):
    key = "detector"
    title = N_("Exercise 3 (detector architecture)")
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
            evidence["training_first"], evidence["training_second"], _ = _by_name(
                model(inputs["canvases"], training=True))
        return evidence


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
    title = N_("Exercise 4 (compile the detector)")

    def inputs(self, rng):
        canvases, boxes = _canvases(rng, 24)
        # A box weight at least 0.25 from any whole number, so that a weight fixed at 10 (or 5) never matches.
        box_weight = float(rng.integers(3, 30) + rng.uniform(0.25, 0.75))
        return {"canvases": canvases, "boxes": boxes, "labels": rng.integers(0, 10, size=24),
                "box_weight": box_weight}

    def probe(self, inputs, compile_detector):
        model = _small_detector()
        returned = compile_detector(model, box_weight=inputs["box_weight"])
        optimizer = model.optimizer
        count = len(inputs["labels"])
        targets = {"class": inputs["labels"], "box": inputs["boxes"]}
        results = model.evaluate(inputs["canvases"], targets, batch_size=count, verbose=0, return_dict=True)
        probabilities, boxes, _ = _by_name(model.predict(inputs["canvases"], batch_size=count, verbose=0))
        return {
            "returns_model": returned is model,
            "optimizer_class": json_evidence(type(optimizer).__name__),
            "exactly_adam": type(optimizer) is keras.optimizers.Adam,
            "optimizer_config": json_evidence(optimizer.get_config() if optimizer is not None else None),
            "loss": results.get("loss", np.nan),
            "class_loss": results.get("class_loss", np.nan),
            "box_loss": results.get("box_loss", np.nan),
            "class_accuracy": results.get("class_accuracy", np.nan),
            "box_mean_iou": results.get("box_mean_iou", np.nan),
            "probabilities": probabilities,
            "boxes": boxes,
        }


# ---------------------------------------------------------------------------
# Exercise 2: two inputs, one shared encoder, "same class?".

def encoder_forward(images, kernel1, bias1, kernel2, bias2):
    """The lesson's encoder in NumPy: flatten, /255, Dense(64, relu), Dense(32, relu)."""
    hidden = _relu(images.reshape(len(images), -1) / 255.0 @ kernel1 + bias1)
    return _relu(hidden @ kernel2 + bias2)


class PairModel(Exercise):
    key = "pair_model"
    title = N_("Exercise 2 (two inputs, one shared encoder)")
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
            self.fail(_("building the model raised ValueError: {error} Two layers with one name usually mean "
                        "make_encoder() was called twice: make the encoder once and call it on both inputs.")
                      .format(error=error))
        evidence = _probe_with_weights(model, inputs["weights"], [inputs["left"], inputs["right"]])
        evidence["input_names"] = [INPUT_CODES.get(tensor.name, -1) for tensor in getattr(model, "inputs", [])]
        return evidence

    def expected(self, inputs, swapped=False):
        weights = inputs["weights"]
        left = encoder_forward(inputs["left"], *weights[:4])
        right = encoder_forward(inputs["right"], *weights[:4])
        features = np.concatenate([right, left] if swapped else [left, right], axis=-1)
        hidden = _relu(features @ weights[4] + weights[5])
        return _sigmoid(hidden @ weights[6] + weights[7])


functional_twin = FunctionalTwin()
detector = Detector()
compile_detector = CompileDetector()
pair_model = PairModel()
