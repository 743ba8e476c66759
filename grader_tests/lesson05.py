"""Hidden tests of lesson 05, the siamese network (graded assignment).

Most checks run the student's piece inside a small *trusted* network whose
weights come from the inputs, so that the judge can recompute every number
in NumPy, and so that a mistake in one exercise does not cost the points of
another. The exceptions say so in their docstrings.
"""
import keras
import numpy as np
import tensorflow as tf
from keras import ops

from grader_tests import expect
from grader_tests.exercise import LOSS_BASE, Exercise, config_evidence

EPSILON = 1e-7
DEFAULT_UNITS = 128
ENCODER_PARAMETERS = 133_504


# ---------------------------------------------------------------- trusted pieces

def contrastive(labels, distances, margin):
    """The contrastive loss with label 1 = same class, in NumPy."""
    y, d = np.ravel(labels).astype(np.float64), np.ravel(distances).astype(np.float64)
    return float(np.mean(y * d ** 2 + (1 - y) * np.maximum(margin - d, 0.0) ** 2))


def np_distances(first, second, weights):
    """Distances that the trusted siamese network of :func:`trusted_siamese` gives, in NumPy."""
    def encode(x):
        hidden = np.maximum(x @ weights[0] + weights[1], 0.0)
        return np.maximum(hidden @ weights[2] + weights[3], 0.0)
    squared = np.sum((encode(first) - encode(second)) ** 2, axis=-1)
    return np.sqrt(np.maximum(squared, EPSILON))


class TrustedDistance(keras.layers.Layer):
    def call(self, inputs):
        u, v = inputs
        return ops.sqrt(ops.maximum(ops.sum(ops.square(u - v), axis=-1), EPSILON))


class TrustedContrastive(keras.losses.Loss):
    def __init__(self, margin=1.0):
        super().__init__(name="trusted_contrastive")
        self.margin = margin

    def call(self, y_true, y_pred):
        y_pred = ops.reshape(y_pred, (-1,))
        y_true = ops.reshape(ops.cast(y_true, y_pred.dtype), (-1,))
        return y_true * ops.square(y_pred) + (1 - y_true) * ops.square(ops.maximum(self.margin - y_pred, 0.0))


def trusted_weights(rng, features, hidden=8, embedding=4):
    return [rng.normal(0, 0.6, size=(features, hidden)).astype("float32"),
            rng.uniform(0.0, 0.2, size=hidden).astype("float32"),
            rng.normal(0, 0.6, size=(hidden, embedding)).astype("float32"),
            rng.uniform(0.1, 0.3, size=embedding).astype("float32")]


def trusted_siamese(weights):
    """A tiny siamese network (two Dense relu layers, shared) with the given weights, no dropout.

    The last layer has a relu, as in the lesson's encoder: without it, its
    bias would cancel in u - v, get a zero gradient, and never change.
    """
    features, hidden = weights[0].shape
    encoder = keras.Sequential([keras.Input(shape=(features,)), keras.layers.Dense(hidden, activation="relu"),
                                keras.layers.Dense(weights[2].shape[1], activation="relu")])
    encoder.set_weights(weights)
    first, second = keras.Input(shape=(features,)), keras.Input(shape=(features,))
    return keras.Model([first, second], TrustedDistance()([encoder(first), encoder(second)]))


def trusted_train_step(model, optimizer, loss_fn):
    @tf.function
    def train_step(x_pair, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x_pair, training=True))
        gradients = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(gradients, model.trainable_weights))
        return loss
    return train_step


def random_pairs(rng, count, features):
    pairs = rng.uniform(0, 1, size=(count, 2, features)).astype("float32")
    labels = np.tile([1.0, 0.0], count // 2 + 1)[:count].astype("float32")
    return pairs, labels


def _weights_of(evidence, prefix, count=4):
    return [evidence[f"{prefix}{i}"] for i in range(count)]


# ---------------------------------------------------------------- exercises

class ClassIndices(Exercise):
    key = "class_indices"
    title = "Exercise 1 (class indices)"

    def inputs(self, rng):
        labels = np.concatenate([np.arange(10), rng.integers(0, 10, size=47)])
        # labels that miss two classes (always 9, and one more): their arrays must be there, empty
        missing = rng.integers(0, 9)
        kept = np.array([c for c in range(10) if c not in (missing, 9)])
        return {"labels": rng.permutation(labels).astype(np.uint8),
                "partial": rng.choice(kept, size=23).astype(np.uint8)}

    def probe(self, inputs, make_class_indices):
        evidence = {}
        for case in ("labels", "partial"):
            indices = make_class_indices(inputs[case])
            evidence.update({f"{case}_count": len(indices),
                             f"{case}_lengths": [np.size(a) for a in indices],
                             f"{case}_ndims": [np.ndim(a) for a in indices],
                             f"{case}_flat": np.concatenate([np.ravel(a) for a in indices]).astype(np.int64)})
        return evidence

    def judge(self, inputs, evidence):
        for case, what in (("labels", "labels of every class"), ("partial", "labels that miss some classes")):
            y = inputs[case]
            expect.equal(self.title, f"the number of index arrays for {what}", evidence[f"{case}_count"], 10,
                         "One array per class, 0 to 9, even for a class that has no item: range(10), not the "
                         "classes found in y.")
            expect.equal(self.title, "the number of dimensions of each array", evidence[f"{case}_ndims"], [1] * 10,
                         "np.where(y == c) returns a tuple: take its first element, np.where(y == c)[0].")
            expect.equal(self.title, f"the sizes of the arrays for {what}", evidence[f"{case}_lengths"],
                         np.bincount(y, minlength=10), "Array c holds the positions of every item of class c.")
            expect.equal(self.title, f"the indices, class after class, for {what}", evidence[f"{case}_flat"],
                         np.concatenate([np.where(y == c)[0] for c in range(10)]),
                         "Array c should be np.where(y == c)[0], in increasing order.")


class CreatePairs(Exercise):
    key = "create_pairs"
    title = "Exercise 2 (create_pairs)"

    def inputs(self, rng):
        labels = np.concatenate([np.repeat(np.arange(10), 5), rng.integers(0, 10, size=30)])
        labels = rng.permutation(labels)
        x = np.stack([np.arange(len(labels)), rng.uniform(0, 1, len(labels)), labels], axis=1).astype("float32")
        return {"labels": labels, "x": x}

    def probe(self, inputs, create_pairs):
        x, y = inputs["x"], inputs["labels"]
        indices = [np.where(y == c)[0] for c in range(10)]
        np.random.seed(1)
        pairs, labels = create_pairs(x, indices, np.random.default_rng(7))
        np.random.seed(2)
        again, _ = create_pairs(x, indices, np.random.default_rng(7))
        other, _ = create_pairs(x, indices, np.random.default_rng(8))
        return {"pairs": pairs, "labels": labels, "again": again, "other": other}

    def judge(self, inputs, evidence):
        x, y = inputs["x"], inputs["labels"]
        indices = [np.where(y == c)[0] for c in range(10)]
        n = min(len(i) for i in indices) - 1
        pairs = evidence["pairs"]
        expect.shape(self.title, "the pairs", np.shape(pairs), (20 * n, 2, x.shape[1]),
                     f"With n = (smallest class size - 1) = {n}, there are 2 pairs per item: 20 * n in all, "
                     "each of shape (2, features).")
        expect.equal(self.title, "the labels", np.ravel(evidence["labels"]), np.tile([1, 0], 10 * n),
                     "Labels alternate 1 (same class), 0 (different classes), starting with 1.")
        ids = np.rint(pairs[:, :, 0]).astype(int)
        expect.close(self.title, "the images in the pairs", pairs, x[ids],
                     "Each pair holds two rows of x, unchanged.")
        positives, negatives = ids[0::2], ids[1::2]
        want_positive = np.array([(indices[d][i], indices[d][i + 1]) for d in range(10) for i in range(n)])
        expect.equal(self.title, "the positive pairs (as positions in x)", positives, want_positive,
                     "For class d and i < n, the positive pair is (item i of d, item i + 1 of d), "
                     "looping over d first, then i.")
        expect.equal(self.title, "the first image of each negative pair", negatives[:, 0], want_positive[:, 0],
                     "The negative pair starts with item i of class d, like the positive one.")
        partner_class = y[negatives[:, 1]]
        own_class = np.repeat(np.arange(10), n)
        expect.equal(self.title, "negative pairs of two different classes", bool(np.all(partner_class != own_class)),
                     True, "Pick the other class as (d + rng.integers(1, 10)) % 10, never d itself.")
        position = np.array([np.searchsorted(indices[c], j) for c, j in zip(partner_class, negatives[:, 1])])
        expect.equal(self.title, "the position of the second image in its class", position, np.tile(np.arange(n), 10),
                     "The second image of a negative pair is item i of the other class.")
        expect.equal(self.title, "pairs from two calls with the same rng seed are identical",
                     bool(np.array_equal(pairs, evidence["again"])), True,
                     "Draw random numbers from the rng argument only, never from np.random.")
        expect.equal(self.title, "a different rng gives different negative pairs",
                     bool(np.array_equal(pairs, evidence["other"])), False,
                     "The other class must be drawn at random, with the rng argument.")


class ContrastiveLoss(Exercise):
    key = "contrastive_loss"
    title = "Exercise 3 (ContrastiveLoss)"
    margins = (1.0, 1.7)

    def inputs(self, rng):
        return {"labels": rng.integers(0, 2, size=16).astype("float32"),
                "distances": rng.uniform(0.0, 2.5, size=16).astype("float32")}

    def probe(self, inputs, loss_class):
        y, d = inputs["labels"], inputs["distances"]
        evidence = {"is_loss": isinstance(loss_class(), keras.losses.Loss), "default": loss_class()(y, d)}
        for k, margin in enumerate(self.margins):
            loss = loss_class(margin=margin)
            evidence[f"flat{k}"] = loss(y, d)
            evidence[f"column{k}"] = loss(y, d[:, None])
            evidence[f"label_column{k}"] = loss(y[:, None], d)
            evidence[f"margin{k}"] = loss.margin
            evidence[f"config{k}"] = loss_class.from_config(loss.get_config())(y, d)
        evidence.update(config_evidence(loss_class, margin=self.margins[1], base=LOSS_BASE))
        return evidence

    def judge(self, inputs, evidence):
        y, d = inputs["labels"], inputs["distances"]
        expect.equal(self.title, "isinstance(loss, keras.losses.Loss)", evidence["is_loss"], True,
                     "Subclass keras.losses.Loss.")
        for k, margin in enumerate(self.margins):
            want = contrastive(y, d, margin)
            hint = ("Per pair: y * d**2 + (1 - y) * max(margin - d, 0)**2 with y = 1 for the same class; "
                    "return one value per pair and let Keras average them.")
            expect.close(self.title, f"the loss with margin {margin}", evidence[f"flat{k}"], want, hint)
            expect.close(self.title, f"the loss with margin {margin} when the distances have shape (n, 1)",
                         evidence[f"column{k}"], want,
                         "Flatten y_true and y_pred to shape (n,) first, so that they cannot broadcast "
                         "into an (n, n) matrix.")
            expect.close(self.title, f"the loss with margin {margin} when the labels have shape (n, 1)",
                         evidence[f"label_column{k}"], want,
                         "Flatten y_true to shape (n,) too (and cast it to the distances' dtype), so that labels "
                         "of shape (n, 1) cannot broadcast with the distances into an (n, n) matrix.")
            expect.close(self.title, "loss.margin", evidence[f"margin{k}"], margin, "Keep the margin as self.margin.")
            expect.close(self.title, "the loss rebuilt from get_config()", evidence[f"config{k}"], want,
                         "get_config() should return the parent's config plus 'margin'.")
        expect.close(self.title, "the loss with the default margin", evidence["default"], contrastive(y, d, 1.0),
                     "The default margin is 1.0.")
        expect.config_round_trip(self.title, evidence, {"margin": self.margins[1]}, base=LOSS_BASE)


class Encoder(Exercise):
    key = "encoder"
    title = "Exercise 4 (encoder)"

    def inputs(self, rng):
        return {"x": rng.uniform(0, 1, size=(5, 784)).astype("float32")}

    def probe(self, inputs, make_encoder):
        encoder = make_encoder()
        small = make_encoder(units=32, dropout=0.25)
        dropouts = [layer for layer in encoder._flatten_layers(include_self=False)
                    if isinstance(layer, keras.layers.Dropout)]
        small_dropouts = [layer for layer in small._flatten_layers(include_self=False)
                          if isinstance(layer, keras.layers.Dropout)]
        evidence = {"params": encoder.count_params(), "small_params": small.count_params(),
                    "output": encoder(inputs["x"], training=False),
                    "training_output": encoder(inputs["x"], training=True),
                    "dropouts": len(dropouts), "rates": [float(layer.rate) for layer in dropouts],
                    "small_rates": [float(layer.rate) for layer in small_dropouts],
                    "weight_count": len(encoder.weights)}
        for i, weight in enumerate(encoder.weights):
            evidence[f"weight{i}"] = weight
        return evidence

    def judge(self, inputs, evidence):
        hint = "Dense(128, relu), Dropout, Dense(128, relu), Dropout, Dense(128, relu) on 784 inputs."
        expect.equal(self.title, "the number of parameters", evidence["params"], ENCODER_PARAMETERS, hint)
        expect.equal(self.title, "the number of weight tensors", evidence["weight_count"], 6, hint)
        weights = _weights_of(evidence, "weight", 6)
        expect.equal(self.title, "the weight shapes", str([w.shape for w in weights]),
                     str([(784, 128), (128,), (128, 128), (128,), (128, 128), (128,)]), hint)
        h = inputs["x"]
        for kernel, bias in zip(weights[0::2], weights[1::2]):
            h = np.maximum(h @ kernel + bias, 0.0)
        expect.close(self.title, "the embeddings (inference mode)", evidence["output"], h,
                     "Every Dense layer uses activation='relu', the last one too.", atol=1e-4, rtol=1e-3)
        expect.equal(self.title, "the number of Dropout layers", evidence["dropouts"], 2,
                     "One Dropout after each of the first two Dense layers.")
        expect.equal(self.title, "dropout changes the output in training mode",
                     bool(not np.allclose(evidence["training_output"], evidence["output"])), True,
                     "Give the Dropout layers a rate above 0.")
        expect.equal(self.title, "the parameters of make_encoder(units=32, dropout=0.25)",
                     evidence["small_params"], 784 * 32 + 32 + 2 * (32 * 32 + 32),
                     "Use the units argument for all three Dense layers.")
        expect.close(self.title, "the dropout rates of make_encoder(units=32, dropout=0.25)",
                     evidence["small_rates"], [0.25, 0.25], "Use the dropout argument as the rate of both layers.")


class Distance(Exercise):
    key = "distance"
    title = "Exercise 5 (EuclideanDistance)"

    def inputs(self, rng):
        return {"u": rng.normal(size=(7, 9)).astype("float32"), "v": rng.normal(size=(7, 9)).astype("float32")}

    def probe(self, inputs, layer_class):
        u, v = inputs["u"], inputs["v"]
        layer = layer_class()
        first, second = keras.Input(shape=(9,)), keras.Input(shape=(9,))
        model = keras.Model([first, second], layer_class()([first, second]))
        point = tf.Variable(u)
        with tf.GradientTape() as tape:
            total = ops.sum(layer([point, tf.constant(u)]))
        return {"output": layer([u, v]), "symbolic": model([u, v]), "zero": layer([u, u]),
                "gradient": tape.gradient(total, point), "weights": len(layer.weights)}

    def judge(self, inputs, evidence):
        u, v = inputs["u"], inputs["v"]
        want = np.sqrt(np.sum((u - v) ** 2, axis=-1))
        out = evidence["output"]
        if np.shape(out) not in ((7,), (7, 1)):
            expect.shape(self.title, "the output for 7 pairs", np.shape(out), (7,),
                         "Sum over the last axis: one distance per pair, shape (batch,) or (batch, 1).")
        expect.close(self.title, "the distances", np.ravel(out), want,
                     "d = sqrt(max(sum((u - v)**2, axis=-1), epsilon)): do not forget the square root.",
                     atol=1e-3, rtol=1e-4)
        expect.close(self.title, "the distances inside a functional model", np.ravel(evidence["symbolic"]), want,
                     "Use keras.ops so the layer also works on symbolic inputs.", atol=1e-3, rtol=1e-4)
        expect.equal(self.title, "the number of weights", evidence["weights"], 0, "A distance has nothing to learn.")
        zero = np.ravel(evidence["zero"])
        expect.equal(self.title, "the distance of an image to itself is (almost) 0",
                     bool(np.all(np.isfinite(zero)) and np.all(np.abs(zero) < 1e-2)), True,
                     "Keep epsilon small, like 1e-7 (keras.config.epsilon()).")
        gradient = evidence["gradient"]
        expect.equal(self.title, "the gradient at zero distance is finite", bool(np.all(np.isfinite(gradient))), True,
                     "sqrt has an infinite slope at 0: take sqrt(max(sum, epsilon)) so the gradient stays finite.")


class Siamese(Exercise):
    key = "siamese"
    title = "Exercise 6 (siamese model)"

    def inputs(self, rng):
        return {"kernel": rng.normal(0, 0.05, size=(784, 6)).astype("float32"),
                "bias": rng.normal(0, 0.1, size=6).astype("float32"),
                "first": rng.uniform(0, 1, size=(5, 784)).astype("float32"),
                "second": rng.uniform(0, 1, size=(5, 784)).astype("float32")}

    def probe(self, inputs, make_siamese, make_encoder):
        encoder = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(6)])
        encoder.set_weights([inputs["kernel"], inputs["bias"]])
        model = make_siamese(encoder)
        return {"params": model.count_params(), "inputs": len(model.inputs),
                "output": model([inputs["first"], inputs["second"]]),
                "full_params": make_siamese(make_encoder()).count_params()}

    def judge(self, inputs, evidence):
        expect.equal(self.title, "the number of inputs", evidence["inputs"], 2, "One keras.Input per image.")
        expect.equal(self.title, "the parameters of a siamese model around a 4,710-parameter encoder",
                     evidence["params"], 4_710,
                     "Call the same encoder on both inputs: its weights are shared, so they count once.")
        embed = lambda x: x @ inputs["kernel"] + inputs["bias"]  # noqa: E731
        want = np.sqrt(np.sum((embed(inputs["first"]) - embed(inputs["second"])) ** 2, axis=-1))
        expect.close(self.title, "the output", np.ravel(evidence["output"]), want,
                     "The output is EuclideanDistance()([encoder(first), encoder(second)]).", atol=1e-3, rtol=1e-4)
        expect.equal(self.title, "the parameters of make_siamese(make_encoder())", evidence["full_params"],
                     ENCODER_PARAMETERS, "The siamese model has exactly the encoder's 133,504 parameters.")


class Training(Exercise):
    key = "training_objects"
    title = "Exercise 7 (optimizer and loss)"

    def inputs(self, rng):
        return {"labels": np.tile([1.0, 0.0], 6).astype("float32"),
                "distances": rng.uniform(0, 2, size=12).astype("float32")}

    def probe(self, inputs, make_optimizer_and_loss):
        optimizer, loss = make_optimizer_and_loss()
        return {"adam": isinstance(optimizer, keras.optimizers.Adam),
                "learning_rate": ops.convert_to_numpy(optimizer.learning_rate),
                "loss": loss(inputs["labels"], inputs["distances"]), "margin": loss.margin}

    def judge(self, inputs, evidence):
        expect.equal(self.title, "isinstance(optimizer, keras.optimizers.Adam)", evidence["adam"], True,
                     "Use keras.optimizers.Adam.")
        expect.close(self.title, "the learning rate", evidence["learning_rate"], 1e-3, "Use learning_rate=1e-3.")
        expect.close(self.title, "loss.margin", evidence["margin"], 1.0, "Make the loss with margin=1.0.")
        expect.close(self.title, "the loss value", evidence["loss"],
                     contrastive(inputs["labels"], inputs["distances"], 1.0), "Return ContrastiveLoss(margin=1.0).")


class TrainStep(Exercise):
    """One step on a fixed batch, with a tiny trusted model without dropout (so the step is deterministic)."""

    key = "train_step"
    title = "Exercise 8 (train_step)"

    def inputs(self, rng):
        for _ in range(100):
            pairs, labels = random_pairs(rng, 32, 6)
            weights = trusted_weights(rng, 6)
            if self.every_layer_switches(pairs, labels, weights):
                return {"weights": weights, "pairs": pairs, "labels": labels}
        raise RuntimeError("no batch in 100 draws gives every weight tensor a gradient")

    @staticmethod
    def every_layer_switches(pairs, labels, weights):
        """Whether, in each layer, some unit is on for one image of a same-class pair and off for the other.

        Where every unit of a layer is on for both images of each pair, or
        off for both, the layer's bias cancels in u - v: its gradient is
        zero and a correct step leaves it unchanged (about 3 batches in 100
        before this filter). Same-class pairs are used because their loss,
        d**2, always has a gradient; a different-class pair beyond the
        margin has none.
        """
        def activity(x):
            hidden = x @ weights[0] + weights[1]
            return hidden > 0, np.maximum(hidden, 0.0) @ weights[2] + weights[3] > 0
        same = pairs[labels == 1]
        return all(np.any(first != second) for first, second in zip(activity(same[:, 0]), activity(same[:, 1])))

    def probe(self, inputs, make_train_step):
        model = trusted_siamese(inputs["weights"])
        step = make_train_step(model, keras.optimizers.Adam(1e-3), TrustedContrastive(1.0))
        x_pair = (inputs["pairs"][:, 0], inputs["pairs"][:, 1])
        evidence = {"loss": step(x_pair, inputs["labels"]),
                    "tf_function": hasattr(step, "get_concrete_function")}
        for i, weight in enumerate(model.get_weights()):
            evidence[f"after{i}"] = weight
        return evidence

    def judge(self, inputs, evidence):
        pairs, labels, before = inputs["pairs"], inputs["labels"], inputs["weights"]
        after = _weights_of(evidence, "after")
        loss_before = contrastive(labels, np_distances(pairs[:, 0], pairs[:, 1], before), 1.0)
        expect.close(self.title, "the loss that train_step returns", evidence["loss"], loss_before,
                     "Return loss_fn(y, model(x_pair, training=True)), computed inside the tape before the update.",
                     atol=1e-5, rtol=1e-3)
        expect.equal(self.title, "train_step is compiled with tf.function", evidence["tf_function"], True,
                     "Decorate the inner function with @tf.function.")
        changed = [not np.allclose(b, a, rtol=0, atol=0) for b, a in zip(before, after)]
        expect.equal(self.title, "which weight tensors one step changed", changed, [True] * 4,
                     "Take the gradient of the loss with respect to model.trainable_weights and "
                     "apply it with optimizer.apply_gradients.")
        loss_after = contrastive(labels, np_distances(pairs[:, 0], pairs[:, 1], after), 1.0)
        expect.equal(self.title, "one step lowers the loss on its batch", bool(loss_after < loss_before), True,
                     f"The loss went from {loss_before:.6f} to {loss_after:.6f}: step down the gradient.")


class Evaluate(Exercise):
    key = "evaluate"
    title = "Exercise 9 (predict_same and evaluate)"
    margin = 1.3

    def inputs(self, rng):
        pairs, labels = random_pairs(rng, 40, 6)
        distances = rng.uniform(0, 2, size=20).astype("float32")
        distances[:3] = (0.5, 1.0, 0.65)
        return {"weights": trusted_weights(rng, 6), "pairs": pairs, "labels": labels, "distances": distances}

    def probe(self, inputs, predict_same, evaluate):
        model = trusted_siamese(inputs["weights"])
        loss, accuracy = evaluate(model, inputs["pairs"], inputs["labels"], TrustedContrastive(self.margin))
        return {"same1": np.asarray(predict_same(inputs["distances"], 1.0)).astype(np.int64),
                "same2": np.asarray(predict_same(inputs["distances"], self.margin)).astype(np.int64),
                "loss": loss, "accuracy": accuracy}

    def judge(self, inputs, evidence):
        d = inputs["distances"]
        for name, margin in (("same1", 1.0), ("same2", self.margin)):
            expect.equal(self.title, f"predict_same(distances, margin={margin})", np.ravel(evidence[name]),
                         (d <= margin / 2).astype(int),
                         "Same class (1) when the distance is at most margin / 2, else 0.")
        pairs, labels = inputs["pairs"], inputs["labels"]
        distances = np_distances(pairs[:, 0], pairs[:, 1], inputs["weights"])
        expect.close(self.title, "the loss from evaluate", evidence["loss"],
                     contrastive(labels, distances, self.margin),
                     "Predict the distances of all pairs, then apply loss_fn to all of them.", atol=1e-5, rtol=1e-3)
        expect.close(self.title, "the accuracy from evaluate", evidence["accuracy"],
                     np.mean((distances <= self.margin / 2) == labels),
                     "The fraction of pairs where predict_same(distances, loss_fn.margin) equals the label.")


class Batches(Exercise):
    key = "batches"
    title = "Exercise 10a (make_batches)"

    def inputs(self, rng):
        return {"n": int(rng.integers(21, 30)), "size": 5}

    def probe(self, inputs, make_batches):
        n, size = inputs["n"], inputs["size"]
        rng = np.random.default_rng(3)
        np.random.seed(1)
        first = make_batches(n, size, rng)
        second = make_batches(n, size, rng)
        np.random.seed(2)
        again = make_batches(n, size, np.random.default_rng(3))
        flat = lambda batches: np.concatenate([np.ravel(b) for b in batches]).astype(np.int64)  # noqa: E731
        return {"sizes": [np.size(b) for b in first], "first": flat(first), "second": flat(second),
                "again": flat(again)}

    def judge(self, inputs, evidence):
        n, size = inputs["n"], inputs["size"]
        expect.equal(self.title, f"the batch sizes for n={n}, batch_size={size}", evidence["sizes"],
                     [size] * (n // size) + ([n % size] if n % size else []),
                     "Full batches, then one smaller batch with the rest.")
        expect.equal(self.title, "the batches hold every index once", np.sort(evidence["first"]), np.arange(n),
                     "Split a permutation of range(n).")
        expect.equal(self.title, "the batches are shuffled", bool(np.array_equal(evidence["first"], np.arange(n))),
                     False, "Use rng.permutation(n), not the indices in order.")
        expect.equal(self.title, "two calls (two epochs) give different batches",
                     bool(np.array_equal(evidence["first"], evidence["second"])), False,
                     "Draw a new permutation at every call.")
        expect.equal(self.title, "a fresh rng with the same seed gives the same batches",
                     bool(np.array_equal(evidence["first"], evidence["again"])), True,
                     "Draw random numbers from the rng argument only, never from np.random.")


class FitLoop(Exercise):
    """Runs the student's loop with a tiny trusted model, train step and loss; it also relies on the
    student's make_batches and evaluate, which the loop calls (as the exercise asks)."""

    key = "fit_loop"
    title = "Exercise 10b (fit_siamese)"
    epochs, batch_size = 3, 8

    def inputs(self, rng):
        pairs, labels = random_pairs(rng, 30, 6)
        pairs[:, 0, 0] = np.arange(30) / 100.0
        val_pairs, val_labels = random_pairs(rng, 12, 6)
        return {"weights": trusted_weights(rng, 6), "pairs": pairs, "labels": labels,
                "val_pairs": val_pairs, "val_labels": val_labels}

    def probe(self, inputs, fit_siamese):
        model = trusted_siamese(inputs["weights"])
        loss_fn = TrustedContrastive(1.0)
        step = trusted_train_step(model, keras.optimizers.Adam(1e-2), loss_fn)
        seen = []

        def recording_step(x_pair, y):
            seen.append(np.rint(np.asarray(x_pair[0])[:, 0] * 100).astype(np.int64))
            return step(x_pair, y)

        history = fit_siamese(model, recording_step, (inputs["pairs"], inputs["labels"]),
                              (inputs["val_pairs"], inputs["val_labels"]), loss_fn,
                              self.epochs, self.batch_size, np.random.default_rng(5))
        evidence = {"calls": len(seen), "seen": np.concatenate(seen) if seen else np.zeros(0, np.int64)}
        for name in ("loss", "accuracy", "val_loss", "val_accuracy"):
            evidence[name] = np.asarray(history[name], dtype=np.float64)
        for i, weight in enumerate(model.get_weights()):
            evidence[f"final{i}"] = weight
        return evidence

    def judge(self, inputs, evidence):
        n, epochs = len(inputs["labels"]), self.epochs
        per_epoch = -(-n // self.batch_size)
        expect.equal(self.title, f"the number of train_step calls in {epochs} epochs of {n} pairs, batch size "
                     f"{self.batch_size}", evidence["calls"], epochs * per_epoch,
                     "Call train_step once per batch of make_batches(...), in every epoch.")
        orders = np.reshape(evidence["seen"], (epochs, n))
        for e in range(epochs):
            expect.equal(self.title, f"the pairs seen in epoch {e + 1}", np.sort(orders[e]), np.arange(n),
                         "Every epoch sees every training pair once.")
        expect.equal(self.title, "each epoch has a new order", bool(len({tuple(o) for o in orders}) == epochs), True,
                     "Call make_batches inside the epoch loop, so the pairs are reshuffled every epoch.")
        for name in ("loss", "accuracy", "val_loss", "val_accuracy"):
            expect.shape(self.title, f"history['{name}']", np.shape(evidence[name]), (epochs,),
                         "Append one number per epoch to each list of the history.")
        final = _weights_of(evidence, "final")
        for prefix, pairs, labels in (("", inputs["pairs"], inputs["labels"]),
                                      ("val_", inputs["val_pairs"], inputs["val_labels"])):
            distances = np_distances(pairs[:, 0], pairs[:, 1], final)
            what = "training" if not prefix else "validation"
            expect.close(self.title, f"history['{prefix}loss'] after the last epoch", evidence[f"{prefix}loss"][-1],
                         contrastive(labels, distances, 1.0),
                         f"At the end of each epoch, store evaluate(model, {what} pairs, labels, loss_fn).",
                         atol=1e-5, rtol=1e-3)
            expect.close(self.title, f"history['{prefix}accuracy'] after the last epoch",
                         evidence[f"{prefix}accuracy"][-1], np.mean((distances <= 0.5) == labels),
                         f"At the end of each epoch, store evaluate(model, {what} pairs, labels, loss_fn).")


class TrainedModel(Exercise):
    """The trained siamese model on fresh test pairs, at threshold margin / 2 = 0.5.

    The pairs are new (drawn at grading time from the test images), and the
    pass mark is 0.85 pair accuracy, not the 0.90 a full student run reaches:
    the grader runs the notebook in quick mode, which trains for 3 epochs
    and reaches about 0.88. 0.85 is what that short run proves with margin to
    spare, and it is far above what a broken model gets (0.5 for chance;
    swapped labels or a loss without the margin give much less).
    """

    key = "trained_model"
    title = "Exercise 11 (trained model)"
    minimum_accuracy = 0.85
    count = 4000

    def inputs(self, rng):
        from utils.data import load_fashion_mnist

        _, (_, y_test) = load_fashion_mnist()
        first = rng.integers(0, len(y_test), size=self.count)
        labels = np.tile([1, 0], self.count // 2)
        second = np.empty_like(first)
        for k, (i, same) in enumerate(zip(first, labels)):
            pool = np.flatnonzero((y_test == y_test[i]) if same else (y_test != y_test[i]))
            second[k] = pool[rng.integers(len(pool))]
            while second[k] == i:
                second[k] = pool[rng.integers(len(pool))]
        return {"first": first, "second": second, "labels": labels}

    def probe(self, inputs, siamese):
        from utils.data import load_fashion_mnist

        _, (x_test, _) = load_fashion_mnist()
        x = x_test.reshape(len(x_test), -1).astype("float32") / 255.0
        distances = siamese.predict([x[inputs["first"]], x[inputs["second"]]], batch_size=4096, verbose=0)
        return {"distances": np.ravel(distances)}

    def judge(self, inputs, evidence):
        distances = evidence["distances"]
        expect.shape(self.title, "the distances of the test pairs", np.shape(distances), (self.count,),
                     "siamese should map two batches of images to one distance per pair.")
        accuracy = np.mean((distances <= 0.5) == inputs["labels"])
        expect.at_least(self.title, f"the pair accuracy on {self.count} new test pairs at threshold 0.5", accuracy,
                        self.minimum_accuracy, "Run the training cell before this test; check exercises 2-10.")


class_indices = ClassIndices()
create_pairs = CreatePairs()
contrastive_loss = ContrastiveLoss()
encoder = Encoder()
distance = Distance()
siamese = Siamese()
training_objects = Training()
train_step = TrainStep()
evaluate = Evaluate()
batches = Batches()
fit_loop = FitLoop()
trained_model = TrainedModel()
